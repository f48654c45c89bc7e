# techbridge container image.
#   docker build -t techbridge:latest --build-arg VERSION=$(git describe --always --dirty) .
#   docker run -p 8080:8080 -v techbridge-data:/data techbridge:latest

# ---- build ----------------------------------------------------------------
FROM golang:1.26-bookworm AS build

WORKDIR /src

# Module downloads in their own layer: rebuilt only when go.mod/go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .

ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/techbridge ./cmd/techbridge \
    && mkdir -p /out/data

# ---- runtime ----------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot

COPY --from=build /out/techbridge /techbridge
# Writable data directory for the embedded SQLite database (unused with DATABASE_URL).
COPY --from=build --chown=65532:65532 /out/data /data

ENV TECHBRIDGE_ADDR=:8080 \
    TECHBRIDGE_DATA_DIR=/data

USER 65532:65532
EXPOSE 8080
VOLUME /data

# `techbridge healthcheck` GETs /healthz on TECHBRIDGE_ADDR and exits 0 or 1
# (distroless has no shell, curl or wget).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/techbridge", "healthcheck"]

ENTRYPOINT ["/techbridge"]
CMD ["serve"]
