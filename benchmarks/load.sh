#!/usr/bin/env bash
# Load test: gunicorn (2 workers) on PostgreSQL, wrk with a signed-in browser's cookies and
# Accept-Encoding, 20 s at 16 connections against /programs/, /list/ and the trivial /healthz
# view, twice: with each worker's own in-process cache, then with one shared Redis cache
# (CACHE_URL).
# Prints requests/s, latency percentiles, non-2xx counts, and each page's throughput
# as a ratio of the trivial view's. Targets: 0 errors, ratio >= 0.40, p99 < 250 ms.
# Without a Redis server that answers or can be started, only the Redis run is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${PORT:-8199}"
DB_NAME="${LOAD_DB:-neuromatch_load}"
REDIS_DB="${LOAD_REDIS_DB:-13}"  # flushed before and after the Redis run
PY="${PY:-.venv/bin/python}"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
pg_isready -q -h 127.0.0.1 -p 5432 || {
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start; sleep 2; }
dropdb -h 127.0.0.1 -U postgres --if-exists "$DB_NAME"
createdb -h 127.0.0.1 -U postgres "$DB_NAME"

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME"
export DEBUG=false
export SECRET_KEY="load-test-only-$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48)"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0
# Static files go to a folder of their own, removed at the end: a staticfiles/ left in the
# project would be read by whitenoise each time a test client starts.
STATIC_ROOT=$(mktemp -d); export STATIC_ROOT
unset CACHE_URL PAGE_CACHE

"$PY" manage.py migrate --no-input -v0
"$PY" manage.py collectstatic --no-input -v0
"$PY" manage.py import_programs fixtures/demo_programs.csv >/dev/null
SESSION=$("$PY" benchmarks/load_session.py)

GUNICORN=""
REDIS_USED=""
cleanup() {
  [ -n "$GUNICORN" ] && kill "$GUNICORN" 2>/dev/null || true
  [ -n "$REDIS_USED" ] && redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DB_NAME" || true
  rm -rf "$STATIC_ROOT"
}
trap cleanup EXIT

redis_up() {
  redis-cli ping >/dev/null 2>&1 && return 0
  command -v redis-server >/dev/null || return 1
  redis-server --daemonize yes --save "" --appendonly no >/dev/null || return 1
  for _ in $(seq 1 25); do redis-cli ping >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

status=0
run() {  # run LABEL: measure the three paths against the gunicorn of the current environment
  echo "== $1"
  .venv/bin/gunicorn neuromatch.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
    --log-level warning --access-logfile /dev/null &
  GUNICORN=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  # A browser sends its CSRF cookie with every request, and cached pages are kept per CSRF
  # secret (their forms carry it): take one the way a browser does, and send it like one.
  csrf=$(curl -s -o /dev/null -c - -H "Cookie: sessionid=$SESSION" "http://127.0.0.1:$PORT/programs/" \
         | awk '$6 == "csrftoken" {print $7}')
  [ -n "$csrf" ] || { echo "no CSRF cookie from /programs/"; exit 1; }
  COOKIE="sessionid=$SESSION; csrftoken=$csrf"
  # Every browser says it takes compressed responses; cached pages are kept compressed.
  ENCODING="Accept-Encoding: gzip, deflate, br"
  declare -A RPS
  for path in /healthz /programs/ /list/; do
    # A signed-in page must answer 200, not a redirect to sign-in, before it is measured.
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path")
    [ "$code" = 200 ] || { echo "$path answered $code before the run"; exit 1; }
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $COOKIE" -H "$ENCODING" \
          "http://127.0.0.1:$PORT$path")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
    socket_errors=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' <<<"$out"); socket_errors=${socket_errors:-0}
    p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p90=$(awk '$1=="90%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    RPS[$path]=$rps
    printf '%-11s %9s req/s  p50 %-8s p90 %-8s p99 %-8s non-2xx %s  socket errors %s\n' \
      "$path" "$rps" "$p50" "$p90" "$p99" "$non2xx" "$socket_errors"
    p99_ms=$(awk -v v="$p99" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; print n }')
    if [ "$non2xx" != 0 ] || [ "$socket_errors" != 0 ]; then echo "  FAIL: errors on $path"; status=1; fi
    if awk -v p="$p99_ms" 'BEGIN { exit !(p >= 250) }'; then echo "  FAIL: p99 $p99 >= 250 ms"; status=1; fi
  done
  for path in /programs/ /list/; do
    ratio=$(awk -v a="${RPS[$path]}" -v b="${RPS[/healthz]}" 'BEGIN { printf "%.2f", a / b }')
    verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.40 ? "ok" : "FAIL") }')
    echo "$path throughput is $ratio x /healthz (target >= 0.40): $verdict"
    [ "$verdict" = ok ] || status=1
  done
  kill "$GUNICORN"; wait "$GUNICORN" 2>/dev/null || true; GUNICORN=""
}

run "each worker's own cache (LocMemCache)"

if redis_up; then
  REDIS_USED=1
  redis-cli -n "$REDIS_DB" flushdb >/dev/null
  export CACHE_URL="redis://127.0.0.1:6379/$REDIS_DB"
  run "one shared cache (Redis, db $REDIS_DB)"
  unset CACHE_URL
else
  echo "== Redis run skipped: no Redis server answers at 127.0.0.1:6379 and none could be started"
fi
exit $status
