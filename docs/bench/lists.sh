#!/bin/bash
# usage: lists.sh BIN PORT DB -> wrk on GET /api/v1/offers with q=solar, q=光伏 and sector=new_energy,
# as staff (the admin) and as a partner user, at c=1 and c=8; one line per case with p50, p99,
# requests/s, the total and whether it is an estimate, and the server's CPU per request.
# DB is a Postgres URL (postgres://…) or a SQLite data dir (seeded with
#   TECHBRIDGE_DATA_DIR=DIR BIN seed synthetic --offers N --demands M).
# Environment: DUR (seconds per case, default 10), CONNS (default "1 8"), CASES (default all three),
# OUT (where wrk's output and the server log go, default /tmp). The last line gives the server's
# resident memory after the runs.
bin=$1; port=$2; db=$3; dur=${DUR:-10}; out=${OUT:-/tmp}
cases=${CASES:-"q=solar q=%E5%85%89%E4%BC%8F sector=new_energy"}
if [[ $db == postgres* ]]; then export DATABASE_URL=$db; dialect=postgres; else export TECHBRIDGE_DATA_DIR=$db; dialect=sqlite; fi
. "$(dirname "$0")/serve.sh"
serve lists
api=http://127.0.0.1:$port/api/v1
staff=$tok
# The partner belongs to the institution of the newest offer (it has listings of its own, some perhaps
# confidential); the user is made once per database and found again by its login on later runs.
partner=$(login lists-partner@bench.example bench-partner-password-1234)
if [[ -z $partner || $partner == null ]]; then
  inst=$(curl -s "$api/offers?limit=1" -H "Authorization: Bearer $staff" | jq -r '.items[0].institution_id')
  curl -s -o /dev/null -X POST $api/users -H "Authorization: Bearer $staff" -H 'Content-Type: application/json' \
    -d "{\"email\":\"lists-partner@bench.example\",\"password\":\"bench-partner-password-1234\",\"role\":\"partner\",\"institution_id\":\"$inst\"}"
  partner=$(login lists-partner@bench.example bench-partner-password-1234)
fi
for c in ${CONNS:-1 8}; do
  for query in $cases; do
    for who in staff partner; do
      tok=${!who}
      url="$api/offers?$query"
      body=$(curl -s "$url" -H "Authorization: Bearer $tok") # warm-up, and the total
      total=$(jq -r '"\(.total)\(if .total_estimated then "~" else "" end)"' <<<"$body")
      c0=$(awk '{print $14+$15}' /proc/$pid/stat)
      wrk -t$(( c < 2 ? 1 : 2 )) -c$c -d${dur}s --latency -H "Authorization: Bearer $tok" "$url" > $out/wrkl-$port.txt
      c1=$(awk '{print $14+$15}' /proc/$pid/stat)
      reqs=$(grep "requests in" $out/wrkl-$port.txt | awk '{print $1}')
      non2xx=$(grep -c "Non-2xx" $out/wrkl-$port.txt)
      printf '%s %s %-22s %-7s c=%s p50 %-8s p99 %-8s rps %-8s total %-7s cpu_us/req %s%s load %s\n' \
        "$(basename $bin)" $dialect "$query" $who $c \
        "$(grep ' 50%' $out/wrkl-$port.txt | awk '{print $2}')" "$(grep ' 99%' $out/wrkl-$port.txt | awk '{print $2}')" \
        "$(grep Requests/sec $out/wrkl-$port.txt | awk '{print $2}')" "$total" $(( (c1-c0)*10000/(reqs+1) )) \
        "$([[ $non2xx != 0 ]] && echo ' NON-2XX')" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
echo "$(basename $bin) $dialect rss_mb=$(( $(grep VmRSS /proc/$pid/status | awk '{print $2}') / 1024 ))"
kill $pid; wait $pid 2>/dev/null
