#!/usr/bin/env bash
# scan-bench.sh REPO - time `repoguard scan` on REPO against `git log -p`
# and `git log --numstat`, and print a Markdown table.
#
# Each command runs RUNS times (default 3), interleaved so that a busy
# machine slows all of them alike; the table shows medians of wall time,
# CPU time (user+sys) and peak RSS from /usr/bin/time. "diff MB/s" is the
# size of the `git log -p` output divided by the wall time.
#
# It builds ./cmd/repoguard (to RG_BIN, default /tmp/rg) and times
# `repoguard scan --format json REPO`, each run with a fresh empty
# REPOGUARD_DATA_DIR.
# With GITLEAKS=/path/to/gitleaks the peer runs in the same batches too:
# `gitleaks git --no-banner --report-path FILE REPO` (a real file: as root
# gitleaks deletes a --report-path of /dev/null).
# Until that command exists (or with WALK=1) it times the history walk of
# guard/gitrepo alone instead: BenchmarkWalk with REPOGUARD_BENCH_REPO=REPO.
set -euo pipefail

REPO=${1:?usage: scan-bench.sh REPO}
RUNS=${RUNS:-3}
REPO=$(cd "$REPO" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The binary goes to $RG_BIN (default /tmp/rg, or a temporary file when
# /tmp/rg is a directory).
RG_BIN=${RG_BIN:-/tmp/rg}
[ -d "$RG_BIN" ] && RG_BIN=$tmp/repoguard
cd "$ROOT"
if [ "${WALK:-0}" != 1 ] && [ -d cmd/repoguard ] && go build -o "$RG_BIN" ./cmd/repoguard; then
	RG=("$RG_BIN" scan --format json "$REPO")
	RGNAME='`repoguard scan`'
else
	echo "scan-bench: timing the gitrepo walk (BenchmarkWalk), not repoguard scan" >&2
	go test -c -o "$tmp/walk.test" ./guard/gitrepo
	RG=(env REPOGUARD_BENCH_REPO="$REPO" "$tmp/walk.test" -test.run XXX -test.bench BenchmarkWalk -test.benchtime 1x)
	RGNAME='gitrepo walk (BenchmarkWalk)'
fi

commits=$(git -C "$REPO" rev-list --count HEAD)
patch_bytes=$(git -C "$REPO" log -p | wc -c)
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# run NAME CMD... appends "wall user sys rssKB" of one run to $tmp/NAME.
# Exit status 1 is accepted: repoguard scan uses it to report findings.
run() {
	local name=$1 rc=0
	shift
	/usr/bin/time -a -o "$tmp/$name" -f '%e %U %S %M' "$@" >/dev/null 2>"$tmp/err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "scan-bench: $* failed (exit $rc):" >&2
		tail -5 "$tmp/err" >&2
		exit 1
	fi
	sed -i '/^Command exited with non-zero status/d' "$tmp/$name"
}

cmds="patch numstat rg"
[ -n "${GITLEAKS:-}" ] && cmds="$cmds gitleaks"
for i in $(seq 1 "$RUNS"); do
	# Rotate the order so that no command always runs first.
	order=$(echo $cmds | awk -v s="$i" '{ for (k = 0; k < NF; k++) printf "%s ", $((s - 1 + k) % NF + 1) }')
	for what in $order; do
		case $what in
		patch) run patch git -C "$REPO" log -p ;;
		numstat) run numstat git -C "$REPO" log --numstat ;;
		rg) # A fresh database each run: no baselines learnt by the last.
			run rg env REPOGUARD_DATA_DIR="$(mktemp -d "$tmp/data.XXXXXX")" "${RG[@]}" ;;
		gitleaks) run gitleaks "$GITLEAKS" git --no-banner --report-path "$tmp/gitleaks.json" "$REPO" ;;
		esac
	done
done

# median FILE COLUMN-EXPR prints the median of an awk expression per line.
median() {
	awk "{ print $2 }" "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for n in $cmds; do
	eval "wall_$n=$(median "$tmp/$n" '$1')"
	eval "cpu_$n=$(median "$tmp/$n" '$2 + $3')"
	eval "rss_$n=$(median "$tmp/$n" '$4')"
done

echo "Repository: $REPO, $commits commits (HEAD), \`git log -p\` output $(awk -v b="$patch_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB."
echo "Medians of $RUNS interleaved runs on $(nproc) CPUs; load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') after."
echo
echo "| command | wall s | CPU s | commits/s | diff MB/s | peak RSS MB | × git log -p | × git log --numstat |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
row() {
	awk -v name="$1" -v w="$2" -v c="$3" -v r="$4" -v n="$commits" -v b="$patch_bytes" -v p="$wall_patch" -v s="$wall_numstat" 'BEGIN {
		printf "| %s | %.2f | %.2f | %.0f | %.1f | %.0f | %.2f | %.2f |\n", name, w, c, n / w, b / 1048576 / w, r / 1024, w / p, w / s
	}'
}
row '`git log -p`' "$wall_patch" "$cpu_patch" "$rss_patch"
row '`git log --numstat`' "$wall_numstat" "$cpu_numstat" "$rss_numstat"
row "$RGNAME" "$wall_rg" "$cpu_rg" "$rss_rg"
[ -n "${GITLEAKS:-}" ] && row '`gitleaks git`' "$wall_gitleaks" "$cpu_gitleaks" "$rss_gitleaks"
exit 0
