#!/usr/bin/env bash
# synth-repo.sh [N] [DIR] - build a synthetic bare Git repository of about N
# commits (default 20000) in DIR (default ./synth-repo.git) for benchmarks.
#
# Needs only git, bash, awk (mawk or gawk) and coreutils. A generator in awk
# writes a `git fast-import` stream: six authors in distinct time zones,
# three years of mostly daytime commits, Go, TypeScript, Solidity, YAML
# workflows, Dockerfile, Makefile, package.json, go.mod and Markdown files
# from a few lines to a few thousand, small hunks (a few lines changed per
# file, 1-5 files per commit), renames, deletions, binary files (PNG-like
# random bytes, .gz and .xz archives) and merge commits of short feature
# branches. The result is deterministic for a given N (SEED to vary).
set -euo pipefail

N=${1:-20000}
DIR=${2:-synth-repo.git}
SEED=${SEED:-42}
NBIN=24

if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
	echo "synth-repo: $DIR exists and is not empty" >&2
	exit 1
fi
case $N in '' | *[!0-9]*) echo "synth-repo: N must be a number" >&2; exit 2 ;; esac

export LC_ALL=C GIT_CONFIG_NOSYSTEM=1
git init -q --bare "$DIR"
git -C "$DIR" symbolic-ref HEAD refs/heads/main

# Binary blobs, marks :1..:NBIN: random bytes (1-60 KiB) behind a PNG,
# gzip or xz header.
emit_blobs() {
	local i size
	for ((i = 1; i <= NBIN; i++)); do
		size=$(((i * 7919 % 61) * 1024 + 700))
		case $((i % 3)) in
		0) printf 'blob\nmark :%d\ndata %d\n\211PNG\r\n\032\n\000\000\000\rIHDR' "$i" $((size + 16)) ;;
		1) printf 'blob\nmark :%d\ndata %d\n\037\213\010\000\000\000\000\000\000\003' "$i" $((size + 10)) ;;
		2) printf 'blob\nmark :%d\ndata %d\n\3757zXZ\000\000\004\346\326\264F' "$i" $((size + 12)) ;;
		esac
		head -c "$size" /dev/urandom
		printf '\n'
	done
}

start=$(date +%s)
{
	emit_blobs
	awk -v N="$N" -v NBIN=$NBIN -v SEED="$SEED" -f "$(dirname "$0")/synth-repo.awk"
} | git -C "$DIR" -c gc.auto=0 fast-import --quiet --depth=50
# Repack as a server does before a clone: newest objects whole, older ones
# as deltas (fast-import deltas each blob against the previous version).
git -C "$DIR" -c gc.auto=0 -c pack.threads=0 repack -a -d -f -q --depth=50 --window=10
git -C "$DIR" pack-refs --all

commits=$(git -C "$DIR" rev-list --count --all)
size=$(du -sh "$DIR" | cut -f1)
echo "synth-repo: $commits commits in $DIR ($size) in $(( $(date +%s) - start ))s" >&2
