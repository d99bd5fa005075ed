package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

const repo = "acme/api"

// learnRange learns synthetic commits [from, to) in batches of batch,
// committing the cursor after each batch, and returns the Learner.
func learnRange(t testing.TB, db *sqlite.DB, from, to, batch int) *sqlite.Learner {
	t.Helper()
	ctx := context.Background()
	l := sqlite.NewLearner(db)
	l.BatchSize = batch
	for i := from; i < to; i++ {
		c, cats, login := synthCommit(i)
		if err := l.Learn(ctx, repo, c, cats, login, nil); err != nil {
			t.Fatal(err)
		}
		if l.Pending() >= batch {
			if err := l.Commit(ctx, guard.Cursor{Repo: repo, Ref: "main", Hash: c.Hash}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return l
}

// resumeIndex returns the index of the first commit after the cursor.
func resumeIndex(t testing.TB, db *sqlite.DB) int {
	t.Helper()
	cur, err := db.Cursor(context.Background(), repo, "main")
	h := cur.Hash
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if c, _, _ := synthCommit(i); h == "" || c.Hash == h {
			if h == "" {
				return 0
			}
			return i + 1
		}
	}
}

func TestProfileRoundtrip(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	want := guard.NewProfile("alice", repo)
	for i := range 50 {
		c, cats, _ := synthCommit(i)
		c.Author.Email = "alice@example.com"
		want.Learn(c, cats)
		if err := l.Learn(ctx, repo, c, cats, "alice", nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := db.LoadProfile(ctx, repo, "alice")
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("stored profile differs:\n got %s\nwant %s", gj, wj)
	}
	if empty, err := db.LoadProfile(ctx, "acme/other", "alice"); err != nil || empty.Commits != 0 || empty.Dirs == nil {
		t.Errorf("absent profile = %+v, %v; want empty", empty, err)
	}
}

func TestBatchCommitAndCursor(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := learnRange(t, db, 0, 250, 100)
	// 200 committed in two batches; 50 pending.
	if h, _ := db.Cursor(ctx, repo, "main"); h.Hash != mustHash(199) {
		t.Errorf("cursor = %q, want commit 199", h.Hash)
	}
	if p, _ := db.LoadProfile(ctx, "", guard.OrgKey); p.Commits != 200 {
		t.Errorf("stored org profile: %d commits, want 200", p.Commits)
	}
	if p, _ := l.Profile(ctx, "", guard.OrgKey); p.Commits != 250 {
		t.Errorf("learner org profile: %d commits, want 250", p.Commits)
	}
	if err := l.Commit(ctx, guard.Cursor{Repo: repo, Ref: "main", Hash: mustHash(249)}); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT commits FROM cursors WHERE repo = $1`, repo).Scan(&n); err != nil || n != 250 {
		t.Errorf("cursor count = %d, %v; want 250", n, err)
	}
	if h, _ := db.Cursor(ctx, repo, "dev"); h.Hash != "" {
		t.Errorf("cursor of an unknown ref = %q", h.Hash)
	}
}

// TestAdvancedCursors: Advance records a walk's cursor, which Cursor
// answers at once and the next Commit writes, whoever makes it: a Commit
// made by one walk writes how far every walk got, as it writes all they
// learned. A committed cursor is not written again.
func TestAdvancedCursors(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	for i, r := range []string{repo, "acme/web"} {
		c, cats, login := synthCommit(i)
		if err := l.Learn(ctx, r, c, cats, login, nil); err != nil {
			t.Fatal(err)
		}
		l.Advance(guard.Cursor{Repo: r, Ref: "main", Target: "tip", Done: i + 1})
	}
	if c, err := l.Cursor(ctx, "acme/web", "main"); err != nil || c.Done != 2 || c.Target != "tip" {
		t.Errorf("Cursor before Commit = %+v, %v; want the one advanced", c, err)
	}
	if c, _ := db.Cursor(ctx, "acme/web", "main"); c.Target != "" {
		t.Errorf("database cursor before Commit = %+v, want none", c)
	}
	if err := l.Commit(ctx, guard.Cursor{Repo: repo, Ref: "main", Hash: "h1"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []guard.Cursor{{Repo: repo, Ref: "main", Hash: "h1"}, {Repo: "acme/web", Ref: "main", Target: "tip", Done: 2}} {
		if got, err := db.Cursor(ctx, want.Repo, want.Ref); err != nil || got != want {
			t.Errorf("committed cursor = %+v, %v; want %+v", got, err, want)
		}
	}
	if _, err := db.SQL().Exec(`DELETE FROM cursors WHERE repo = $1`, "acme/web"); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := l.Cursor(ctx, "acme/web", "main"); c.Target != "" {
		t.Errorf("cursor written again by a later Commit: %+v", c)
	}
}

func mustHash(i int) string {
	c, _, _ := synthCommit(i)
	return c.Hash
}

func TestCrashResumeMatchesUninterrupted(t *testing.T) {
	const total, batch = 1000, 100
	whole := openDB(t)
	l := learnRange(t, whole, 0, total, batch)
	if l.Pending() != 0 {
		t.Fatalf("%d pending after an even number of batches", l.Pending())
	}

	crashed := openDB(t)
	learnRange(t, crashed, 0, 550, batch) // abandoned: 50 commits lost
	if got := resumeIndex(t, crashed); got != 500 {
		t.Fatalf("resume at %d, want 500", got)
	}
	crashed.Close()
	reopened := sqlite.NewDB(crashed.Path)
	reopened.Now = crashed.Now
	if err := reopened.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	learnRange(t, reopened, resumeIndex(t, reopened), total, batch)

	if id, _ := whole.Identity(context.Background(), "frank"); id == nil || len(id.Emails) != 1 {
		t.Errorf("frank's email was not merged into his login: %+v", id)
	}
	a, b := dump(t, whole), dump(t, reopened)
	if len(a) == 0 || !reflect.DeepEqual(a, b) {
		t.Errorf("resumed database differs from the uninterrupted one (%d vs %d rows)", len(a), len(b))
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Errorf("first difference:\n%s\n%s", a[i], b[i])
				break
			}
		}
	}
}

func TestJudgeThenLearnBaseline(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := sqlite.NewLearner(db)
	for i := range 20 {
		c := commitBy("Bob", "bob@example.com", i)
		key, err := l.ResolveIdentity(ctx, "", c.Author.Email)
		if err != nil {
			t.Fatal(err)
		}
		b, err := l.Baseline(ctx, repo, key, c.Author.Email)
		if err != nil {
			t.Fatal(err)
		}
		if b.Author.Commits != i || b.AuthorAll.Commits != i || b.Org.Commits != i {
			t.Fatalf("commit %d: baseline has %d/%d/%d commits", i, b.Author.Commits, b.AuthorAll.Commits, b.Org.Commits)
		}
		if (b.Identity == nil) != (i == 0) {
			t.Fatalf("commit %d: identity %+v", i, b.Identity)
		}
		if err := l.Learn(ctx, repo, c, nil, "", nil); err != nil {
			t.Fatal(err)
		}
		if i == 9 {
			if err := l.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := db.Baseline(ctx, repo, "bob@example.com", "bob@example.com")
	if err != nil || b.Author.Commits != 10 {
		t.Fatalf("stored baseline: %v", err)
	}
}

// TestBaselineRepoProfile: a baseline's Repo is everyone's profile in
// its repository, Org everyone's in the organization.
func TestBaselineRepoProfile(t *testing.T) {
	ctx := context.Background()
	l := sqlite.NewLearner(openDB(t))
	for i := range 5 {
		r := repo
		if i >= 3 {
			r = "acme/other"
		}
		if err := l.Learn(ctx, r, commitBy("Bob", "bob@example.com", i), nil, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	b, err := l.Baseline(ctx, repo, "carol@example.com", "carol@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if b.Repo == nil || b.Repo.Commits != 3 || b.Org.Commits != 5 || b.Author.Commits != 0 {
		t.Fatalf("repo %+v, org %d, author %d commits; want 3, 5, 0", b.Repo, b.Org.Commits, b.Author.Commits)
	}
}

// BenchmarkLearn learns synthetic commits, committing every 5,000; the
// judge sub-benchmark also fetches each commit's baseline first, as a
// scan does.
func BenchmarkLearn(b *testing.B) {
	for _, judge := range []bool{false, true} {
		name := "learn"
		if judge {
			name = "judge-then-learn"
		}
		b.Run(name, func(b *testing.B) { benchLearn(b, judge) })
	}
}

func benchLearn(b *testing.B, judge bool) {
	ctx := context.Background()
	db := openDB(b)
	l := sqlite.NewLearner(db)
	commits := make([]*guard.Commit, 4096)
	cats := make([][][]string, len(commits))
	logins := make([]string, len(commits))
	for i := range commits {
		commits[i], cats[i], logins[i] = synthCommit(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := i % len(commits)
		c := commits[j]
		if judge {
			key, err := l.ResolveIdentity(ctx, logins[j], c.Author.Email)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := l.Baseline(ctx, repo, key, c.Author.Email); err != nil {
				b.Fatal(err)
			}
		}
		if err := l.Learn(ctx, repo, c, cats[j], logins[j], nil); err != nil {
			b.Fatal(err)
		}
		if l.Pending() >= 5000 {
			if err := l.Commit(ctx, guard.Cursor{Repo: repo, Ref: "main", Hash: c.Hash}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := l.Commit(ctx, guard.Cursor{Repo: repo, Ref: "main", Hash: "end"}); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

// BenchmarkLearnManyAuthors learns commits of 5,000 authors over 20
// repositories, committing every 5,000 commits, as a large backfill does.
func BenchmarkLearnManyAuthors(b *testing.B) {
	ctx := context.Background()
	db := openDB(b)
	l := sqlite.NewLearner(db)
	base, cats, _ := synthCommit(0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		c := *base
		c.Author.Email = fmt.Sprintf("dev%d@example.com", (i*7919)%5000)
		c.Author.When = base.Author.When.Add(time.Duration(i) * time.Minute)
		r := fmt.Sprintf("acme/r%d", i%20)
		if err := l.Learn(ctx, r, &c, cats, "", nil); err != nil {
			b.Fatal(err)
		}
		if l.Pending() >= 5000 {
			if err := l.Commit(ctx, guard.Cursor{Repo: r, Ref: "main", Hash: c.Hash}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := l.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
