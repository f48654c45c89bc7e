# Sourced by the bench scripts. serve NAME starts $bin on 127.0.0.1:$port with the bench secrets
# (the database comes from the caller's DATABASE_URL or TECHBRIDGE_DATA_DIR), its log in
# ${OUT:-/tmp}/NAME-$port.log; it waits for /readyz (200 once the matching index is built: nothing
# else competes for the cores then) and sets pid, and tok to the bootstrap admin's access token.
export TECHBRIDGE_JWT_SECRET=0123456789abcdef0123456789abcdef-bench TECHBRIDGE_ADMIN_PASSWORD=bench-password-1234
serve() {
  TECHBRIDGE_ADDR=127.0.0.1:$port $bin serve >/dev/null 2>${OUT:-/tmp}/$1-$port.log &
  pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:$port/readyz; do sleep 0.1; done
  tok=$(login admin@localhost bench-password-1234)
}
# login EMAIL PASSWORD prints the user's access token.
login() {
  curl -s -X POST 127.0.0.1:$port/api/v1/auth/login -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | jq -r .access_token
}
