#!/usr/bin/env bash
# Runs the whole test suite against a fresh database of the private PostgreSQL.
# A database named tidemark_test_<time>_<pid> is created for this run and dropped afterwards;
# test suites create further databases of their own on the same server, copied from template
# databases the test process makes once (dropped at the end of the run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/bootstrap.sh
scripts/pg.sh start
RUN_DB="tidemark_test_$(date +%s)_$$"
scripts/pg.sh createdb "$RUN_DB"
# Test suites copy their databases from migrated templates (tmpl_<time>_<pid>_<name>) made once by
# the test process; drop them, and any left by killed runs, when this run ends.
trap 'scripts/pg.sh dropdb "$RUN_DB" || true; scripts/pg.sh droptemplates || true' EXIT
export DATABASE_URL="$(scripts/pg.sh url "$RUN_DB")"
export TIDEMARK_REQUIRE_DATABASE=1
echo "test: DATABASE_URL=$DATABASE_URL" >&2
swift build --build-tests "$@"
# Swift Testing runs every test at once by default; dozens of servers with their projection runners
# on two cores starve each other. Bound the width (the variable is ignored by toolchains without it).
# 4, not more: since test databases are copied from templates, tests start at once, and at 8 and 12
# the load made postgres-nio 1.33.2 lose the answer of a query whose connection the server ended
# (tests that terminate backends then hang; the watchdog below names them).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-4}"
# A watchdog: a test that never ends would otherwise hold CI until its own limit. After
# TIDEMARK_TEST_TIMEOUT seconds (default 1800) per phase the whole test process group is killed
# (SIGKILL: a test process that runs a ServiceGroup may catch SIGTERM) and the tests that started
# but never ended are listed.
LOG="$ROOT/.local/test-output.log"
mkdir -p "$ROOT/.local"
: > "$LOG"
run_phase() { # width, swift test arguments...
    local width="$1" status=0
    shift
    SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$width" \
        timeout --signal=KILL "${TIDEMARK_TEST_TIMEOUT:-1800}" swift test --skip-build "$@" 2>&1 | tee -a "$LOG" || status=$?
    if [[ $status -eq 137 ]]; then
        echo "test: a phase did not finish within ${TIDEMARK_TEST_TIMEOUT:-1800} s and was killed; tests that started and never ended:" >&2
        python3 scripts/unfinished-tests.py "$LOG" >&2 || true
    fi
    return "$status"
}
# Two phases. The suites that end PostgreSQL backends on purpose (or refuse connections) run on
# their own, two tests at a time, after the rest: under load, postgres-nio 1.33.2 now and then
# never answers a query whose connection the server ended, and such a test then hangs; alone they
# pass. Everything else runs first, SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH at a time.
ISOLATED='SubscriptionTests|ProblemMiddlewareTests|ClientResilienceTests|DatabaseOutageTests|RunnerTests'
status=0
run_phase "$SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH" --skip "$ISOLATED" "$@" || status=$?
run_phase 2 --filter "$ISOLATED" "$@" || status=$?
exit "$status"
