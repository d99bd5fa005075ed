#!/usr/bin/env bash
# backfill-bench.sh REPO - time `repoguard backfill` of REPO's whole history
# into a fresh database against `git log --numstat` on the same repository,
# then an incremental run with nothing new, and print a Markdown table.
#
# Each command runs RUNS times (default 3), interleaved so that a busy
# machine slows both alike; the table shows medians of wall time, CPU time
# (user+sys) and peak RSS from /usr/bin/time, and the size of the database.
set -euo pipefail

REPO=${1:?usage: backfill-bench.sh REPO}
RUNS=${RUNS:-3}
REPO=$(cd "$REPO" && pwd)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RG_BIN=$tmp/repoguard
(cd "$ROOT" && go build -o "$RG_BIN" ./cmd/repoguard)

commits=$(git -C "$REPO" rev-list --count HEAD)
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

run() {
	local name=$1
	shift
	/usr/bin/time -a -o "$tmp/$name" -f '%e %U %S %M' "$@" >/dev/null 2>"$tmp/err" || {
		echo "backfill-bench: $* failed:" >&2
		tail -5 "$tmp/err" >&2
		exit 1
	}
}

for i in $(seq 1 "$RUNS"); do
	db="$tmp/db$i/repoguard.db"
	mkdir -p "$(dirname "$db")"
	if [ $((i % 2)) = 1 ]; then
		run numstat git -C "$REPO" log --numstat
		run backfill "$RG_BIN" backfill --db "$db" "$REPO"
	else
		run backfill "$RG_BIN" backfill --db "$db" "$REPO"
		run numstat git -C "$REPO" log --numstat
	fi
	run noop "$RG_BIN" backfill --db "$db" "$REPO"
	du -k "$db" | cut -f1 >>"$tmp/dbsize"
done

median() {
	awk "{ print $2 }" "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for n in numstat backfill noop; do
	eval "wall_$n=$(median "$tmp/$n" '$1')"
	eval "cpu_$n=$(median "$tmp/$n" '$2 + $3')"
	eval "rss_$n=$(median "$tmp/$n" '$4')"
done
dbkb=$(median "$tmp/dbsize" '$1')

echo "Repository: $REPO, $commits commits (HEAD). Database after backfill: $(awk -v k="$dbkb" 'BEGIN { printf "%.1f", k / 1024 }') MB."
echo "Medians of $RUNS interleaved runs on $(nproc) CPUs; load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') after."
echo
echo "| command | wall s | CPU s | commits/s | peak RSS MB | × git log --numstat |"
echo "|---|---:|---:|---:|---:|---:|"
row() {
	awk -v name="$1" -v w="$2" -v c="$3" -v r="$4" -v n="$5" -v s="$wall_numstat" 'BEGIN {
		printf "| %s | %.2f | %.2f | %s | %.0f | %.2f |\n", name, w, c, (n > 0 ? sprintf("%.0f", n / w) : "-"), r / 1024, w / s
	}'
}
row '`git log --numstat`' "$wall_numstat" "$cpu_numstat" "$rss_numstat" "$commits"
row '`repoguard backfill` (fresh database)' "$wall_backfill" "$cpu_backfill" "$rss_backfill" "$commits"
row '`repoguard backfill` (nothing new)' "$wall_noop" "$cpu_noop" "$rss_noop" 0
