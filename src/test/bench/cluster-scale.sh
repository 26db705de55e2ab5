#!/usr/bin/env bash
# Herald on one Redis against Herald on a Redis Cluster, on the same machine in the same run:
# `herald bench drain` on one redis-server with `shards: 1` (the standalone layout), on the same
# kind of server with `shards: $SHARDS` (sharding without a cluster), and on a cluster of $MASTERS
# masters (no replicas, as the standalone has none) with `shards: $SHARDS`. RUNS rounds, the three
# interleaved in each, each run a fresh `herald bench drain --runs 1` (with its warm-up). Prints
# the medians, Redis CPU per route summed over the masters and its ratios (goal: the cluster within
# 15% of the standalone), each master's share of the CPU, the routes it carried and its ceiling in
# routes per CPU-second, and the projection for N masters each on a core of its own.
#
#   src/test/bench/cluster-scale.sh                 # N=100000 RUNS=3 MASTERS=3 SHARDS=16
#   N=20000 RUNS=1 src/test/bench/cluster-scale.sh
#   MASTERS=1 LAYOUTS="sharded cluster" src/test/bench/cluster-scale.sh   # cluster mode alone
#
# Needs: target/herald.jar (mvn -q -DskipTests package), redis-server and redis-cli on PATH
# (REDIS_SERVER / REDIS_CLI to choose others), python3. Raw results: target/cluster-scale.txt.
set -euo pipefail
cd "$(dirname "$0")/../../.."
N=${N:-100000}
RUNS=${RUNS:-3}
MASTERS=${MASTERS:-3}
SHARDS=${SHARDS:-16}
WARMUP=${WARMUP:-200000}
LAYOUTS=${LAYOUTS:-one sharded cluster}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_CLI=${REDIS_CLI:-redis-cli}
SCRATCH=$(mktemp -d /tmp/herald-cluster-scale.XXXXXX)
RAW=target/cluster-scale.txt
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

[ -f target/herald.jar ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }

# A free port whose cluster bus port (port + 10,000) is free as well.
free_port() {
  python3 - <<'PY'
import socket
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]
    if p + 10000 > 65535:
        s.close(); continue
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 10000)); b.close(); s.close(); print(p); break
    except OSError:
        s.close(); b.close()
PY
}

# start_redis <name> <port> [extra args…]: a private redis-server, AOF and RDB off.
start_redis() {
  local name=$1 port=$2; shift 2
  mkdir -p "$SCRATCH/$name"
  "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --dir "$SCRATCH/$name" --save '' \
    --appendonly no --daemonize no "$@" >"$SCRATCH/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do "$REDIS_CLI" -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "cluster-scale: redis-server $name did not start:" >&2; cat "$SCRATCH/$name.log" >&2; exit 1
}

ONE=$(free_port)
start_redis one "$ONE"
NODES=()
for i in $(seq 1 "$MASTERS"); do
  port=$(free_port)
  start_redis "master$i" "$port" --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout 5000
  NODES+=("127.0.0.1:$port")
done
if [ "$MASTERS" = 1 ]; then
  # redis-cli --cluster create wants three masters; one takes every slot by itself.
  "$REDIS_CLI" -p "${NODES[0]#*:}" cluster addslots $(seq 0 16383) >"$SCRATCH/create.log" 2>&1
else
  "$REDIS_CLI" --cluster create "${NODES[@]}" --cluster-replicas 0 --cluster-yes >"$SCRATCH/create.log" 2>&1
fi || { echo "cluster-scale: creating the cluster failed:" >&2; cat "$SCRATCH/create.log" >&2; exit 1; }
for node in "${NODES[@]}"; do
  for _ in $(seq 1 300); do
    "$REDIS_CLI" -p "${node#*:}" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
    sleep 0.1
  done
done

cat >"$SCRATCH/one.yaml" <<YAML
redis:
  url: redis://127.0.0.1:$ONE
namespace: herald-scale
YAML
cat >"$SCRATCH/sharded.yaml" <<YAML
redis:
  url: redis://127.0.0.1:$ONE
namespace: herald-scale
shards: $SHARDS
intake:
  stream: off
YAML
{
  echo "redis:"
  echo "  cluster:"
  echo "    nodes: [$(IFS=,; echo "${NODES[*]}")]"
  echo "namespace: herald-scale"
  echo "shards: $SHARDS"
  echo "intake:"
  echo "  stream: off"
} >"$SCRATCH/cluster.yaml"

mkdir -p target
: >"$RAW"
echo "cluster-scale: N=$N RUNS=$RUNS MASTERS=$MASTERS SHARDS=$SHARDS WARMUP=$WARMUP; one Redis at $ONE, cluster ${NODES[*]}" >&2
for run in $(seq 1 "$RUNS"); do
  for layout in $LAYOUTS; do
    echo "cluster-scale: round $run, $layout" >&2
    out=$(java -jar target/herald.jar bench drain --routes "$N" --runs 1 --warmup "$WARMUP" --json \
      --config "$SCRATCH/$layout.yaml" 2>"$SCRATCH/$layout.err") \
      || { echo "cluster-scale: bench drain on $layout failed:" >&2; cat "$SCRATCH/$layout.err" >&2; exit 1; }
    echo "$layout $out" >>"$RAW"
  done
done

python3 - "$RAW" "$N" "$SHARDS" <<'PY'
import json, statistics, sys
raw, n, shards = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = {}
for line in open(raw):
    layout, js = line.split(" ", 1)
    runs.setdefault(layout, []).append(json.loads(js))

def fig(r, name):
    f = r["figures"].get(name)
    return None if f is None else f["median"]

def med(layout, name, scale=1.0):
    values = [fig(r, name) for r in runs[layout]]
    values = [v * scale for v in values if v is not None]
    return statistics.median(values) if values else float("nan")

def herald_us(layout):
    return med(layout, "herald_cpu_s", 1e6 / n)

names = {"one": "one Redis, shards: 1", "sharded": f"one Redis, shards: {shards}",
         "cluster": f"cluster, shards: {shards}"}
present = [l for l in ("one", "sharded", "cluster") if l in runs]
print(f"medians of {len(runs[present[0]])} interleaved runs, {n} routes each")
print(f"{'layout':28} {'routes/s':>10} {'Redis µs/route':>15} {'floor µs':>9} {'x floor':>8} "
      f"{'Herald µs/route':>16} {'script wall µs':>15} {'routes/script call':>19}")
for layout in present:
    print(f"{names[layout]:28} {med(layout, 'drain_routes_per_s'):>10,.0f} "
          f"{med(layout, 'redis_cpu_us_per_route'):>15.2f} "
          f"{med(layout, 'floor_redis_cpu_us_per_entry'):>9.2f} "
          f"{med(layout, 'redis_cpu_ratio_to_floor'):>8.2f} {herald_us(layout):>16.2f} "
          f"{med(layout, 'script_wall_us_per_route'):>15.2f} {med(layout, 'routes_per_script_call'):>19.1f}")

cpu = {l: med(l, "redis_cpu_us_per_route") for l in present}
print()
for a, b, what in (("cluster", "one", "(goal <= 1.15)"), ("sharded", "one", "(the sharding's cost)"),
                   ("cluster", "sharded", "(the cluster's cost)")):
    if a in cpu and b in cpu:
        print(f"Redis CPU per route, {names[a]} / {names[b]}: {cpu[a] / cpu[b]:.3f}  {what}")
if "cluster" not in runs:
    sys.exit(0)

masters = runs["cluster"][0]["context"].get("masters", "0")
masters = int(masters)
print()
print("cluster, per master (medians):")
ceilings = []
for k in range(1, masters + 1):
    p = f"master_{k}_"
    addr = runs["cluster"][0]["context"].get(p + "address", "?")
    ceilings.append(med("cluster", p + "routes_per_cpu_s"))
    print(f"  master {k} {addr}: {med('cluster', p + 'redis_cpu_share'):.1f} % of the CPU, "
          f"{med('cluster', p + 'routes'):,.0f} routes, {med('cluster', p + 'redis_cpu_us_per_route'):.2f} µs/route, "
          f"{med('cluster', p + 'routes_per_cpu_s'):,.0f} routes per CPU-second, "
          f"{med('cluster', p + 'routes_per_s'):,.0f} routes/s while busy, "
          f"{med('cluster', p + 'routes_per_script_call'):.1f} routes per script call")
busiest = med("cluster", "redis_cpu_busiest_over_mean")
ceiling = statistics.median(ceilings) if ceilings else float("nan")
herald = herald_us("cluster")
print(f"  busiest master / mean: {busiest:.3f}")
print()
print("projection, N masters each on a core of its own (no other load on those cores):")
print(f"  Redis side: N x {ceiling:,.0f} routes per CPU-second / {busiest:.3f} (the busiest master's excess)")
for m in (3, 6, 12):
    print(f"    N={m:2}: {m * ceiling / busiest:>10,.0f} routes/s")
print(f"  Herald side: {herald:.2f} µs of Herald CPU per route: {1e6 / herald:,.0f} routes/s per Herald core")
PY
echo "raw results: $RAW" >&2
