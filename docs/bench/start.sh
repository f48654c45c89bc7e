#!/bin/bash
# usage: start.sh BIN DATADIR PORT -> ms to /readyz 200, CPU ms used by then, VmRSS RSS_WAIT s later
bin=$1; d=$2; port=$3
t0=$(date +%s%N)
TECHBRIDGE_ADDR=127.0.0.1:$port TECHBRIDGE_DATA_DIR=$d TECHBRIDGE_ADMIN_PASSWORD=bench-password-1234 $bin serve >/dev/null 2>$d.log &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:$port/readyz; do sleep 0.05; done
t1=$(( ($(date +%s%N)-t0)/1000000 ))
cpu=$(awk '{print ($14+$15)*10}' /proc/$pid/stat)
sleep ${RSS_WAIT:-5}
rss=$(grep VmRSS /proc/$pid/status | awk '{print $2}')
kill $pid; wait $pid 2>/dev/null
echo "$(basename $bin) ready_ms=$t1 cpu_ms=$cpu rss_mb=$((rss/1024)) load=$(cut -d' ' -f1 /proc/loadavg)"
