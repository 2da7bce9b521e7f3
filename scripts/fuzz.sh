#!/usr/bin/env bash
# `make fuzz`: tests the sync server from the outside with schemathesis, driven by the OpenAPI
# document the server serves. Fails (exit 1) on any 5xx, any answer that breaks the document
# (undocumented status, body that does not match its schema, wrong content type, missing 405),
# or a server that died on the way.
#
# Steps: install a pinned schemathesis into a Python venv under the git-ignored .local/, start the
# private PostgreSQL, create a fresh database, migrate and seed it, start `synccli serve` on a free
# port, sign in the seeded member and administrator, run schemathesis once with each token, check
# that the server still answers, then stop the server and drop the database (always).
#
# Settings (environment):
#   FUZZ_SECONDS      time budget of the whole fuzzing, split between the two tokens (default 240)
#   FUZZ_WORKERS      concurrent schemathesis workers (default 1: with more, Python 3.11's ast.parse
#                     fails now and then inside Hypothesis, "AST constructor recursion depth mismatch")
#   FUZZ_SEED         schemathesis's random seed (default: random; printed, for reproducing a run)
#   FUZZ_VENV         the venv folder (default .local/fuzz-venv)
#   FUZZ_REPORT_DIR   where the JUnit reports and the server log go (default .local/fuzz-report)
#   FUZZ_KEEP_DB=1    keep the database afterwards (for debugging); it is dropped by default
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SCHEMATHESIS_VERSION="4.32.5"
FUZZ_SECONDS="${FUZZ_SECONDS:-240}"
FUZZ_WORKERS="${FUZZ_WORKERS:-1}"
FUZZ_SEED="${FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
VENV="${FUZZ_VENV:-$ROOT/.local/fuzz-venv}"
REPORT_DIR="${FUZZ_REPORT_DIR:-$ROOT/.local/fuzz-report}"
CLI="$ROOT/.build/debug/synccli"

log() { printf 'fuzz: %s\n' "$*" >&2; }
die() { printf 'fuzz: error: %s\n' "$*" >&2; exit 1; }

[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ && "$FUZZ_SECONDS" -ge 20 ]] || die "FUZZ_SECONDS must be a whole number of seconds, at least 20"
[[ -x "$CLI" ]] || die "$CLI is missing; run make build first"

# --- Python and schemathesis --------------------------------------------------------------------
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    log "installing python3 and python3-venv"
    sudo=""; [[ "$(id -u)" == 0 ]] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
fi
if [[ "$("$VENV/bin/st" --version 2>/dev/null || true)" != "st, version $SCHEMATHESIS_VERSION" ]]; then
    log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

# --- Database and server ------------------------------------------------------------------------
scripts/pg.sh start
DB="tidemark_fuzz_$(date +%s)_$$"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ "${FUZZ_KEEP_DB:-0}" == 1 ]]; then
        log "kept database $DB"
    else
        scripts/pg.sh dropdb "$DB" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
scripts/pg.sh createdb "$DB"
export DATABASE_URL; DATABASE_URL="$(scripts/pg.sh url "$DB")"
mkdir -p "$REPORT_DIR"
REPORT_DIR="$(cd "$REPORT_DIR" && pwd)"
"$CLI" migrate >/dev/null
"$CLI" seed --password-cost 4 >/dev/null 2>&1 || die "synccli seed failed"

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
TIDEMARK_JWT_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" LOG_LEVEL="${FUZZ_SERVER_LOG_LEVEL:-warning}" \
    "$CLI" serve --host 127.0.0.1 --port "$PORT" --no-migrate >"$REPORT_DIR/server.log" 2>&1 &
SERVER_PID=$!

# Small HTTP helpers in Python (no curl needed).
http_status() {
    python3 - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
        print(answer.status)
except urllib.error.HTTPError as error:
    print(error.code)
except Exception:
    print(0)
PY
}
sign_in() {
    python3 - "$BASE" "$1" <<'PY'
import json, sys, uuid, urllib.request
body = json.dumps({"tenant_code": "demo", "username": sys.argv[2], "password": "tidemark-demo",
                   "device_id": str(uuid.uuid4()), "device_name": "make fuzz"}).encode()
request = urllib.request.Request(sys.argv[1] + "/v1/auth/login", data=body, headers={"Content-Type": "application/json"})
with urllib.request.urlopen(request, timeout=30) as answer:
    print(json.load(answer)["access_token"])
PY
}

for _ in $(seq 1 300); do
    [[ "$(http_status "$BASE/health")" == 200 ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited at start; see $REPORT_DIR/server.log"
    sleep 0.2
done
[[ "$(http_status "$BASE/health")" == 200 ]] || die "the server did not answer /health within 60 s"
MEMBER_TOKEN="$(sign_in user1)" || die "could not sign in user1"
ADMIN_TOKEN="$(sign_in admin)" || die "could not sign in admin"
log "server on $BASE (database $DB); budget ${FUZZ_SECONDS} s; seed $FUZZ_SEED; schemathesis $SCHEMATHESIS_VERSION"

# --- Fuzzing ---------------------------------------------------------------------------------
# Checks: no 5xx; every status, content type, header and body as documented; 405 for undocumented
# methods on documented paths. The operations that can end the run's own sign-in (log out, revoke
# a session, lock, deactivate or delete a user, revoke a role: schemathesis learns the caller's ids
# from earlier answers) run last, in a pass of their own, so the main passes keep a live session.
CHECKS="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method"
DESTRUCTIVE=(logout revokeSession revokeRole lockUser deactivateUser deleteUser)
run_schemathesis() { # name token seconds include|exclude
    local name="$1" token="$2" seconds="$3" mode="$4" filter=() id
    for id in "${DESTRUCTIVE[@]}"; do filter+=("--$mode-operation-id" "$id"); done
    # From the report folder, where schemathesis keeps its cache (.schemathesis/).
    (cd "$REPORT_DIR" && "$VENV/bin/st" run "$BASE/openapi.yaml" \
        --url "$BASE" \
        --checks "$CHECKS" \
        --header "Authorization: Bearer $token" \
        --header "Tidemark-Protocol: 1" \
        "${filter[@]}" \
        --max-time "$seconds" \
        --workers "$FUZZ_WORKERS" \
        --seed "$FUZZ_SEED" \
        --request-timeout 30 \
        --suppress-health-check all \
        --no-color \
        --report junit --report-junit-path "$REPORT_DIR/$name.junit.xml")
}
MAIN_SECONDS=$(( FUZZ_SECONDS * 2 / 5 ))
LAST_SECONDS=$(( FUZZ_SECONDS / 10 > 5 ? FUZZ_SECONDS / 10 : 5 ))
results=()
failed=0
for run in member admin member-destructive admin-destructive; do
    token="$MEMBER_TOKEN"; [[ "$run" == admin* ]] && token="$ADMIN_TOKEN"
    mode=exclude; seconds="$MAIN_SECONDS"
    [[ "$run" == *-destructive ]] && { mode=include; seconds="$LAST_SECONDS"; }
    log "schemathesis: $run for up to $seconds s"
    if run_schemathesis "$run" "$token" "$seconds" "$mode"; then
        results+=("$run: passed")
    else
        results+=("$run: FAILED (see the report above and $REPORT_DIR/$run.junit.xml)")
        failed=1
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        results+=("server: DIED during the $run pass (see $REPORT_DIR/server.log)")
        failed=1
        break
    fi
done
alive="$(http_status "$BASE/health")"
if [[ "$alive" == 200 ]]; then
    results+=("server: alive (GET /health 200)")
else
    results+=("server: NOT answering (GET /health: $alive)")
    failed=1
fi

echo
echo "fuzz summary (schemathesis $SCHEMATHESIS_VERSION, ${FUZZ_SECONDS} s budget, seed $FUZZ_SEED):"
for line in "${results[@]}"; do echo "  $line"; done
if [[ "$failed" == 0 ]]; then
    echo "fuzz: PASSED"
else
    echo "fuzz: FAILED"
    exit 1
fi
