#!/usr/bin/env bash
# Counts redis-server's instructions per drained route (callgrind): the same count whatever else
# the machine does, so a change to the scripts can be sized on a busy machine, where CPU time
# cannot (issue 18; results in src/test/bench/results/*callgrind*.txt).
#
#   src/test/bench/callgrind-drain.sh [label] [routes]     (default: drain 20000)
#   REDIS_SERVER=/path/to/redis-server  JAR=target/herald.jar  PORT=16400
#
# Runs redis-server under `valgrind --tool=callgrind --instr-atstart=no`, then `herald bench drain
# --routes N --runs 1 --warmup 0 --due-after-start 90s`; switches instrumentation on 4 s before the
# due instant (after the loading) and off once the schedule is empty (every route published), so
# that neither the loading, the bench's floor run nor its clean-up counts. Prints the inclusive
# instructions per route of the whole program, EVALSHA, XADD, HSET and cjson's decode, and the Lua
# interpreter's own. A Redis built with symbols tells the functions apart: the embedded-redis jar's
# 6.2 binary has them (Debian's 7.0 is stripped), e.g.
#   unzip -o -d /tmp/redis62 ~/.m2/repository/com/github/codemonstur/embedded-redis/1.4.3/embedded-redis-1.4.3.jar redis-server-6.2.6-v5-linux-amd64
# The floor to compare with: `herald bench floor --routes 20000 --runs 1` under callgrind from the
# start, EVALSHA's instructions over its 40,000 entries (its warm-up and its run).
set -euo pipefail
cd "$(dirname "$0")/../../.."
LABEL=${1:-drain}; N=${2:-20000}; PORT=${PORT:-16400}
JAR=${JAR:-target/herald.jar}; REDIS_SERVER=${REDIS_SERVER:-redis-server}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
OUT=target/callgrind; mkdir -p "$OUT"
printf 'redis:\n  url: redis://127.0.0.1:%s\nnamespace: cg\n' "$PORT" > "$OUT/$LABEL.yaml"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/$LABEL.out" \
  "$REDIS_SERVER" --port "$PORT" --save '' --appendonly no > "$OUT/$LABEL-redis.log" 2>&1 &
VPID=$!
trap 'kill $VPID 2>/dev/null || true' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.5; done
java -jar "$JAR" bench drain --config "$OUT/$LABEL.yaml" --routes "$N" --runs 1 --warmup 0 \
  --due-after-start 90s > "$OUT/$LABEL-bench.txt" 2>&1 &
BPID=$!
until grep -q "publisher started" "$OUT/$LABEL-bench.txt"; do sleep 0.1; done
started=$(date -d "$(grep -m1 'publisher started' "$OUT/$LABEL-bench.txt" | cut -c1-19)Z" +%s)
while [ "$(redis-cli -p "$PORT" zcard cg:schedule)" -lt $((N / 10)) ]; do sleep 0.2; done
while [ $(( $(date +%s) - started )) -lt 86 ]; do sleep 0.2; done
callgrind_control -i on "$VPID" >/dev/null
while [ "$(redis-cli -p "$PORT" zcard cg:schedule)" -ne 0 ]; do sleep 0.1; done
callgrind_control -i off "$VPID" >/dev/null
wait "$BPID"
redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
wait "$VPID" || true
trap - EXIT
echo "callgrind of $N drained routes ($LABEL): instructions per route, inclusive"
callgrind_annotate --inclusive=yes "$OUT/$LABEL.out" 2>/dev/null \
  | grep -E "PROGRAM TOTALS|evalShaCommand|xaddCommand|hsetCommand|json_decode " \
  | awk -v n="$N" '{v=$1; gsub(",","",v); for (i = 2; i <= NF; i++) if ($i ~ /:/ && $i !~ /^\[/) name = $i; sub(/.*:/, "", name); if ($0 ~ /PROGRAM/) name = "total"; printf "  %-60s %8d\n", name, v/n}'
echo "the Lua interpreter's own (self):"
callgrind_annotate "$OUT/$LABEL.out" 2>/dev/null | grep -E "luaV_execute " | head -1 \
  | awk -v n="$N" '{v=$1; gsub(",","",v); printf "  luaV_execute %8d\n", v/n}'
echo "raw: $OUT/$LABEL.out; repeat: $0 $LABEL $N"
