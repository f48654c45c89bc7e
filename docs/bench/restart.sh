#!/bin/bash
# usage: restart.sh BIN PORT -> wrk c=8 on GET /offers/{id} for 2 s, then a fast restart of Postgres,
# then 40 reads in a row: how many answered 200 and how many did not, and the 500s in the server log.
# It restarts the server in PGDATA (run as the postgres user): use a throwaway one, never a shared one:
#   initdb -D $PGDATA -A trust -U postgres; pg_ctl -D $PGDATA -o "-p $PGPORT -k /tmp" start
#   createdb -h 127.0.0.1 -p $PGPORT -U postgres f; DATABASE_URL=… BIN seed synthetic --offers 2000 --demands 200
bin=$1; port=$2; pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}
export DATABASE_URL="postgres://postgres@127.0.0.1:${PGPORT:-5499}/${DB:-f}?sslmode=disable"
. "$(dirname "$0")/serve.sh"
serve restart
id=$(curl -s "127.0.0.1:$port/api/v1/offers?limit=1" -H "Authorization: Bearer $tok" | jq -r '.items[0].id')
wrk -t2 -c8 -d2s http://127.0.0.1:$port/api/v1/offers/$id -H "Authorization: Bearer $tok" >/dev/null
runuser -u postgres -- $pgbin/pg_ctl -D $PGDATA -m fast -w restart -o "-p ${PGPORT:-5499} -k /tmp -c listen_addresses=127.0.0.1" >/dev/null 2>&1
codes=$(for i in $(seq 1 40); do curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:$port/api/v1/offers/$id -H "Authorization: Bearer $tok"; done | sort | uniq -c | tr -s ' \n' ' ')
echo "$(basename $bin): 40 reads after the restart:$codes; 500s in the log: $(grep -c '"status":500' ${OUT:-/tmp}/restart-$port.log)"
kill $pid; wait $pid 2>/dev/null
