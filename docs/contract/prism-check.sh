#!/usr/bin/env bash
# Replays the README walk-through, plus error cases, through a Prism
# validating proxy in front of a local techbridge, and counts the contract
# violations Prism reports (its sl-violations response header).
#
#   bash docs/contract/prism-check.sh      # from the repository root
#
# Needs Go, curl, jq and Node.js >= 20 (npx). Everything listens on 127.0.0.1
# only; the server uses a throw-away SQLite data directory. Exit status 1 when
# Prism reports any violation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

PRISM_VERSION=${PRISM_VERSION:-5.14.2} # the last release that runs on Node.js 20
API_PORT=${API_PORT:-18080}
PRISM_PORT=${PRISM_PORT:-14010}
PW='walk-through admin password'

tmp=$(mktemp -d -t techbridge-prism.XXXXXX)
server_pid="" prism_pid=""
cleanup() {
	[[ -z $prism_pid ]] || kill "$prism_pid" 2>/dev/null || true
	[[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf -- "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/techbridge" ./cmd/techbridge
TECHBRIDGE_ADDR=127.0.0.1:$API_PORT TECHBRIDGE_DATA_DIR=$tmp/data TECHBRIDGE_ADMIN_PASSWORD=$PW \
	"$tmp/techbridge" serve >"$tmp/server.log" 2>&1 &
server_pid=$!
npx --yes "@stoplight/prism-cli@$PRISM_VERSION" proxy api/openapi.json "http://127.0.0.1:$API_PORT" \
	--host 127.0.0.1 --port "$PRISM_PORT" >"$tmp/prism.log" 2>&1 &
prism_pid=$!
for _ in $(seq 120); do
	curl -sf "http://127.0.0.1:$API_PORT/healthz" >/dev/null 2>&1 &&
		curl -s "http://127.0.0.1:$PRISM_PORT/api/v1/vocabulary" >/dev/null 2>&1 && break
	sleep 1
done

B=http://127.0.0.1:$PRISM_PORT

requests=0 violations=0 flagged=0 unexpected=0 phase=walk-through
# call EXPECTED-STATUS METHOD PATH [curl arguments...]: sends one request
# through Prism (a generated client's base URL set to the proxy), leaves the
# body in $body, and counts Prism's violations.
call() {
	local want=$1 method=$2 path=$3
	shift 3
	local status
	status=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -X "$method" "$B$path" "$@")
	body=$(cat "$tmp/body")
	requests=$((requests + 1))
	local v
	v=$(grep -i '^sl-violations:' "$tmp/headers" | cut -d: -f2- | tr -d '\r' || true)
	local n=0 expected=0
	if [[ -n $v ]]; then
		if [[ $phase == errors ]]; then
			# An error case sends a request the document forbids on purpose:
			# Prism flagging the request is the document doing its job.
			expected=$(jq '[.[] | select(.location[0] == "request")] | length' <<<"$v")
			flagged=$((flagged + expected))
		fi
		n=$(($(jq 'length' <<<"$v") - expected))
		violations=$((violations + n))
	fi
	printf '%-6s %-60s %s (want %s)  violations: %d\n' "$method" "${path:0:60}" "$status" "$want" "$n"
	[[ $status == "$want" ]] || unexpected=$((unexpected + 1))
	[[ -z $v ]] || jq -c '.[]' <<<"$v" | sed 's/^/         /'
	[[ $status == "$want" ]] || printf '         unexpected status; body: %.300s\n' "$body"
}
J=(-H 'Content-Type: application/json')

# --- the walk-through of README.md ---
call 200 POST /api/v1/auth/login "${J[@]}" -d "{\"email\":\"admin@localhost\",\"password\":\"$PW\"}"
TOKEN=$(jq -r .access_token <<<"$body") REFRESH=$(jq -r .refresh_token <<<"$body")
A=(-H "Authorization: Bearer $TOKEN")
call 200 GET /api/v1/me "${A[@]}"
call 201 POST /api/v1/institutions "${A[@]}" "${J[@]}" -d '{"name":"Guangxi University","local_name":"广西大学","country":"CN","type":"university","contact_email":"tto@gxu.edu.cn"}'
INST=$(jq -r .id <<<"$body")
call 200 GET "/api/v1/institutions/$INST" "${A[@]}"
call 200 PATCH "/api/v1/institutions/$INST" "${A[@]}" "${J[@]}" -H 'If-Match: "1"' -d '{"verified":true}'
call 201 POST /api/v1/users "${A[@]}" "${J[@]}" -d "{\"email\":\"tto@gxu.edu.cn\",\"password\":\"correct horse battery\",\"role\":\"partner\",\"institution_id\":\"$INST\"}"
call 201 POST "/api/v1/institutions/$INST/clients" "${A[@]}" "${J[@]}" -d '{"name":"ERP integration"}'
CID=$(jq -r .client_id <<<"$body") CSECRET=$(jq -r .client_secret <<<"$body")
call 200 POST /api/v1/oauth/token -u "$CID:$CSECRET" -d grant_type=client_credentials
call 200 POST /api/v1/oauth/token -d grant_type=client_credentials -d "client_id=$CID" -d "client_secret=$CSECRET"
CTOKEN=$(jq -r .access_token <<<"$body")
call 200 GET /api/v1/me -H "Authorization: Bearer $CTOKEN"
call 200 POST /api/v1/auth/refresh "${J[@]}" -d "{\"refresh_token\":\"$REFRESH\"}"
REFRESH2=$(jq -r .refresh_token <<<"$body")
call 204 POST /api/v1/auth/logout "${J[@]}" -d "{\"refresh_token\":\"$REFRESH2\"}"
call 200 POST /api/v1/auth/login "${J[@]}" -d '{"email":"tto@gxu.edu.cn","password":"correct horse battery"}'
P=(-H "Authorization: Bearer $(jq -r .access_token <<<"$body")")
call 201 POST /api/v1/offers "${P[@]}" "${J[@]}" -d '{"title":"Lithium iron phosphate battery storage for island micro-grids",
  "summary":"Modular LFP battery cabinets with a battery management system for off-grid and island power",
  "language":"en","sector":"new_energy","subsector":"energy_storage","keywords":["LFP battery","energy storage","micro-grid"],
  "trl":7,"ip_status":"patent_granted","transfer_modes":["licensing","technical_service"],"target_countries":["VN","TH"],
  "price_min":800000,"price_max":2000000,"currency":"CNY","expires_at":"2027-12-31T00:00:00Z"}'
OFFER=$(jq -r .id <<<"$body")
call 200 POST "/api/v1/offers/$OFFER/submit" "${P[@]}" -H 'If-Match: "1"'
call 403 POST "/api/v1/offers/$OFFER/publish" "${P[@]}"
call 200 POST "/api/v1/offers/$OFFER/publish" "${A[@]}"
call 201 POST /api/v1/institutions "${A[@]}" "${J[@]}" -d '{"name":"Con Dao Power","country":"VN","type":"enterprise","sectors":["new_energy"]}'
VNINST=$(jq -r .id <<<"$body")
call 201 POST /api/v1/demands "${A[@]}" "${J[@]}" -d "{\"institution_id\":\"$VNINST\",\"title\":\"Battery energy storage for an island grid\",
  \"summary\":\"We need lithium battery storage to stabilise the diesel and solar micro-grid on Con Dao island\",
  \"language\":\"en\",\"sector\":\"new_energy\",\"subsector\":\"energy_storage\",\"keywords\":[\"energy storage\",\"micro-grid\"],
  \"min_trl\":6,\"transfer_modes\":[\"licensing\"],\"source_countries\":[\"CN\"],\"budget_max\":300000,\"currency\":\"USD\",
  \"deadline\":\"2027-06-30T00:00:00Z\"}"
DEMAND=$(jq -r .id <<<"$body")
call 200 POST "/api/v1/demands/$DEMAND/submit" "${A[@]}"
call 200 POST "/api/v1/demands/$DEMAND/publish" "${A[@]}"
call 200 GET "/api/v1/demands/$DEMAND/matches?limit=5" "${A[@]}"
call 200 GET "/api/v1/offers/$OFFER/matches" "${A[@]}"
call 201 POST /api/v1/matches "${A[@]}" "${J[@]}" -d "{\"demand_id\":\"$DEMAND\",\"offer_id\":\"$OFFER\"}"
MATCH=$(jq -r .id <<<"$body")
call 200 PATCH "/api/v1/matches/$MATCH" "${A[@]}" "${J[@]}" -H 'If-Match: "1"' -d '{"status":"introduced"}'
call 200 POST "/api/v1/matches/$MATCH/interest" "${P[@]}" "${J[@]}" -d '{"interested":true,"note":"happy to send a quotation"}'
call 201 POST /api/v1/agreements "${A[@]}" "${J[@]}" -d "{\"match_id\":\"$MATCH\",\"title\":\"Licence of LFP storage cabinets to Con Dao Power\",
  \"type\":\"licensing\",\"status\":\"signed\",\"sector\":\"new_energy\",\"subsector\":\"energy_storage\",
  \"parties\":[{\"institution_id\":\"$INST\",\"role\":\"provider\"},{\"institution_id\":\"$VNINST\",\"role\":\"recipient\"}],
  \"value_amount\":1500000,\"currency\":\"CNY\",\"signed_on\":\"2026-11-20\",\"event_name\":\"China-ASEAN Technology Transfer Matchmaking, Nanning\"}"
AGREEMENT=$(jq -r .id <<<"$body")
call 200 GET "/api/v1/agreements/$AGREEMENT" "${A[@]}"
call 200 GET "/api/v1/stats/agreements?group_by=country" "${A[@]}"
call 200 GET "/api/v1/stats/agreements?group_by=year,sector" "${A[@]}"
call 200 GET "/api/v1/stats/agreements?group_by=country&format=csv" "${A[@]}"
call 200 GET /api/v1/stats/overview "${A[@]}"
printf 'institution_id,title,summary,language,sector,subsector,keywords,trl,ip_status,transfer_modes,target_countries\n%s\n%s\n' \
	"$INST,Cassava starch processing line,Low-energy wet milling and drying for cassava starch,en,modern_agriculture,agri_processing,cassava;starch,8,know_how,technical_service;licensing,TH;VN" \
	"$INST,Tilapia recirculating aquaculture,Closed-loop tanks with biofilters,en,modern_agriculture,aquaculture,tilapia;RAS,11,none,licensing,ID" >"$tmp/offers.csv"
call 200 POST "/api/v1/offers/import?publish=true" "${A[@]}" -H 'Content-Type: text/csv' --data-binary "@$tmp/offers.csv"
for want in 201 201; do
	call "$want" POST /api/v1/demands "${P[@]}" "${J[@]}" -H 'Idempotency-Key: erp-demand-4711' \
		-d '{"title":"Rice straw to bio-fertiliser","summary":"Composting technology for rice straw at village scale","language":"en","sector":"modern_agriculture","subsector":"agri_processing","min_trl":5}'
done
call 200 GET "/api/v1/offers?updated_since=2026-11-23T00:00:00Z&sort=updated_at&limit=1" "${P[@]}"
call 200 GET /api/v1/vocabulary
call 200 GET /healthz
call 200 GET /readyz

# --- error cases ---
phase=errors
call 401 GET /api/v1/me
call 401 GET /api/v1/offers -H 'Authorization: Bearer not-a-token'
call 401 POST /api/v1/auth/login "${J[@]}" -d '{"email":"admin@localhost","password":"wrong"}'
call 401 POST /api/v1/oauth/token -u "$CID:wrong" -d grant_type=client_credentials
call 400 POST /api/v1/oauth/token -u "$CID:$CSECRET" -d grant_type=password
call 403 GET /api/v1/users "${P[@]}"
call 404 GET "/api/v1/offers/00000000-0000-0000-0000-000000000000" "${A[@]}"
call 400 POST /api/v1/demands "${P[@]}" "${J[@]}" -d '{"title":'
call 415 POST /api/v1/demands "${P[@]}" -H 'Content-Type: text/plain' -d 'a demand'
call 422 POST /api/v1/demands "${P[@]}" "${J[@]}" -d '{"title":"x","summary":"y","language":"en","sector":"mining"}'
call 422 POST /api/v1/demands "${P[@]}" "${J[@]}" -H 'Idempotency-Key: erp-demand-4711' -d '{"title":"another body"}'
call 409 POST "/api/v1/offers/$OFFER/submit" "${P[@]}"
call 412 PATCH "/api/v1/offers/$OFFER" "${A[@]}" "${J[@]}" -H 'If-Match: "1"' -d '{"price_max":2100000}'
call 400 PATCH "/api/v1/offers/$OFFER" "${A[@]}" "${J[@]}" -H 'If-Match: 1' -d '{"price_max":2100000}'
call 428 PATCH "/api/v1/agreements/$AGREEMENT" "${A[@]}" "${J[@]}" -d '{"status":"in_execution"}'
call 422 GET "/api/v1/stats/agreements?group_by=colour" "${A[@]}"
call 422 GET "/api/v1/offers?limit=many" "${A[@]}"

echo
echo "prism $PRISM_VERSION proxy: $requests requests, $violations violations" \
	"(besides $flagged request violations of error cases that break the document on purpose)"
echo "unexpected statuses: $unexpected"
if ((violations > 0 || unexpected > 0)); then
	exit 1
fi
