#!/bin/bash
# usage: srvlat.sh LOG ROUTE -> the server's own p50/p99 (ms) of ROUTE, from the request log lines' duration_ms
grep -F "\"route\":\"$2\"" "$1" | grep -o '"duration_ms":[0-9.]*' | cut -d: -f2 | sort -n |
  awk '{a[NR]=$1} END {if (NR) printf "srv_p50=%s srv_p99=%s", a[int(NR*0.5)+1], a[int(NR*0.99)+1]}'
