# Convenience targets; each is one plain command you can also type.
.PHONY: run test spec check

run:
	go run ./cmd/techbridge

test:
	go test ./...

# Regenerate the OpenAPI spec in api/ from the swag annotations.
spec:
	go tool swag init --quiet --generalInfo server.go --dir internal/httpapi,internal/transfer --output api --outputTypes go,json,yaml --packageName api

check:
	CI=true bash .ci/run
