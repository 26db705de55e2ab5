#!/usr/bin/env bash
# Times `herald dead-letters list`, `export`, `purge`, `import` and `requeue` over many dead letters
# on a private Redis.
#
# The dead letters are made the way production makes them: notifications of 100 recipients are
# submitted with max_attempts 1 for channel push, and `herald run` runs with a config that no
# longer names push (every event fails to build: payload_encoding_failed). (A stream that refuses
# appends makes no dead letters: its routes wait, uncharged.) Then the script times listing them
# all (table and JSON Lines, in a 64 MB heap: the listing streams), exporting them (64 MB heap),
# then, unless list-only, purging them all, importing the file back (64 MB heap) and requeueing
# them all, and checks that none is left.
#
# Usage: src/test/bench/dead-letter-bench.sh [ROUTES (default 200000)] [PORT (default 6490)] [list-only]
# Needs redis-server and redis-cli on PATH and target/herald.jar (mvn -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../../.."

ROUTES=${1:-200000}
PORT=${2:-6490}
MODE=${3:-all}
RECIPIENTS=100
NOTIFICATIONS=$((ROUTES / RECIPIENTS))
JAR=target/herald.jar
work=$(mktemp -d)
cli=(redis-cli -p "$PORT")

redis-server --port "$PORT" --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
cleanup() {
  [[ -n "${run_pid:-}" ]] && kill "$run_pid" 2>/dev/null || true
  "${cli[@]}" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
until "${cli[@]}" ping >/dev/null 2>&1; do sleep 0.1; done

cat > "$work/herald.yaml" <<YAML
redis:
  url: redis://127.0.0.1:$PORT
namespace: bench
gateway:
  stream: bench:gw
publisher:
  workers: 2
  batch-size: 1000
  poll-interval: 100ms
YAML

# Plant: the publisher runs without channel push, so no event of it can be built.
cat > "$work/herald-without-push.yaml" <<YAML
redis:
  url: redis://127.0.0.1:$PORT
namespace: bench
channels:
  sms:
    stream: bench:sms
publisher:
  workers: 2
  batch-size: 1000
  poll-interval: 100ms
ops:
  listen: "off"
YAML
awk -v n="$NOTIFICATIONS" -v r="$RECIPIENTS" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"max_attempts\":1,\"channels\":[\"push\"],\"payload\":{\"turn\":%d},\"recipients\":[", i
    for (j = 0; j < r; j++) printf "%s\"u-%d-%d\"", (j ? "," : ""), i, j
    print "]}"
  }
}' > "$work/notifications.ndjson"
java -jar "$JAR" submit -c "$work/herald.yaml" < "$work/notifications.ndjson" > /dev/null
java -jar "$JAR" run -c "$work/herald-without-push.yaml" > "$work/run.log" 2>&1 &
run_pid=$!
echo "planting $ROUTES dead letters ($NOTIFICATIONS notifications of $RECIPIENTS routes)..."
until [[ "$("${cli[@]}" zcard bench:dead)" == "$ROUTES" ]]; do sleep 0.5; done
kill -TERM "$run_pid"; wait "$run_pid" || true; run_pid=
echo "planted: $("${cli[@]}" zcard bench:dead) dead letters"

measure() { # label, then the command; prints seconds and peak memory
  local label=$1; shift
  /usr/bin/time -f "$label: %e s, peak RSS %M KB" "$@"
}
measure "list (table, -Xmx64m)" \
  java -Xmx64m -jar "$JAR" dead-letters list --limit 0 -c "$work/herald.yaml" > "$work/list.txt"
echo "  $(grep -c 'game.turn_ready' "$work/list.txt") rows"
measure "list --json (JSON Lines, -Xmx64m)" \
  java -Xmx64m -jar "$JAR" dead-letters list --limit 0 --json -c "$work/herald.yaml" > "$work/list.json"
echo "  $(wc -l < "$work/list.json") lines"
measure "export (JSON Lines, -Xmx64m)" \
  java -Xmx64m -jar "$JAR" dead-letters export -c "$work/herald.yaml" > "$work/dead.ndjson"
echo "  $(wc -l < "$work/dead.ndjson") lines, $(du -m "$work/dead.ndjson" | cut -f1) MB"
[[ "$MODE" == list-only ]] && exit 0
# Archive and bring back: purge them all, import the file (each a notification of its own).
measure "purge --all" \
  java -jar "$JAR" dead-letters purge --all --yes -c "$work/herald.yaml" > /dev/null
measure "import (-Xmx64m)" \
  java -Xmx64m -jar "$JAR" dead-letters import "$work/dead.ndjson" -c "$work/herald.yaml"
echo "dead letters after the import: $("${cli[@]}" zcard bench:dead)"
measure "requeue --all" \
  java -jar "$JAR" dead-letters requeue --all -c "$work/herald.yaml"
echo "left as dead letters: $("${cli[@]}" zcard bench:dead); scheduled groups: $("${cli[@]}" zcard bench:schedule)"
