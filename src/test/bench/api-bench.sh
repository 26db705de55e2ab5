#!/usr/bin/env bash
# Benchmarks the HTTP API of a real `herald run` with wrk: a private redis-server (AOF off) and
# Herald on the same machine, one notification of 10 recipients per request over keep-alive
# connections. Prints the load average before each run and the exact wrk command, so that a run
# disturbed by other work on the machine can be told and repeated.
#
# Usage: src/test/bench/api-bench.sh [throughput|spool|paced|all] (default all)
#   throughput  wrk -t2 -c32 -d20s, 3 runs after a 15 s warm-up (notifications due in an hour:
#               the publisher idles, the figure is the API's; DUE_NOW=1 makes them due at once)
#   spool       the same with Redis paused (CLIENT PAUSE): every request goes to the spool
#   paced       `herald bench api --rate 5000`: latency p50/p99 at a fixed rate (open loop)
# Env: RUNS (3), STORE_BUDGET (500ms), API_THREADS (64), DURATION (20s), CONNECTIONS (32), THREADS (2), FSYNC (batch), BATCH (1),
#      HERALD_OPTS (JVM options of herald run, e.g. -XX:+FlightRecorder...).
# Needs redis-server, redis-cli, wrk on PATH and target/herald.jar (mvn -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../../.."

MODE=${1:-all}
RUNS=${RUNS:-3}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
FSYNC=${FSYNC:-batch}
export BATCH=${BATCH:-1}
JAR=target/herald.jar
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REDIS_PORT=$(free_port)
API_PORT=$(free_port)
OPS_PORT=$(free_port)
work=$(mktemp -d)
cli=(redis-cli -p "$REDIS_PORT")

redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --dir "$work" --logfile "$work/redis.log"
cleanup() {
  [[ -n "${run_pid:-}" ]] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null || true
  "${cli[@]}" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
until "${cli[@]}" ping >/dev/null 2>&1; do sleep 0.1; done

cat > "$work/herald.yaml" <<YAML
redis:
  url: redis://127.0.0.1:$REDIS_PORT
namespace: benchapi
gateway:
  stream: benchapi:gw
  max-length: 1000000
ops:
  listen: 127.0.0.1:$OPS_PORT
api:
  listen: 127.0.0.1:$API_PORT
  threads: ${API_THREADS:-64}
spool:
  dir: $work/spool
  fsync: $FSYNC
  store-budget: ${STORE_BUDGET:-500ms}
YAML

# shellcheck disable=SC2086
java ${HERALD_OPTS:-} -jar "$JAR" run --config "$work/herald.yaml" >"$work/herald.log" 2>&1 &
run_pid=$!
# Ready: Redis connected and the publisher running (the API answers, from the spool, before).
until curl -sf "http://127.0.0.1:$OPS_PORT/readyz" >/dev/null; do
  kill -0 "$run_pid" 2>/dev/null || { cat "$work/herald.log"; exit 1; }
  sleep 0.2
done
URL="http://127.0.0.1:$API_PORT/v1/notifications"
if [[ -z "${DUE_NOW:-}" ]]; then
  SEND_AT=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
  export SEND_AT
fi

cpu() { # pid: CPU seconds (user + system) used so far
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
sys_cpu() { # pid: CPU seconds in the kernel so far
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", $15 / hz }' "/proc/$1/stat"
}
redis_pid() { cat "$work/redis.pid"; }

wrk_runs() { # label
  local label=$1 cmd
  cmd=(wrk "-t$THREADS" "-c$CONNECTIONS" "-d$DURATION" --latency -s src/test/bench/api/post.lua "$URL")
  echo "# warm-up: ${cmd[*]/-d$DURATION/-d15s}"
  wrk "-t$THREADS" "-c$CONNECTIONS" -d15s -s src/test/bench/api/post.lua "$URL" >/dev/null
  for i in $(seq 1 "$RUNS"); do
    echo "## $label run $i/$RUNS, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "\$ BATCH=$BATCH SEND_AT=${SEND_AT:-} ${cmd[*]}"
    local h0 r0 k0
    h0=$(cpu "$run_pid"); r0=$(cpu "$(redis_pid)"); k0=$(sys_cpu "$run_pid")
    "${cmd[@]}" | grep -E 'Latency|50%|99%|Requests/sec|statuses|notifications/s|Socket errors|Non-2xx'
    echo "CPU seconds: herald $(echo "$(cpu "$run_pid") - $h0" | bc) (kernel $(echo "$(sys_cpu "$run_pid") - $k0" | bc)), redis $(echo "$(cpu "$(redis_pid)") - $r0" | bc)"
  done
  echo "## load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

if [[ $MODE == throughput || $MODE == all ]]; then
  wrk_runs "throughput (fsync n/a, Redis up)"
fi
submit_buckets() { # the server's own request-time histogram of submit: le -> count
  curl -s "http://127.0.0.1:$OPS_PORT/metrics" |
    sed -n 's/^herald_api_request_duration_seconds_bucket{endpoint="submit",le="\([^"]*\)"} \(.*\)/\1 \2/p'
}
if [[ $MODE == paced || $MODE == all ]]; then
  for i in $(seq 1 "$RUNS"); do
    echo "## paced run $i/$RUNS, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    cmd=(java -jar "$JAR" bench api --url "$URL" --rate "${RATE:-5000}" --duration "$DURATION"
      --connections "${PACED_CONNECTIONS:-64}" ${SEND_AT:+--send-at "$SEND_AT"})
    echo "\$ ${cmd[*]}"
    submit_buckets >"$work/before"
    "${cmd[@]}" | grep -vE '^(url|scenario|duration_s|send_at):'
    submit_buckets >"$work/after"
    # The server's own figures (arrival to answer), this run's warm-up included.
    python3 - "$work/before" "$work/after" <<'PY'
import sys
read = lambda f: dict(l.split() for l in open(f))
b, a = read(sys.argv[1]), read(sys.argv[2])
total = float(a["+Inf"]) - float(b.get("+Inf", 0))
parts = []
for le in sorted(a, key=lambda k: float("inf") if k == "+Inf" else float(k)):
    if le != "+Inf":
        parts.append("<=%gms %.2f%%" % (float(le) * 1000, 100 * (float(a[le]) - float(b.get(le, 0))) / total))
print("server side, answered within: " + ", ".join(parts))
PY
  done
  echo "## load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
if [[ $MODE == spool || $MODE == all ]]; then
  # Redis holds every write: the first request waits out spool.store-budget, then Redis counts as
  # down and requests go to the spool at once (but for one probe every 250 ms).
  "${cli[@]}" client pause 3600000 write >/dev/null
  wrk_runs "spool (fsync $FSYNC, Redis paused)"
  "${cli[@]}" client unpause >/dev/null
fi
curl -s "http://127.0.0.1:$OPS_PORT/metrics" | grep -E '^herald_(spool_(appended|refused|records)|api_requests_total)' || true
