package gitrepo

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/repoguard/repoguard/guard"
)

// BenchmarkWalk walks the whole history of REPOGUARD_BENCH_REPO (default:
// a generated repository of 2,000 commits) with REPOGUARD_BENCH_WORKERS
// workers (default 2), computing every commit's changes and lines.
//
//	REPOGUARD_BENCH_REPO=/tmp/synth go test -run XXX -bench Walk -benchtime 1x ./guard/gitrepo
func BenchmarkWalk(b *testing.B) {
	dir := os.Getenv("REPOGUARD_BENCH_REPO")
	if dir == "" {
		dir = randomHistory(b, 2000).dir
	}
	var opts Options
	if w, err := strconv.Atoi(os.Getenv("REPOGUARD_BENCH_WORKERS")); err == nil {
		opts.Workers = w
	}
	if s, err := strconv.ParseInt(os.Getenv("REPOGUARD_BENCH_CACHE_MB"), 10, 64); err == nil {
		opts.CacheSize = s << 20
	}
	var commits, files, lines int
	for b.Loop() {
		commits, files, lines = 0, 0, 0
		repo, err := Open(dir, opts)
		if err != nil {
			b.Fatal(err)
		}
		err = repo.Walk(context.Background(), WalkOptions{}, func(c *guard.Commit) error {
			commits++
			files += len(c.Files)
			for _, f := range c.Files {
				lines += f.Added + f.Deleted
			}
			return nil
		})
		repo.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(commits), "commits/op")
	b.ReportMetric(float64(files), "files/op")
	b.ReportMetric(float64(lines), "lines/op")
}
