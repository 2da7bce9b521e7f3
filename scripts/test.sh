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
# TIDEMARK_TEST_TIMEOUT seconds (default 1800) for the first phase, TIDEMARK_ISOLATED_TIMEOUT
# (default 600) for the second, the whole test process group is killed
# (SIGKILL: a test process that runs a ServiceGroup may catch SIGTERM) and the tests that started
# but never ended are listed.
LOG="$ROOT/.local/test-output.log"
mkdir -p "$ROOT/.local"
: > "$LOG"
run_phase() { # timeout, width, swift test arguments...
    local limit="$1" width="$2" status=0
    shift 2
    SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$width" \
        timeout --signal=KILL "$limit" swift test --skip-build "$@" 2>&1 | tee -a "$LOG" || status=$?
    if [[ $status -eq 137 ]]; then
        echo "test: a phase did not finish within $limit s and was killed; tests that started and never ended:" >&2
        python3 scripts/unfinished-tests.py "$LOG" >&2 || true
    fi
    return "$status"
}
# Two phases. The suites that end PostgreSQL backends on purpose (or refuse connections) run on
# their own, after the rest. postgres-nio 1.33.2 loses the answer of a query written to a pooled
# connection that the server has just ended (LostAnswerTests shows it: about one call in twenty
# while backends are being ended); the product guards its background loops with a Deadline, but a
# test's own query can still wait forever. Everything else runs first,
# SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH at a time.
ISOLATED='SubscriptionTests|ProblemMiddlewareTests|ClientResilienceTests|DatabaseOutageTests|RunnerTests|LostAnswerTests'
status=0
run_phase "${TIDEMARK_TEST_TIMEOUT:-1800}" "$SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH" --skip "$ISOLATED" "$@" || status=$?
# The isolated phase takes 1-2 minutes. When it hangs (a lost answer, above), it is killed after
# TIDEMARK_ISOLATED_TIMEOUT seconds (default 600) and run once more; a second hang, or any failed
# test, fails the run. A rerun is announced on standard error and in the log.
isolated=0
run_phase "${TIDEMARK_ISOLATED_TIMEOUT:-600}" 2 --filter "$ISOLATED" "$@" || isolated=$?
if [[ $isolated -eq 137 ]]; then
    echo "test: the isolated phase hung (see the list above); running it once more" | tee -a "$LOG" >&2
    isolated=0
    run_phase "${TIDEMARK_ISOLATED_TIMEOUT:-600}" 2 --filter "$ISOLATED" "$@" || isolated=$?
fi
[[ $isolated -eq 0 ]] || status=$isolated
exit "$status"
