#!/bin/bash
# usage: reads.sh BIN PORT -> pgbench -S at c=8, wrk c=8 on GET /offers/{id} (Postgres), pgbench -S
# at c=8 again; the last line is the HTTP rate over the mean of the two pgbench rates around it (pgbench
# alone swings by a quarter from one run to the next on a shared machine).
bin=$1; port=$2; dur=${DUR:-10}
pgb() { pgbench -h 127.0.0.1 -U postgres -S -M prepared -c 8 -j 2 -T $dur bench_pgb 2>/dev/null | grep -E "^tps" | awk '{print $3}'; }
tps0=$(pgb)
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB:-bench_speed}?sslmode=disable"
. "$(dirname "$0")/serve.sh"
serve reads
id=$(curl -s "127.0.0.1:$port/api/v1/offers?limit=1" -H "Authorization: Bearer $tok" | jq -r '.items[0].id')
c0=$(awk '{print $14+$15}' /proc/$pid/stat)
wrk -t2 -c8 -d${dur}s --latency -H "Authorization: Bearer $tok" http://127.0.0.1:$port/api/v1/offers/$id > ${OUT:-/tmp}/wrk-$port.txt
c1=$(awk '{print $14+$15}' /proc/$pid/stat)
reqs=$(grep "requests in" ${OUT:-/tmp}/wrk-$port.txt | awk '{print $1}')
echo "$(basename $bin) server_cpu_us_per_req=$(( (c1-c0)*10000/reqs )) http: $(grep Requests/sec ${OUT:-/tmp}/wrk-$port.txt) p50 $(grep ' 50%' ${OUT:-/tmp}/wrk-$port.txt | awk '{print $2}') p99 $(grep ' 99%' ${OUT:-/tmp}/wrk-$port.txt | awk '{print $2}')"
kill $pid; wait $pid 2>/dev/null
echo "  $(bash $(dirname $0)/srvlat.sh ${OUT:-/tmp}/reads-$port.log /api/v1/offers/:id)"
tps1=$(pgb)
rps=$(grep Requests/sec ${OUT:-/tmp}/wrk-$port.txt | awk '{print $2}')
echo "  pgbench_tps before/after $tps0 / $tps1  ratio $(awk -v r=$rps -v a=$tps0 -v b=$tps1 'BEGIN {printf "%.3f", r / ((a + b) / 2)}')"
