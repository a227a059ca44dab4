#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster: initdb into a temporary folder, pg_ctl on a
# free loopback port (no system service), the command with STEWARD_TEST_DATABASE_URL (the server's
# maintenance database; the tests create one database per test file on it) and DATABASE_URL (a
# database named steward) set, then the cluster is stopped and removed, whatever the command did.
#   scripts/with-postgres.sh npx vitest run tests/integration
# With WITH_POSTGRES_DIR=<folder>, the cluster lives in that folder and is kept (stopped) for the next
# run instead of removed: the bench at 1M reuses the database it built there. WITH_POSTGRES_OPTIONS adds
# server settings, e.g. "-c shared_buffers=1GB".
# Needs PostgreSQL's server binaries (initdb, pg_ctl: Debian's `postgresql` package). As root, the
# cluster runs as the `postgres` user (or `nobody`), since PostgreSQL refuses to run as root.
set -euo pipefail

bindir=""
if ! command -v initdb >/dev/null 2>&1; then
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with-postgres: initdb not found; install PostgreSQL's server (Debian: apt-get install postgresql)" >&2
    exit 127
  fi
  bindir="$bindir/"
fi

keep="${WITH_POSTGRES_DIR:-}"
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  dir=$(cd "$keep" && pwd)
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/steward-pg.XXXXXX")
fi
as=()
if [ "$(id -u)" = 0 ]; then
  user=postgres
  id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$dir"
  as=(runuser -u "$user" --)
fi

# A free loopback port, picked by the OS. It is free when picked, not yet when the server binds it: a
# start that finds it taken picks another (below).
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

stop() {
  if [ -n "$keep" ]; then
    "${as[@]}" "${bindir}pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  else
    "${as[@]}" "${bindir}pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
}
trap stop EXIT

# Locale C: byte order and ASCII-only lower(), as SQLite. fsync off: a throwaway cluster.
fresh=""
if [ ! -f "$dir/data/PG_VERSION" ]; then
  fresh=1
  "${as[@]}" "${bindir}initdb" -D "$dir/data" -U steward --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
fi
for attempt in 1 2 3; do
  port=$(free_port)
  logged=$(stat -c %s "$dir/server.log" 2>/dev/null || echo 0)
  if "${as[@]}" "${bindir}pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${WITH_POSTGRES_OPTIONS:-}" \
    start >/dev/null; then
    break
  fi
  # Taken between being picked and being bound (any process's outgoing connection may take it): retry.
  if [ "$attempt" -lt 3 ] && tail -c +"$((logged + 1))" "$dir/server.log" | grep -qiE "could not bind|Address already in use"; then
    continue
  fi
  cat "$dir/server.log" >&2
  exit 1
done
[ -z "$fresh" ] || "${as[@]}" "${bindir}createdb" -h 127.0.0.1 -p "$port" -U steward steward

export STEWARD_TEST_DATABASE_URL="postgres://steward@127.0.0.1:$port/postgres"
export DATABASE_URL="postgres://steward@127.0.0.1:$port/steward"
echo "with-postgres: PostgreSQL on 127.0.0.1:$port (DATABASE_URL=$DATABASE_URL)" >&2
status=0
"$@" || status=$?
exit "$status"
