# syntax=docker/dockerfile:1
# Build a static, pure-Go repoguard binary and ship it alone on a minimal
# base, running as a non-root user with its data under /data.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/repoguard ./cmd/repoguard \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/repoguard /usr/local/bin/repoguard
COPY --from=build --chown=65532:65532 /out/data /data
ENV REPOGUARD_DATA_DIR=/data \
    REPOGUARD_LISTEN=0.0.0.0:8080
VOLUME /data
WORKDIR /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/repoguard"]
CMD ["serve"]
