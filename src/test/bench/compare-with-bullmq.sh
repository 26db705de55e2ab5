#!/usr/bin/env bash
# Runs the BullMQ yardstick (../shared/bench/bullmq) and `herald bench drain` back to back on one
# private redis-server, RUNS times each, with AOF off and with AOF everysec, and prints the
# medians and Herald's ratio to BullMQ. Both tools use the same Redis, machine and run.
#
#   src/test/bench/compare-with-bullmq.sh            # N=100000 RUNS=3
#   N=20000 RUNS=1 src/test/bench/compare-with-bullmq.sh
#
# Needs: target/herald.jar (mvn -q -DskipTests package), redis-server on PATH, node and npm.
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${N:-100000}
RUNS=${RUNS:-3}
YARDSTICK=${YARDSTICK:-../shared/bench/bullmq}
SCRATCH=$(mktemp -d /tmp/herald-compare.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REDIS_PID=""
cleanup() { [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT

[ -f target/herald.jar ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
cp "$YARDSTICK"/package.json "$YARDSTICK"/package-lock.json "$YARDSTICK"/bullmq_bench.js "$SCRATCH"/
(cd "$SCRATCH" && npm ci --silent >/dev/null)
printf 'redis:\n  url: redis://127.0.0.1:%s\nnamespace: herald-compare\n' "$PORT" > "$SCRATCH/herald.yaml"

start_redis() {
  mkdir -p "$SCRATCH/redis"
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$SCRATCH/redis" --save '' \
    --appendonly "$1" --appendfsync everysec --daemonize no >"$SCRATCH/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "redis-server did not start" >&2; exit 1
}
stop_redis() { kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""; rm -rf "$SCRATCH/redis"; }

RESULTS="$SCRATCH/results.txt"
: > "$RESULTS"
for aof in no yes; do
  start_redis "$aof"
  for run in $(seq 1 "$RUNS"); do
    bull=$(cd "$SCRATCH" && N=$N PORT=$PORT EST_ENQ_RATE=15000 LEAD_MS=3000 node bullmq_bench.js | sed -n 's/^RESULT //p')
    echo "aof=$aof run=$run bullmq $bull" >> "$RESULTS"
    herald=$(java -jar target/herald.jar bench drain --config "$SCRATCH/herald.yaml" --routes "$N" --runs 1 --json --force 2>/dev/null)
    echo "aof=$aof run=$run herald $herald" >> "$RESULTS"
  done
  stop_redis
done
mkdir -p target && cp "$RESULTS" target/compare-with-bullmq.txt

python3 - "$RESULTS" "$N" "$RUNS" <<'PY'
import json, statistics, sys
rows, cpu = {}, {}
for line in open(sys.argv[1]):
    aof, run, tool, payload = line.split(' ', 3)
    d = json.loads(payload)
    if tool == 'bullmq':
        rate, first = d['drain_jobs_per_s'], d['first_completed_ms_after_due']
    else:
        f = d['figures']
        rate, first = f['drain_routes_per_s']['median'], f['first_append_after_due_ms']['median']
        cpu.setdefault(aof, []).append((f['herald_cpu_s']['median'], f['redis_cpu_s']['median']))
    rows.setdefault((aof, tool), []).append((rate, first))
print(f"N={sys.argv[2]}, runs={sys.argv[3]} each, BullMQ and Herald interleaved on one redis-server")
print(f"{'AOF':<9}{'tool':<8}{'drain/s min':>12}{'median':>10}{'max':>10}{'first ms (median)':>20}")
for aof in ('no', 'yes'):
    med = {}
    for tool in ('bullmq', 'herald'):
        r = rows[(f'aof={aof}', tool)]
        rates = [x[0] for x in r]
        med[tool] = statistics.median(rates)
        print(f"{('off' if aof=='no' else 'everysec'):<9}{tool:<8}{min(rates):>12,.0f}{med[tool]:>10,.0f}{max(rates):>10,.0f}{statistics.median([x[1] for x in r]):>20,.0f}")
    print(f"{'':<9}ratio herald/bullmq (medians): {med['herald']/med['bullmq']:.2f}x")
    c = cpu[f'aof={aof}']
    print(f"{'':<9}herald runs: {', '.join(f'{x[0]:,.0f}' for x in rows[(f'aof={aof}', 'herald')])} routes/s;"
          f" CPU per run (medians): Herald {statistics.median(x[0] for x in c):.2f} s,"
          f" Redis {statistics.median(x[1] for x in c):.2f} s")
print(f"raw results: target/compare-with-bullmq.txt; repeat: N={sys.argv[2]} RUNS={sys.argv[3]} src/test/bench/compare-with-bullmq.sh")
PY
