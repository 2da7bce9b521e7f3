#!/usr/bin/env bash
# Prints the development server's access-token secret, creating it once under the git-ignored
# .local folder, so tokens stay valid across `make run` restarts. Production sets
# TIDEMARK_JWT_SECRET itself (the same value on every instance).
set -euo pipefail
cd "$(dirname "$0")/.."
file=.local/token-secret
if [[ ! -s "$file" ]]; then
    mkdir -p .local
    umask 077
    head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$file"
fi
cat "$file"
