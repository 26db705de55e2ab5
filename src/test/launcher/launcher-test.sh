#!/usr/bin/env bash
# The launcher as an operator meets it, on the install layout (README, "systemd"): a symlink on
# PATH, JAVA_HOME and HERALD_OPTS (the unit's heap among them), --help, exit codes passed through
# (the launcher execs the JVM), the config lookup (HERALD_CONFIG, ./config/herald.yaml), the env
# file the systemd unit reads, and progress that never writes carriage returns into a file while
# stdin and stdout are a terminal. Needs target/herald.jar (mvn package) and redis-server.
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo=$PWD
[ -f target/herald.jar ] || { echo "launcher-test: no target/herald.jar: run mvn package"; exit 1; }

tmp=$(mktemp -d)
redis_pid=
run_pid=
cleanup() {
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
passed=0
failed=0
check() { # check NAME COMMAND...: one line per check, as a test runner would print
  local name=$1
  shift
  if "$@"; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name"
    failed=$((failed + 1))
  fi
}

# The install layout, in a root of its own: the launcher and the jar, a symlink on PATH.
root=$tmp/root
install -D -m 0755 src/main/dist/bin/herald "$root/opt/herald/bin/herald"
install -D -m 0644 target/herald.jar "$root/opt/herald/lib/herald.jar"
mkdir -p "$root/usr/local/bin"
ln -s ../../../opt/herald/bin/herald "$root/usr/local/bin/herald"
herald=$root/usr/local/bin/herald
export HERALD_ENV_FILE=$tmp/none.env # not this machine's /etc/herald/herald.env

out=$("$herald" --version)
check "the symlink on PATH finds the jar next to the launcher" grep -q '^herald ' <<<"$out"

java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
out=$(JAVA_HOME=$java_home PATH=/usr/bin:/bin "$herald" --version)
check "JAVA_HOME names the Java" grep -q '^Java ' <<<"$out"
set +e
out=$(JAVA_HOME=$tmp/no-java "$herald" --version 2>&1)
code=$?
set -e
check "a JAVA_HOME without a java is exit 78, named" \
  test "$code" = 78 -a -n "$(grep "JAVA_HOME is $tmp/no-java" <<<"$out")"
# A Java-less PATH (the few tools the launcher itself uses, no java) and no JAVA_HOME.
mkdir -p "$tmp/no-java-bin"
for tool in ls sed dirname; do ln -s "$(command -v "$tool")" "$tmp/no-java-bin/$tool"; done
set +e
out=$(/usr/bin/env -u JAVA_HOME PATH="$tmp/no-java-bin" "$herald" --version 2>&1)
code=$?
set -e
check "no java on PATH and no JAVA_HOME is exit 78, named" \
  test "$code" = 78 -a -n "$(grep 'no java on PATH and JAVA_HOME is not set' <<<"$out")"
out=$(HERALD_OPTS="-Xmx77m -XshowSettings:vm" "$herald" --version 2>&1)
check "HERALD_OPTS reach the JVM" grep -q 'Max. Heap Size.*: 77' <<<"$out"
# The heap the systemd unit gives the daemon, through its own Environment= line.
unit_opts=$(sed -n 's/^Environment="HERALD_OPTS=\(.*\)"$/\1/p' config/herald.service)
out=$(HERALD_OPTS="$unit_opts -XshowSettings:vm" "$herald" --version 2>&1)
check "the unit's HERALD_OPTS ($unit_opts) give a 512 MB heap" \
  grep -q 'Max. Heap Size.*: 512' <<<"$out"
# Split on spaces and never expanded as a pattern, even where the pattern matches a file.
mkdir -p "$tmp/glob" && touch -- "$tmp/glob/-Dlauncher.glob=expanded"
out=$(cd "$tmp/glob" && HERALD_OPTS="-Dlauncher.glob=* -XshowSettings:properties" "$herald" --version 2>&1)
check "HERALD_OPTS are split on spaces and not globbed" grep -q 'launcher.glob = \*$' <<<"$out"

# The command's own output and exit codes come through (the launcher execs the JVM).
set +e
out=$("$herald" --help 2>&1)
code=$?
set -e
check "herald --help is exit 0 with the usage and the config lookup" \
  test "$code" = 0 -a -n "$(grep '^Usage: herald' <<<"$out")" \
  -a -n "$(grep -F '/etc/herald/herald.yaml, else the embedded Redis' <<<"$out")"
set +e
out=$("$herald" dead-letters list --limit many 2>&1)
code=$?
set -e
check "a usage error is exit 2, the error and the usage line" \
  test "$code" = 2 -a -n "$(grep '^usage: herald dead-letters list' <<<"$out")"
set +e
out=$("$herald" routes show not-an-id 2>&1)
code=$?
set -e
check "an id that is not one is exit 65" test "$code" = 65
set +e
out=$(HERALD_JAR=$tmp/missing.jar "$herald" --version 2>&1)
code=$?
set -e
check "a missing jar is exit 78, named" test "$code" = 78 -a -n "$(grep 'no jar at' <<<"$out")"

# A Redis with a password, as in production.
password="launcher-$RANDOM$RANDOM"
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --requirepass "$password" --daemonize no >"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    redis-cli -p "$port" -a "$password" --no-auth-warning ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  if redis-cli -p "$port" -a "$password" --no-auth-warning ping >/dev/null 2>&1; then break; fi
  kill "$redis_pid" 2>/dev/null || true
  redis_pid=
done
[ -n "$redis_pid" ] || { echo "launcher-test: cannot start redis-server"; exit 1; }

# The daemon's config, the password in the env file as the unit has it.
mkdir -p "$tmp/etc"
cat >"$tmp/etc/herald.yaml" <<YAML
redis:
  url: redis://127.0.0.1:$port
namespace: launcher
channels:
  push: {}
  sms: {stream: "launcher:sms"}
ops:
  listen: 'off'
api:
  listen: 'off'
YAML
echo "HERALD_REDIS_PASSWORD=\"$password\"" >"$tmp/etc/herald.env"

out=$(cd "$tmp" && HERALD_CONFIG=$tmp/etc/herald.yaml HERALD_ENV_FILE=$tmp/etc/herald.env \
  "$herald" stats)
check "a bare stats reaches the daemon's Redis with HERALD_CONFIG and the env file" \
  grep -q "namespace 'launcher'" <<<"$out"
echo "HERALD_REDIS_PASSWORD=wrong-$password" >"$tmp/etc/wrong.env"
out=$(cd "$tmp" && HERALD_CONFIG=$tmp/etc/herald.yaml HERALD_ENV_FILE=$tmp/etc/wrong.env \
  HERALD_REDIS_PASSWORD=$password "$herald" stats)
check "a variable set already wins over the env file's" grep -q "namespace 'launcher'" <<<"$out"
mkdir -p "$tmp/work/config"
cp "$tmp/etc/herald.yaml" "$tmp/work/config/herald.yaml"
out=$(cd "$tmp/work" && HERALD_REDIS_PASSWORD=$password "$herald" stats)
check "./config/herald.yaml is found from the working directory" \
  grep -q "namespace 'launcher'" <<<"$out"
set +e
out=$(cd "$tmp" && HERALD_CONFIG=$tmp/etc/herald.yaml "$herald" stats 2>&1)
code=$?
set -e
check "without the env file's password Redis refuses: exit 78" test "$code" = 78
set +e
out=$(cd "$tmp" && "$herald" stats --config "$tmp/etc/nope.yaml" 2>&1)
code=$?
set -e
check "a --config that does not exist is exit 78" test "$code" = 78
sed "s#127.0.0.1:$port#127.0.0.1:1#" "$tmp/etc/herald.yaml" >"$tmp/etc/no-redis.yaml"
set +e
out=$(cd "$tmp" && "$herald" stats --config "$tmp/etc/no-redis.yaml" 2>&1)
code=$?
set -e
check "a Redis that does not answer is exit 69" test "$code" = 69

# Dead letters: 40 routes of channel sms, published by a herald run that no longer has sms.
export HERALD_CONFIG=$tmp/etc/herald.yaml HERALD_REDIS_PASSWORD=$password
for i in $(seq 40); do
  echo "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u-$i\"],\"channels\":[\"sms\"],\"max_attempts\":1}"
done | "$herald" submit >/dev/null
sed '/^  sms:/d' "$tmp/etc/herald.yaml" >"$tmp/etc/push-only.yaml"
"$herald" run --config "$tmp/etc/push-only.yaml" >"$tmp/run.log" 2>&1 &
run_pid=$!
for _ in $(seq 300); do
  n=$("$herald" dead-letters list --json --limit 0 2>/dev/null | wc -l)
  [ "$n" -ge 40 ] && break
  sleep 0.2
done
check "herald run is the JVM itself, not a shell above it" \
  grep -q '/java$' <<<"$(readlink "/proc/$run_pid/exe")"
kill -TERM "$run_pid"
set +e
wait "$run_pid"
code=$?
set -e
run_pid=
check "40 dead letters planted" test "$n" -ge 40
check "herald run exits 0 on SIGTERM" test "$code" = 0

# Requeue 20 with everything on a terminal: the progress line is rewritten in place.
script -qec "$herald dead-letters requeue --all --limit 20 --rate 20" "$tmp/terminal.txt" \
  </dev/null >/dev/null
check "on a terminal the progress is rewritten in place" grep -q $'\e\[K' "$tmp/terminal.txt"
# The other 20 with stdin and stdout a terminal and stderr a file: plain lines only.
script -qec "$herald dead-letters requeue --all --rate 20 2>$tmp/progress.txt" \
  "$tmp/typescript.txt" </dev/null >/dev/null
check "stderr into a file gets no carriage return" \
  test -z "$(tr -d -c '\r\033' <"$tmp/progress.txt")"
check "the requeue ran" grep -q "requeue: matched 20, requeued 20" "$tmp/typescript.txt"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
