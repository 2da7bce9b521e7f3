#!/usr/bin/env bash
# Installs what building and testing Tidemark needs and a fresh Debian machine may lack.
# Idempotent: installs nothing when everything is present.
set -euo pipefail
need=()
command -v swift >/dev/null 2>&1 || { echo "bootstrap: error: the Swift toolchain (swift) is not on PATH; install Swift 6.x first" >&2; exit 1; }
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
# zlib and zstd for `synccli events export` files (compress-nio and CZstd link the system libraries).
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
dpkg -s libzstd-dev >/dev/null 2>&1 || need+=(libzstd-dev)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
if [[ ${#need[@]} -gt 0 ]]; then
    echo "bootstrap: installing ${need[*]}" >&2
    sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
