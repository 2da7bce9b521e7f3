#!/usr/bin/env bash
# The failover drills and the standby-read tests (Tests/ClusterTests) against a fresh local
# cluster (scripts/cluster.sh: PostgreSQL primary + synchronous standby, HAProxy, three servers).
# The cluster's data lives under .local/cluster-test, wiped before and after, so the drills that
# kill the primary never touch the cluster of `make cluster`; it uses the same ports, so stop that
# one first (`make cluster-stop`). Each group of tests runs in its own `swift test`, in this order,
# because the last one promotes the standby and leaves the cluster without one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export TIDEMARK_CLUSTER_DIR="${TIDEMARK_CLUSTER_DIR:-$ROOT/.local/cluster-test}"
scripts/bootstrap.sh
swift build --build-tests
cleanup() {
    scripts/cluster.sh stop || true
    # Under a private home the script keeps the data under /var/tmp behind a symbolic link.
    local real
    real="$(readlink -f "$TIDEMARK_CLUSTER_DIR" || true)"
    rm -rf "$TIDEMARK_CLUSTER_DIR"
    [[ -n "$real" && "$real" != "$TIDEMARK_CLUSTER_DIR" ]] && rm -rf "$real"
    return 0
}
cleanup
trap cleanup EXIT
# The servers deliver pushes to a webhook the drills start on this port (PushStandIns' webhook
# stand-in), so the drills can count every delivery.
export TIDEMARK_CLUSTER_WEBHOOK_PORT="${TIDEMARK_CLUSTER_WEBHOOK_PORT:-$(( ${TIDEMARK_CLUSTER_SERVER_PORT:-18081} + 9 ))}"
export TIDEMARK_WEBHOOK_URL="http://127.0.0.1:$TIDEMARK_CLUSTER_WEBHOOK_PORT/hook"
export TIDEMARK_WEBHOOK_SECRET="cluster-drill-webhook-secret"
scripts/cluster.sh start
while IFS= read -r line; do export "$line"; done < <(scripts/cluster.sh env)
export TIDEMARK_CLUSTER_ROOT="$ROOT"
export TIDEMARK_REQUIRE_DATABASE=1
export DATABASE_URL="$TIDEMARK_CLUSTER_DATABASE_URL"
# Each drill appends its table here; printed at the end.
export TIDEMARK_DRILL_REPORT="$ROOT/.local/cluster-drills.md"
: > "$TIDEMARK_DRILL_REPORT"
status=0
for group in ${TIDEMARK_CLUSTER_GROUPS:-StandbyReadTests LeaseHolderDrillTests RollingRestartDrillTests PrimaryFailoverDrillTests}; do
    echo "test-cluster: $group" >&2
    timeout --signal=KILL "${TIDEMARK_TEST_TIMEOUT:-1200}" swift test --skip-build --filter "ClusterTests.$group" || status=$?
    scripts/cluster.sh status || true
done
echo "test-cluster: the drills' tables ($TIDEMARK_DRILL_REPORT):" >&2
cat "$TIDEMARK_DRILL_REPORT"
exit "$status"
