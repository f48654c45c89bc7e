# Convenience targets; each is one plain command you can also type.
.PHONY: run test spec check

run:
	go run ./cmd/techbridge

test:
	go test ./...

# Regenerate the API spec in api/ from the swag annotations: Swagger 2.0 from
# swag (fields without omitempty are required unless tagged binding:"optional"),
# then the OpenAPI 3.1 document derived from it by cmd/specgen.
spec:
	go tool swag init --quiet --requiredByDefault --generalInfo server.go --dir internal/httpapi,internal/transfer --output api --outputTypes go,json,yaml --packageName api
	go run ./cmd/specgen -in api/swagger.json -out api/openapi.json

check:
	CI=true bash .ci/run
