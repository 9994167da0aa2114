#!/bin/sh
# The package as a third party gets it: `npm pack`, then `npm ci --omit=dev` in a clean folder,
# then the compiled CLI and server run from there (drl dev accounts; drl start on free ports
# until the API answers, and the portal at /; Ctrl-C). Needs `npm run build:server` first
# (dist/, with the portal in dist/portal) and package.json's "files" to include dist/ and
# deployments/config/.
#
#   npm run build:server && sh scripts/check-install.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/drl-install-XXXXXX")
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill -INT "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

cd "$ROOT"
TARBALL=$(npm pack --silent --pack-destination "$WORK" | tail -n 1)
cd "$WORK"
tar -xzf "$TARBALL"
cp "$ROOT/package-lock.json" package/
cd package
test -f dist/sdk/cli/main.js || { echo "check-install: dist/sdk/cli/main.js is not in the package (build first; package.json files)"; exit 1; }
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null

DRL="node dist/sdk/cli/main.js"
$DRL --json dev accounts | grep -q '"holder8"' || { echo "check-install: drl dev accounts failed"; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
RPC=$(free_port)
API=$(free_port)
$DRL start --data-dir "$WORK/data" --rpc-port "$RPC" --port "$API" >"$WORK/start.log" 2>&1 &
PID=$!
i=0
until curl -fsS "http://127.0.0.1:$API/v1/health" >/dev/null 2>&1; do
  i=$((i + 1))
  if [ "$i" -gt 240 ] || ! kill -0 "$PID" 2>/dev/null; then cat "$WORK/start.log"; echo "check-install: drl start did not serve the API"; exit 1; fi
  sleep 0.5
done
# The portal ships built (dist/portal) and is served at / by the installed server.
curl -fsS "http://127.0.0.1:$API/" | grep -q '<div id="app">' || { echo "check-install: the installed server does not serve the portal at /"; exit 1; }
DRL_DATA_DIR="$WORK/data" $DRL --json show 1 >/dev/null 2>&1 && { echo "check-install: an empty ledger has an asset 1?"; exit 1; }
kill -INT "$PID"
wait "$PID" || { echo "check-install: drl start did not stop cleanly on SIGINT"; exit 1; }
PID=""
echo "check-install: ok (npm ci --omit=dev; compiled drl and server run)"
