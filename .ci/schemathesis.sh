#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against the real `workplan serve` over the OpenAPI document
# it publishes: no 5xx, and every status, content type, header and body as the document
# says (WORKPLAN_SCHEMATHESIS_CHECKS=all adds schemathesis' input-acceptance checks).
# Used by .ci/run; locally:
#   cargo build && bash .ci/schemathesis.sh [target/debug/workplan]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/workplan}"
# Logging out and ending sessions would end the run's own login, so those three are left
# out (tests/it/sessions.rs covers them).
# Settings are read before the WORKPLAN_* variables are cleared for the server.
examples="${WORKPLAN_SCHEMATHESIS_EXAMPLES:-25}"
checks="${WORKPLAN_SCHEMATHESIS_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance}"
seed="${WORKPLAN_SCHEMATHESIS_SEED:-20261124}"
command -v schemathesis >/dev/null 2>&1 ||
  python3 -m pip install -q --disable-pip-version-check schemathesis >/dev/null 2>&1
dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
for k in $(env | grep -o '^WORKPLAN_[A-Z_]*'); do unset "$k"; done
export WORKPLAN_DATABASE_URL="sqlite://$dir/workplan.db" WORKPLAN_DATA_DIR="$dir" \
  WORKPLAN_STORAGE_DIR="$dir/evidence" WORKPLAN_BIND="127.0.0.1:$port" WORKPLAN_LOG=warn
echo "Schemathesis-password-1" | "$bin" user add office --role office --password-stdin >/dev/null
"$bin" import imports/guangzhou-sports-2021-division-plan.xlsx --year 2021 >/dev/null 2>&1 || true
"$bin" serve >"$dir/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
token="$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"office","password":"Schemathesis-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
status=0
schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" \
  -H "Authorization: Bearer $token" \
  --checks "$checks" \
  --exclude-operation-id logout --exclude-operation-id endUserSessions \
  --exclude-operation-id endUserSession \
  --max-examples "$examples" --seed "$seed" --no-color --warnings off \
  || status=$?
if [ "$status" -ne 0 ]; then
  echo "== server log"; tail -n 50 "$dir/serve.log"
fi
exit "$status"
