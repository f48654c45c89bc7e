#!/bin/bash
# usage: matches.sh BIN PORT -> wrk c=1 on GET /demands/{id}/matches (Postgres, 100,000 offers)
bin=$1; port=$2; dur=${DUR:-10}
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB:-bench_speed}?sslmode=disable"
. "$(dirname "$0")/serve.sh"
serve matches
id=$(curl -s "127.0.0.1:$port/api/v1/demands?limit=1&status=published" -H "Authorization: Bearer $tok" | jq -r '.items[0].id')
curl -s "127.0.0.1:$port/api/v1/demands/$id/matches" -H "Authorization: Bearer $tok" -o ${OUT:-/tmp}/matches-body-$port.json
c0=$(awk '{print $14+$15}' /proc/$pid/stat)
wrk -t1 -c1 -d${dur}s --latency -H "Authorization: Bearer $tok" http://127.0.0.1:$port/api/v1/demands/$id/matches > ${OUT:-/tmp}/wrkm-$port.txt
c1=$(awk '{print $14+$15}' /proc/$pid/stat)
reqs=$(grep "requests in" ${OUT:-/tmp}/wrkm-$port.txt | awk '{print $1}')
echo "$(basename $bin) items=$(jq '.items|length' ${OUT:-/tmp}/matches-body-$port.json) bytes=$(stat -c %s ${OUT:-/tmp}/matches-body-$port.json) server_cpu_us_per_req=$(( (c1-c0)*10000/reqs )) $(grep Requests/sec ${OUT:-/tmp}/wrkm-$port.txt) p50 $(grep ' 50%' ${OUT:-/tmp}/wrkm-$port.txt | awk '{print $2}') p99 $(grep ' 99%' ${OUT:-/tmp}/wrkm-$port.txt | awk '{print $2}')"
kill $pid; wait $pid 2>/dev/null
echo "  $(bash $(dirname $0)/srvlat.sh ${OUT:-/tmp}/matches-$port.log /api/v1/demands/:id/matches)"
