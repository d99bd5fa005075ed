#!/usr/bin/env bash
# detection.sh [HISTORY.git ...] - measure repoguard's recall on planted
# attack commits and its flag rate on ordinary ones, over real histories,
# and print the Markdown tables of docs/detection.md.
#
# For each history it plants PER_CLASS commits of every attack class
# (.ci/bench/plant.sh, seed SEED) into WORK/NAME.git with its labels in
# WORK/NAME.labels; then one `repoguard eval --format markdown` over the
# copies (each judged with a fresh database) scores them and prints the
# tables. The default histories are the seven bare repositories in
# HIST_DIR (default /work/hist).
#
#   SEED=1 PER_CLASS=3 WORK=/tmp/rg-detection .ci/bench/detection.sh
#
# RG_BIN is the repoguard binary (default: built from this tree into
# WORK). WORK keeps the copies and labels (for `repoguard eval --format
# json --labels WORK/NAME.labels WORK/NAME.git`, which lists every
# labelled commit); an existing WORK/NAME.git and NAME.labels are
# replaced. Runs under nice.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SEED=${SEED:-1}
PER_CLASS=${PER_CLASS:-3}
HIST_DIR=${HIST_DIR:-/work/hist}
WORK=${WORK:-$(mktemp -d /tmp/rg-detection.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

if [ $# -eq 0 ]; then
	set -- "$HIST_DIR"/{v4-core,safe-smart-account,gitleaks,secp256k1,zstd,foundry,prometheus}.git
fi
for h in "$@"; do
	git -C "$h" rev-parse --git-dir >/dev/null 2>&1 || { echo "detection: $h is not a git repository" >&2; exit 2; }
done

cd "$ROOT"
if [ -z "${RG_BIN:-}" ]; then
	RG_BIN=$WORK/repoguard
	CGO_ENABLED=0 nice go build -o "$RG_BIN" ./cmd/repoguard
fi
files=()
for f in .ci/bench/plant.go .ci/bench/plant_*.go; do
	case $f in *_test.go) ;; *) files+=("$f") ;; esac
done
nice go build -o "$WORK/plant" "${files[@]}"

copies=()
labels=()
for h in "$@"; do
	name=$(basename "$h" .git)
	echo "detection: $name: planting" >&2
	rm -rf "${WORK:?}/$name.git" "$WORK/$name.labels"
	nice "$WORK/plant" -src "$h" -out "$WORK/$name.git" -seed "$SEED" -per-class "$PER_CLASS" 2>"$WORK/$name.plant.log" ||
		{ cat "$WORK/$name.plant.log" >&2; exit 1; }
	copies+=("$WORK/$name.git")
	labels+=(--labels "$WORK/$name.labels")
done
echo "detection: judging ${#copies[@]} histories" >&2
tables=$(nice "$RG_BIN" eval --format markdown "${labels[@]}" "${copies[@]}")

rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no -- cmd guard detectors configs webhooks go.mod 2>/dev/null | head -1)
echo "Measured $(date -u +%Y-%m-%d) at commit $rev${dirty:+ (with uncommitted changes)}, seed $SEED, $PER_CLASS commits per class; work files in $WORK."
echo
printf '%s\n' "$tables"
