#!/bin/bash
# usage: start-cache.sh ROUNDS PORT BIN:SEEDDIR [BIN:SEEDDIR...]
# For each round, for each binary in turn (interleaved): copy the binary's seeded data dir, start
# it twice on the copy with start.sh (the first start writes the analyses file, the second is the
# figure), and print both start.sh lines with heap_mb and listings_reused from the
# "matching index built" log line.
rounds=$1; port=$2; shift 2
here=$(dirname "$0")
for r in $(seq 1 "$rounds"); do
  for pair in "$@"; do
    bin=${pair%%:*}; seed=${pair#*:}
    d=$(mktemp -d)/data
    cp -r "$seed" "$d"
    for start in first second; do
      line=$("$here"/start.sh "$bin" "$d" "$port")
      built=$(grep -o '"msg":"matching index built".*' "$d.log")
      heap=$(echo "$built" | grep -o '"heap_mb":[0-9]*' | cut -d: -f2)
      reused=$(echo "$built" | grep -o '"listings_reused":[0-9]*' | cut -d: -f2)
      echo "round=$r start=$start $line heap_mb=$heap reused=${reused:--}"
    done
    rm -rf "$(dirname "$d")" "$d.log"
  done
done
