#!/bin/sh
# Runs `shop checkout` on a fresh database and a generated catalog, puts
# load on it with loadgen, and prints the report (docs/reliability.md).
#
#   cmd/loadgen/run.sh NAME SKUS MODE SECONDS CONCURRENCY
#   cmd/loadgen/run.sh mixed 200 mixed 60 32
#   cmd/loadgen/run.sh cart 200 cart 20 32
#   cmd/loadgen/run.sh checkout 200 checkout 20 64
#   cmd/loadgen/run.sh big 10000 mixed 30 32
#   RSSEVERY=15s cmd/loadgen/run.sh long 200 mixed 180 16
#   PIN=0 LGPIN=1 cmd/loadgen/run.sh vps 200 mixed 60 16   # sidecar on CPU 0 only (a 1-CPU VPS)
#
# Binaries and data go to ${OUT:-/tmp/loadgen-run}; build them first with
#   go build -o /tmp/loadgen-run/shop ./cmd/shop && go build -o /tmp/loadgen-run/loadgen ./cmd/loadgen
set -e
NAME=$1; SKUS=$2; MODE=$3; SECS=$4; CONC=$5
OUT=${OUT:-/tmp/loadgen-run}
PORT=$(python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1])")
D=$OUT/$NAME; rm -rf "$D"; mkdir -p "$D/site"
"$OUT/loadgen" -gen-catalog "$SKUS" -o "$D/site/catalog.json"
SHOP_ADMIN_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SHOP_ADMIN_TOKEN
SHOP_LISTEN=127.0.0.1:$PORT SHOP_CATALOG=$D/site/catalog.json SHOP_DATA=$D/shop.db \
SHOP_BASE_URL=http://127.0.0.1:$PORT/ SHOP_OUTBOX=$D/outbox \
SHOP_TRUSTED_PROXIES=127.0.0.1/32,::1/128 \
	${PIN:+taskset -c $PIN} "$OUT/shop" checkout 2>"$D/shop.log" &
PID=$!
sleep 2
echo "idle: $(grep VmRSS /proc/$PID/status)"
uptime
${LGPIN:+taskset -c $LGPIN} "$OUT/loadgen" -url "http://127.0.0.1:$PORT" -catalog "$D/site/catalog.json" -mode "$MODE" \
	-duration "${SECS}s" -c "$CONC" -pid "$PID" -rss-every "${RSSEVERY:-5s}" -json "$D/report.json" || true
uptime
kill -TERM "$PID"; wait "$PID" || true
ls -la "$D/shop.db"
