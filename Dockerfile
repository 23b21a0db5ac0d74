# syntax=docker/dockerfile:1
#
# docker build --build-arg VERSION=$(git describe --tags --always) \
#   --build-arg COMMIT=$(git rev-parse --short HEAD) -t deeplinkd .

# Build stage: one static binary (SQLite is pure Go, so no cgo) and the
# image's config.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/deeplinkd ./cmd/deeplinkd
# The image ships the repository's sample config.yaml with one change: the
# admin listener binds every interface of the container instead of
# 127.0.0.1, or the orchestrator could not reach /healthz and /readyz.
# Publish 9090 to the container network only, never to the internet.
# .ci/run applies the same sed and runs `check` on the result; keep the two
# expressions identical. The check here fails the build on a bad config.
RUN sed -E 's/^([[:space:]]*admin_listen:).*$/\1 "0.0.0.0:9090"/' config.yaml > /out/config.yaml \
 && grep -Eq '^[[:space:]]*admin_listen: "0\.0\.0\.0:9090"$' /out/config.yaml \
 && DEEPLINKD_API_TOKEN=docker-build-check-only-0123 /out/deeplinkd check -config /out/config.yaml \
 && mkdir -p /out/data

# Final stage: no shell, no package manager, runs as uid 65532 (nonroot).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/deeplinkd /deeplinkd
COPY --from=build /out/config.yaml /etc/deeplinkd/config.yaml
# distroless has no shell to mkdir or chown in, so the empty data dir is
# copied in with its owner set; a named volume mounted here inherits it.
COPY --from=build --chown=65532:65532 /out/data /var/lib/deeplinkd
# GOGC=400: deeplinkd lives on a few MiB of heap, so with Go's default
# the collector runs many times a second under load. Collecting at five
# times the live heap instead costs about 12 MiB of RSS and saves 5-10%
# of the CPU of a redirect or a page (README: Memory). Override it with
# -e GOGC=..., and add GOMEMLIMIT for a container with a memory limit.
ENV DEEPLINKD_CONFIG=/etc/deeplinkd/config.yaml \
    DEEPLINKD_STORAGE_DSN=/var/lib/deeplinkd/deeplinkd.db \
    GOGC=400
# 8080: public (well-known files, links, /api). 9090: admin (/metrics,
# /healthz, /readyz); keep it private.
EXPOSE 8080 9090
USER nonroot
ENTRYPOINT ["/deeplinkd"]
CMD ["serve"]
