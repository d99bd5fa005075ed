#!/usr/bin/env bash
# plant.sh ARGS - run the planting tool (.ci/bench/plant_*.go, standard
# library only) with ARGS; see `plant.sh -h` and docs/detection.md.
#
#   plant.sh -src REPO.git -out OUT.git -seed N [-per-class K] [-classes a,b]
#   plant.sh -list
#
# `repoguard eval --labels OUT.labels OUT.git` scores a copy.
#
# The files are passed to `go run` one by one: .ci cannot be a package
# path (so `go vet ./...` and `go test ./...` skip it). Its tests run with
# `go test .ci/bench/plant.go .ci/bench/plant_*.go`.
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
files=()
for f in "$dir"/plant.go "$dir"/plant_*.go; do
	case $f in *_test.go) ;; *) files+=("$f") ;; esac
done
exec go run "${files[@]}" "$@"
