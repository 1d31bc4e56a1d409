#!/usr/bin/env bash
# The whole motcua test suite, on a fresh Debian machine with Go:
# installs the Debian packages it needs when missing, starts a throwaway
# PostgreSQL cluster on 127.0.0.1 (random port), checks formatting, runs
# go vet, staticcheck and `go test -race ./...` on SQLite and PostgreSQL,
# and tears the cluster down.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pdfsig >/dev/null || need+=(poppler-utils)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v chromium >/dev/null || need+=(chromium)
command -v softhsm2-util >/dev/null || need+=(softhsm2)
command -v certutil >/dev/null || need+=(libnss3-tools)
command -v openssl >/dev/null || need+=(openssl)
command -v qpdf >/dev/null || need+=(qpdf)
# Tests run pdfsig and openssl at the test's own clock through libfaketime
# (internal/clocktest.Command) when that clock is not the real time.
command -v faketime >/dev/null || need+=(faketime)
# The signing tests draw appearance text with the system's Liberation Serif
# (the server itself embeds its own copy).
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] || need+=(postgresql postgresql-contrib)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

echo "== go vet"
go vet ./...

echo "== staticcheck"
if ! command -v staticcheck >/dev/null && [ ! -x "$(go env GOPATH)/bin/staticcheck" ]; then
  go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
"$(command -v staticcheck || echo "$(go env GOPATH)/bin/staticcheck")" ./...

echo "== PostgreSQL cluster"
PGTMP=$(mktemp -d /tmp/motcua-pg.XXXXXX)
chmod 755 "$PGTMP"
RUNAS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd -r -m postgres
  chown postgres "$PGTMP"
  RUNAS=(runuser -u postgres --)
fi
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
cleanup() { "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGTMP"; }
trap cleanup EXIT
"${RUNAS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGTMP -c fsync=on -c max_connections=200" start >/dev/null
export MOTCUA_TEST_POSTGRES_DSN="postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable"
export MOTCUA_TEST_REQUIRE_POSTGRES=1
export MOTCUA_TEST_REQUIRE_TOOLS=1
export MOTCUA_TEST_ARTIFACTS="${MOTCUA_TEST_ARTIFACTS:-$PWD/test-artifacts}"
mkdir -p "$MOTCUA_TEST_ARTIFACTS"

echo "== go test -race ./... (SQLite and PostgreSQL)"
go test -race -count=1 -timeout 40m ./... "$@"

# The high-availability drill (issue 21): Patroni + etcd + HAProxy + three
# motcua instances on 127.0.0.1, the primary killed mid-run; bounded (about
# two minutes, hard stop at five). It needs root; MOTCUA_HA_DRILL=0 skips it.
if [ "${MOTCUA_HA_DRILL:-1}" != 0 ] && [ $# -eq 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "== HA drill"
    scripts/ha-drill.sh
  else
    echo "== HA drill skipped (needs root)"
  fi
fi
# 10 s per target on top of the committed corpora: 15 targets, 6 min 16 s
# in all with the instrumented builds on a shared two-core machine
# (docs/security-figures.md).
echo "== fuzz: every native fuzz target for a bounded time (scripts/fuzz.sh)"
FUZZTIME=${FUZZTIME:-10s} ./scripts/fuzz.sh
echo "== all tests passed"
