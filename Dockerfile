# Build a static, pure-Go repoguard binary and ship it alone on a minimal
# base, running as a non-root user with its data under /data.
#
# Base images are pinned by digest, with the tag they were taken from
# beside it: a rebuild gets the same bytes, and moving to newer ones is a
# reviewed change. `.ci/docker-digests` checks the pins against the
# registries; `.ci/docker-digests --update` rewrites them.
FROM golang:1.26@sha256:3aff6657219a4d9c14e27fb1d8976c49c29fddb70ba835014f477e1c70636647 AS build
WORKDIR /src
# The module proxy the build may use (the builder's, passed with
# --build-arg GOPROXY=...).
ARG GOPROXY=https://proxy.golang.org,direct
COPY go.mod go.sum ./
RUN GOPROXY=${GOPROXY} go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/repoguard ./cmd/repoguard \
 && mkdir -m 0700 -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639
COPY --from=build /out/repoguard /usr/local/bin/repoguard
COPY --from=build --chown=65532:65532 /out/data /data
ENV REPOGUARD_DATA_DIR=/data \
    REPOGUARD_LISTEN=0.0.0.0:8080
VOLUME /data
WORKDIR /data
USER 65532:65532
EXPOSE 8080
# The image has no shell or curl: repoguard probes its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/repoguard", "health"]
ENTRYPOINT ["/usr/local/bin/repoguard"]
CMD ["serve"]
