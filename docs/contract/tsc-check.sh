#!/usr/bin/env bash
# Generates a TypeScript client from api/openapi.json and checks it under
# tsc --strict: the walk-through example compiles, and an empty demand, an
# unknown sector and a bad agreement type do not.
#
#   bash docs/contract/tsc-check.sh      # from the repository root
#
# With TECHBRIDGE_URL and TECHBRIDGE_PASSWORD (the admin's) set, the example
# also runs against that server. Packages are installed into a temporary
# directory, never into the repository.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

OPENAPI_TYPESCRIPT_VERSION=7.13.0
OPENAPI_FETCH_VERSION=0.17.0
TYPESCRIPT_VERSION=5.9.3

tmp=$(mktemp -d -t techbridge-ts.XXXXXX)
trap 'rm -rf -- "$tmp"' EXIT
cp docs/contract/ts/*.ts "$tmp/"
cat >"$tmp/package.json" <<JSON
{"private": true, "type": "module"}
JSON
cat >"$tmp/tsconfig.json" <<JSON
{"compilerOptions": {"strict": true, "target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
  "types": [], "lib": ["es2022", "dom"], "skipLibCheck": false, "outDir": "out"}}
JSON
(cd "$tmp" && npm install --silent --no-audit --no-fund \
	"openapi-typescript@$OPENAPI_TYPESCRIPT_VERSION" "openapi-fetch@$OPENAPI_FETCH_VERSION" "typescript@$TYPESCRIPT_VERSION" >/dev/null)
"$tmp/node_modules/.bin/openapi-typescript" api/openapi.json -o "$tmp/schema.d.ts"
sed -i 's#from "./schema"#from "./schema.js"#' "$tmp"/*.ts
# process.env without @types/node:
printf 'declare const process: { env: Record<string, string | undefined>; exit(code: number): never };\n' >"$tmp/env.d.ts"

echo "==> tsc --strict: the walk-through client and the @ts-expect-error lines"
(cd "$tmp" && node_modules/.bin/tsc -p . --noEmit)
echo "ok"

echo "==> tsc --strict without the @ts-expect-error directives: exactly the three rejections"
sed -i '/@ts-expect-error/d' "$tmp/rejected.ts"
out=$(cd "$tmp" && node_modules/.bin/tsc -p . --noEmit 2>&1 || true)
printf '%s\n' "$out" | grep -E 'error TS' || true
n=$(grep -c 'error TS' <<<"$out" || true)
grep -q "is missing the following properties.*title\|Property 'title' is missing\|missing.*summary" <<<"$out" || { echo "empty demand not rejected" >&2; exit 1; }
grep -q '"mining"' <<<"$out" || { echo "unknown sector not rejected" >&2; exit 1; }
grep -q '"barter"' <<<"$out" || { echo "bad agreement type not rejected" >&2; exit 1; }
[[ $n == 3 ]] || { echo "want 3 errors, got $n" >&2; exit 1; }
echo "ok: 3 errors"

if [[ -n ${TECHBRIDGE_URL:-} ]]; then
	echo "==> running the walk-through client against $TECHBRIDGE_URL"
	cp docs/contract/ts/rejected.ts "$tmp/" && sed -i 's#from "./schema"#from "./schema.js"#' "$tmp/rejected.ts"
	(cd "$tmp" && node_modules/.bin/tsc -p . && node out/walkthrough.js)
fi
