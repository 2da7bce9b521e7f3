#!/usr/bin/env bash
# Runs the whole test suite against a fresh database of the private PostgreSQL.
# A database named tidemark_test_<time>_<pid> is created for this run and dropped afterwards;
# test suites that need an empty log create further databases of their own on the same server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/bootstrap.sh
scripts/pg.sh start
RUN_DB="tidemark_test_$(date +%s)_$$"
scripts/pg.sh createdb "$RUN_DB"
trap 'scripts/pg.sh dropdb "$RUN_DB" || true' EXIT
export DATABASE_URL="$(scripts/pg.sh url "$RUN_DB")"
export TIDEMARK_REQUIRE_DATABASE=1
echo "test: DATABASE_URL=$DATABASE_URL" >&2
swift build --build-tests "$@"
# Swift Testing runs every test at once by default; dozens of servers with their projection runners
# on two cores starve each other. Bound the width (the variable is ignored by toolchains without it).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-12}"
swift test --skip-build "$@"
