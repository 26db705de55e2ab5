#!/usr/bin/env bash
# Herald against its peers on one private redis-server, the same machine and the same run:
# the BullMQ yardstick (../shared/bench/bullmq), the Sidekiq one (../shared/bench/sidekiq, when
# Debian's ruby-sidekiq is installed), `herald bench drain` on a warm daemon, and the same on a
# daemon started 5 s before the burst (cold: no warm-up). RUNS rounds, the tools interleaved in
# each, with AOF off and with AOF everysec; prints min/median/max and the ratios of the medians.
#
#   src/test/bench/compare-with-peers.sh            # N=100000 RUNS=3
#   N=20000 RUNS=1 src/test/bench/compare-with-peers.sh
#
# A peer's figure whose enqueue ran past its due instant is spoiled (the drain then starts late
# and looks faster): such a run is thrown away and repeated with the due instant twice as far
# out, up to TRIES times; a round that never gets a clean run fails the script. Herald's cold
# run is held to the same rule (its loading must end before the due instant).
#
# Needs: target/herald.jar (mvn -q -DskipTests package), redis-server on PATH, node and npm;
# for Sidekiq: apt-get install -y ruby-sidekiq (else it is left out, and said so).
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${N:-100000}
RUNS=${RUNS:-3}
TRIES=${TRIES:-3}
SHARED=$(cd "${SHARED:-../shared/bench}" && pwd)
SCRATCH=$(mktemp -d /tmp/herald-compare.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
REDIS_PID=""
cleanup() { [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null; rm -rf "$SCRATCH"; }
trap cleanup EXIT

[ -f target/herald.jar ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
cp "$SHARED"/bullmq/package.json "$SHARED"/bullmq/package-lock.json "$SHARED"/bullmq/bullmq_bench.js "$SCRATCH"/
(cd "$SCRATCH" && npm ci --silent >/dev/null)
SIDEKIQ=no
if command -v ruby >/dev/null 2>&1 && ruby -e 'require "sidekiq"' 2>/dev/null; then SIDEKIQ=yes; fi
[ "$SIDEKIQ" = yes ] || echo "compare: no ruby-sidekiq here; Sidekiq left out (apt-get install -y ruby-sidekiq)" >&2
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

# peer <name> <command...>: runs a yardstick (LEAD_MS in its environment) until its enqueue ends
# before its due instant (exit 3 means it did not); prints its RESULT json.
peer() {
  local name=$1 lead=3000 try out rc; shift
  for try in $(seq 1 "$TRIES"); do
    rc=0; out=$(cd "$SCRATCH" && LEAD_MS=$lead "$@" 2>"$SCRATCH/$name.err") || rc=$?
    if [ "$rc" = 0 ]; then echo "$out" | sed -n 's/^RESULT //p'; return; fi
    if [ "$rc" != 3 ]; then echo "compare: $name failed (exit $rc):" >&2; cat "$SCRATCH/$name.err" >&2; exit 1; fi
    echo "compare: $name's enqueue ran past its due instant (try $try); thrown away, LEAD_MS=$((lead * 2))" >&2
    lead=$((lead * 2))
  done
  echo "compare: $name never enqueued before its due instant in $TRIES tries" >&2; exit 1
}

# herald <warm|cold>: one `herald bench drain` run; the cold one refuses a late load like the peers.
herald() {
  local kind=$1 args=() out try
  [ "$kind" = cold ] && args=(--warmup 0 --due-after-start 5s)
  for try in $(seq 1 "$TRIES"); do
    out=$(java -jar target/herald.jar bench drain --config "$SCRATCH/herald.yaml" --routes "$N" \
      --runs 1 --json --force "${args[@]}" 2>/dev/null)
    if ! echo "$out" | grep -q 'after the due instant'; then echo "$out"; return; fi
    echo "compare: herald $kind's loading ran past its due instant (try $try); thrown away" >&2
  done
  echo "compare: herald $kind never loaded before its due instant in $TRIES tries" >&2; exit 1
}

RESULTS="$SCRATCH/results.txt"
: > "$RESULTS"
for aof in no yes; do
  start_redis "$aof"
  for run in $(seq 1 "$RUNS"); do
    # Each result into a variable first: a failed run then stops the script (set -e).
    r=$(peer bullmq env N="$N" PORT="$PORT" EST_ENQ_RATE=15000 node bullmq_bench.js)
    echo "aof=$aof run=$run bullmq $r" >> "$RESULTS"
    r=$(herald warm)
    echo "aof=$aof run=$run herald-warm $r" >> "$RESULTS"
    if [ "$SIDEKIQ" = yes ]; then
      r=$(peer sidekiq env N="$N" PORT="$PORT" CONC=50 SIDEKIQ_LOG="$SCRATCH/sidekiq.log" ruby "$SHARED/sidekiq/sidekiq_bench.rb")
      echo "aof=$aof run=$run sidekiq $r" >> "$RESULTS"
    fi
    r=$(herald cold)
    echo "aof=$aof run=$run herald-cold $r" >> "$RESULTS"
  done
  stop_redis
done
mkdir -p target && cp "$RESULTS" target/compare-with-peers.txt

python3 - "$RESULTS" "$N" "$RUNS" <<'PY'
import json, statistics, sys
rates, herald = {}, {}
for line in open(sys.argv[1]):
    aof, run, tool, payload = line.rstrip('\n').split(' ', 3)
    d = json.loads(payload)
    aof = 'off' if aof == 'aof=no' else 'everysec'
    if tool in ('bullmq', 'sidekiq'):
        rates.setdefault((aof, tool), []).append(d['drain_jobs_per_s'])
    else:
        f = d['figures']
        rates.setdefault((aof, tool), []).append(f['drain_routes_per_s']['median'])
        herald.setdefault((aof, tool), []).append(
            (f['redis_cpu_us_per_route']['median'], f['redis_cpu_ratio_to_floor']['median']))
tools = [t for t in ('bullmq', 'sidekiq', 'herald-warm', 'herald-cold') if any(k[1] == t for k in rates)]
print(f"N={sys.argv[2]}, {sys.argv[3]} rounds, the tools interleaved in each, on one redis-server")
print(f"{'AOF':<9}{'tool':<13}{'drain/s min':>12}{'median':>10}{'max':>10}")
med = {}
for aof in ('off', 'everysec'):
    for tool in tools:
        r = rates[(aof, tool)]
        med[(aof, tool)] = statistics.median(r)
        print(f"{aof:<9}{tool:<13}{min(r):>12,.0f}{med[(aof, tool)]:>10,.0f}{max(r):>10,.0f}")
    for h in ('herald-warm', 'herald-cold'):
        for peer in ('bullmq', 'sidekiq'):
            if (aof, peer) in med:
                print(f"{'':<9}{h} / {peer} (medians): {med[(aof, h)] / med[(aof, peer)]:.2f}x")
        c = herald[(aof, h)]
        print(f"{'':<9}{h}: Redis CPU {statistics.median(x[0] for x in c):.2f} µs/route,"
              f" {statistics.median(x[1] for x in c):.2f}x the floor (medians)")
print(f"raw results: target/compare-with-peers.txt; repeat: N={sys.argv[2]} RUNS={sys.argv[3]} src/test/bench/compare-with-peers.sh")
PY
