# Jejaring in a small image: built with the Go toolchain, run from distroless
# as a non-root user. The binary carries its migrations and flows.
#
#   docker build -t jejaring .
#   docker compose up -d          # PostgreSQL + Redis + Jejaring (see docker-compose.yml)

FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/jejaring ./cmd/jejaring \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/jejaring /jejaring
# DATA_DIR: the WhatsApp media and state (and the SQLite file when no DATABASE_URL is set).
COPY --from=build --chown=65532:65532 /out/data /data
ENV HTTP_ADDR=0.0.0.0:8080 DATA_DIR=/data
USER nonroot:nonroot
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/jejaring", "healthcheck"]
ENTRYPOINT ["/jejaring"]
CMD ["serve"]
