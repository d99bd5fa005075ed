package sqlite_test

import (
	"context"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// TestJudgedWithoutQueries: a Sole Learner that found no judgement of a
// repository in the database answers for the commits it did not keep
// without asking the database (checked by closing it: a query would
// fail), and still returns those it kept and wrote; a Learner that finds
// judgements stored asks for each commit.
func TestJudgedWithoutQueries(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	l.Sole = true
	want := &guard.Judgement{Events: []string{"new-path"}, Score: 3.5, Threshold: 7}
	if j, err := l.Judged(ctx, "repo", "c1"); err != nil || j != nil {
		t.Fatalf("empty database: %v, %v", j, err)
	}
	l.Keep("repo", "c1", want)
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sha  string
		want float64 // score; 0 for none
	}{{"c1", 3.5}, {"c2", 0}} {
		j, err := l.Judged(ctx, "repo", tc.sha)
		if err != nil || (j == nil) != (tc.want == 0) || j != nil && j.Score != tc.want {
			t.Fatalf("%s: %+v, %v; want score %v", tc.sha, j, err, tc.want)
		}
	}

	// Another Learner finds repo's judgement stored: it asks.
	other := sqlite.NewLearner(db)
	if j, err := other.Judged(ctx, "repo", "c1"); err != nil || j == nil || j.Score != 3.5 {
		t.Fatalf("other learner, c1: %+v, %v", j, err)
	}
	// The first knows repo holds only what it wrote: no query for c3.
	if err := db.SQL().Close(); err != nil {
		t.Fatal(err)
	}
	if j, err := l.Judged(ctx, "repo", "c3"); err != nil || j != nil {
		t.Errorf("c3 with the database closed: %+v, %v; want nil, nil", j, err)
	}
	if _, err := other.Judged(ctx, "repo", "c3"); err == nil {
		t.Error("other learner answered c3 with the database closed: it did not ask")
	}
}

// TestJudgedSharedDatabase: a Learner that is not the database's sole
// writer (a server, one of several replicas) finds the judgement another
// one stored after it first looked at the repository.
func TestJudgedSharedDatabase(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	replica := sqlite.NewLearner(db)
	if j, err := replica.Judged(ctx, "repo", "c1"); err != nil || j != nil {
		t.Fatalf("empty database: %v, %v", j, err)
	}
	other := sqlite.NewLearner(db)
	other.Keep("repo", "c1", &guard.Judgement{Score: 4.5})
	if err := other.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if j, err := replica.Judged(ctx, "repo", "c1"); err != nil || j == nil || j.Score != 4.5 {
		t.Errorf("after the other replica kept it: %+v, %v; want its judgement", j, err)
	}
}
