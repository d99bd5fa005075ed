package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/gitrepo/gittest"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// scripted builds a repository from commits with explicit identities and
// dates, through git fast-import (fast and exact).
type scripted struct {
	repo *gittest.Repo
	im   gittest.Import
	n    int // commits added
}

type scriptCommit struct {
	name, email       string
	when              time.Time
	committer, cemail string
	cwhen             time.Time
	branch            string
	merge             string // a branch to merge as second parent
	msg               string // default "change N"
	files             map[string]string
}

func newScripted(t *testing.T) *scripted {
	return &scripted{repo: gittest.Init(t, "")}
}

func (s *scripted) add(c scriptCommit) {
	if c.branch == "" {
		c.branch = "main"
	}
	s.n++
	gc := gittest.Commit{Ref: "refs/heads/" + c.branch, Message: c.msg,
		Author: gittest.Signature{Name: c.name, Email: c.email, When: c.when}}
	if c.committer != "" {
		gc.Committer = gittest.Signature{Name: c.committer, Email: c.cemail, When: c.cwhen}
	}
	if gc.Message == "" {
		gc.Message = fmt.Sprintf("change %d", s.n)
	}
	if c.merge != "" {
		gc.Merge = "refs/heads/" + c.merge
	}
	for _, p := range slices.Sorted(maps.Keys(c.files)) {
		gc.Files = append(gc.Files, gittest.File{Path: p, Content: c.files[p]})
	}
	s.im.Add(gc)
}

// build runs fast-import, checks out main and returns the repository
// path.
func (s *scripted) build() string {
	s.repo.Import(&s.im)
	s.repo.Git("checkout", "-q", "main")
	return s.repo.Dir
}

// ordinaryHistory scripts two authors with regular habits: alice works
// 09:00-17:00 at +02:00 on weekdays in src/, bob 10:00-18:00 at -05:00 in
// web/, and a feature branch merged midway so that the history interleaves.
func ordinaryHistory(s *scripted, n int) time.Time {
	cet := time.FixedZone("", 2*3600)
	est := time.FixedZone("", -5*3600)
	day := time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC) // a Monday
	var last time.Time
	for i := 0; i < n; i++ {
		d := day.AddDate(0, 0, (i/2)%5+7*(i/10))
		if i%2 == 0 {
			last = time.Date(d.Year(), d.Month(), d.Day(), 9+i%8, 15, 0, 0, cet)
			s.add(scriptCommit{name: "Alice", email: "alice@acme.io", when: last,
				files: map[string]string{"src/app.go": fmt.Sprintf("package app\n// v%d\n", i)}})
		} else {
			last = time.Date(d.Year(), d.Month(), d.Day(), 10+i%8, 40, 0, 0, est)
			branch := "main"
			if i > n/2 && i < n/2+8 {
				branch = "feature"
				if i == n/2+1 {
					s.im.Reset("refs/heads/feature", "refs/heads/main")
				}
			}
			s.add(scriptCommit{name: "Bob", email: "bob@acme.io", when: last, branch: branch,
				files: map[string]string{"web/index.js": fmt.Sprintf("// v%d\n", i)}})
		}
		if i == n/2+10 {
			last = last.Add(time.Hour)
			s.add(scriptCommit{name: "Alice", email: "alice@acme.io", when: last, merge: "feature",
				files: map[string]string{"src/merge.go": "package app\n"}})
		}
	}
	return last
}

func TestBackfillIncremental(t *testing.T) {
	s := newScripted(t)
	ordinaryHistory(s, 60)
	dir := s.build()
	db := filepath.Join(t.TempDir(), "rg.db")
	code, out, stderr := runCmd(t, "backfill", "--db", db, dir)
	if code != exitOK || !strings.Contains(out, "learned 61 commits") {
		t.Fatalf("backfill: code %d, out %q, stderr %q", code, out, stderr)
	}
	code, out, _ = runCmd(t, "backfill", "--db", db, dir)
	if code != exitOK || !strings.Contains(out, "up to date") {
		t.Fatalf("second backfill: code %d, out %q", code, out)
	}
	org := profileOf(t, db, "", guard.OrgKey)
	if org.Commits != 61 {
		t.Errorf("org profile has %d commits, want 61", org.Commits)
	}
	alice := profileOf(t, db, "", "alice@acme.io")
	if alice.AuthorZones[2*3600] == 0 || alice.Dirs["src"] == 0 || alice.Dirs["web"] != 0 {
		t.Errorf("alice's profile: zones %v dirs %v", alice.AuthorZones, alice.Dirs)
	}
}

func profileOf(t *testing.T, path, repo, key string) *guard.Profile {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.LoadProfile(context.Background(), repo, key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBackfillResumeMatchesUninterrupted interrupts a backfill of an
// interleaved history part-way, resumes it, and checks the profiles equal
// those of a run that was never interrupted.
func TestBackfillResumeMatchesUninterrupted(t *testing.T) {
	s := newScripted(t)
	ordinaryHistory(s, 80)
	dir := s.build()
	whole := filepath.Join(t.TempDir(), "whole.db")
	if code, _, stderr := runCmd(t, "backfill", "--db", whole, dir); code != exitOK {
		t.Fatal(stderr)
	}

	broken := filepath.Join(t.TempDir(), "broken.db")
	errStop := errors.New("killed")
	for _, stopAt := range []int{37, 12} {
		db, err := sqlite.Open(context.Background(), broken)
		if err != nil {
			t.Fatal(err)
		}
		repo, err := gitrepo.Open(dir, gitrepo.Options{})
		if err != nil {
			t.Fatal(err)
		}
		learner := sqlite.NewLearner(db)
		learner.BatchSize = 5
		w, tip, err := newLearning(context.Background(), learner, repo, "", "HEAD", "")
		if err != nil {
			t.Fatal(err)
		}
		_, segs, err := planLearning(context.Background(), learner, w, repo, tip)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		w.Judge = func(*guard.Commit, *guard.Judgement, error) error {
			if n++; n == stopAt {
				return errStop
			}
			return nil
		}
		_, err = w.Run(context.Background(), segs)
		if !errors.Is(err, errStop) {
			t.Fatalf("run: %v", err)
		}
		repo.Close()
		db.Close()
	}
	if code, out, stderr := runCmd(t, "backfill", "--db", broken, dir); code != exitOK || !strings.Contains(out, "learned") {
		t.Fatalf("resume: %d %s %s", code, out, stderr)
	}
	for _, key := range []string{guard.OrgKey, "alice@acme.io", "bob@acme.io"} {
		a, _ := json.Marshal(profileOf(t, whole, "", key))
		b, _ := json.Marshal(profileOf(t, broken, "", key))
		if string(a) != string(b) {
			t.Errorf("profile %s differs after resume:\nwhole  %s\nresume %s", key, a, b)
		}
	}
}

// TestScanBehaviour shows the behaviour detectors firing on anomalous
// commits, each judged against the baseline built from the history before
// it, and staying quiet on the ordinary history around them.
func TestScanBehaviour(t *testing.T) {
	s := newScripted(t)
	last := ordinaryHistory(s, 240)
	cet := time.FixedZone("", 2*3600)
	est := time.FixedZone("", -5*3600)
	tokyo := time.FixedZone("", 9*3600)
	day := func(n, hour int, loc *time.Location) time.Time {
		d := last.AddDate(0, 0, n)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 10, 0, 0, loc)
	}
	// Alice, at 03:10 UTC from a new time zone, first touches the keys.
	s.add(scriptCommit{name: "Alice", email: "alice@acme.io", when: day(1, 12, tokyo), msg: "anomalous: night",
		files: map[string]string{"src/signer/hsm_client.go": "package signer\n"}})
	// A newcomer changes the CI.
	s.add(scriptCommit{name: "Mallory", email: "mallory@acme.io", when: day(1, 14, cet), msg: "anomalous: newcomer",
		files: map[string]string{".github/workflows/ci.yml": "on: push\n"}})
	// Alice, at her usual hour, commits 3,000 lines.
	s.add(scriptCommit{name: "Alice", email: "alice@acme.io", when: day(2, 11, cet), msg: "anomalous: huge",
		files: map[string]string{"src/big.go": strings.Repeat("var x = 1\n", 3000)}})
	// Alice commits something authored "a month ago".
	s.add(scriptCommit{name: "Alice", email: "alice@acme.io", when: day(-27, 11, cet), committer: "Alice",
		cemail: "alice@acme.io", cwhen: day(3, 11, cet), msg: "anomalous: backdated",
		files: map[string]string{"src/app.go": "package app\n// backdated\n"}})
	// Bob, silent for 200 days, returns to change the deploy scripts.
	s.add(scriptCommit{name: "Bob", email: "bob@acme.io", when: day(200, 11, est), msg: "anomalous: dormant",
		files: map[string]string{"deploy/prod.sh": "#!/bin/sh\nkubectl apply -f k8s/\n"}})
	dir := s.build()
	db := filepath.Join(t.TempDir(), "rg.db")
	code, out, stderr := runCmd(t, "scan", "--db", db, "--format", "json", "--fail-on", "none", dir)
	if code != exitOK {
		t.Fatalf("code %d: %s", code, stderr)
	}
	var rep struct {
		Results []struct {
			Author   struct{ Email string } `json:"author"`
			Subject  string                 `json:"subject"`
			Findings []guard.Finding        `json:"findings"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	var ordinary []string
	for _, r := range rep.Results {
		for _, f := range r.Findings {
			if f.Detector == "sensitive-path" || f.Severity < guard.Low {
				continue
			}
			got[r.Subject+" "+f.Detector] = true
			if !strings.HasPrefix(r.Subject, "anomalous:") && f.Severity >= guard.Medium {
				ordinary = append(ordinary, r.Subject+" "+f.Detector+": "+f.Message)
			}
		}
	}
	for _, want := range []string{
		"anomalous: night timezone-change", "anomalous: night unusual-time", "anomalous: night first-touch-sensitive",
		"anomalous: newcomer new-author-sensitive",
		"anomalous: huge size-outlier",
		"anomalous: backdated identity-mismatch",
		"anomalous: dormant dormant-reactivation",
	} {
		if !got[want] {
			t.Errorf("no finding %q; got %v", want, got)
		}
	}
	// 241 ordinary commits: under 1% may be flagged at medium or above.
	if len(ordinary) > 2 {
		t.Errorf("%d medium+ findings on ordinary commits:\n%s", len(ordinary), strings.Join(ordinary, "\n"))
	}
	// A second scan learns nothing new and reports the same findings: the
	// judgements made by the first are kept, whatever the output format.
	for _, format := range []string{"json", "sarif"} {
		_, first, _ := runCmd(t, "scan", "--db", filepath.Join(t.TempDir(), "fresh.db"), "--format", format, "--fail-on", "none", dir)
		code, again, stderr := runCmd(t, "scan", "--db", db, "--format", format, "--fail-on", "none", dir)
		if code != exitOK {
			t.Fatalf("second scan: code %d: %s", code, stderr)
		}
		if a, b := resultsOf(t, format, first), resultsOf(t, format, again); a != b {
			t.Errorf("%s: a rescan reports other findings than a first scan:\nfirst  %s\nrescan %s", format, a, b)
		}
	}
	if !strings.Contains(out, "unusual-time") {
		t.Errorf("first scan lacks the behaviour findings")
	}
}

// resultsOf returns the results of a scan's JSON or SARIF output,
// re-encoded, to compare two scans.
func resultsOf(t *testing.T, format, out string) string {
	t.Helper()
	var doc struct {
		Results json.RawMessage `json:"results"`
		Runs    []struct {
			Results json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	r := doc.Results
	if format == "sarif" && len(doc.Runs) > 0 {
		r = doc.Runs[0].Results
	}
	if len(r) < 10 {
		t.Fatalf("%s: no results in %s", format, out)
	}
	return string(r)
}

func TestStoreBadInput(t *testing.T) {
	r, _ := repoWithKey(t)
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not a database ", 100)), 0o600)
	newer := filepath.Join(dir, "newer.db")
	db, err := sqlite.Open(context.Background(), newer)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, _ := os.ReadFile(newer)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"corrupt database": {[]string{"scan", "--db", junk, r.dir}, "not a database"},
		"newer schema":     {[]string{"backfill", "--db", newer, r.dir}, "newer"},
	} {
		code, _, stderr := runCmd(t, tc.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitError || len(lines) != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: code %d, stderr %q", name, code, stderr)
		}
	}
	if after, _ := os.ReadFile(newer); string(after) != string(before) {
		t.Error("the newer-schema database was modified")
	}
}

// TestScanRecordsAnomalies: what a scan finds at or above the policy's
// queue severity lands in the anomaly queue, once per finding however
// often the history is scanned.
func TestScanRecordsAnomalies(t *testing.T) {
	r, _ := repoWithKey(t)
	db := filepath.Join(t.TempDir(), "rg.db")
	for range 2 {
		if code, _, stderr := runCmd(t, "scan", "--db", db, "--fail-on", "none", r.dir); code != exitOK {
			t.Fatalf("scan: %s", stderr)
		}
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	as, total, err := store.Anomalies(context.Background(), guard.AnomalyFilter{Detector: "key-material"})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || as[0].Path != "deploy/keys/prod.pem" || as[0].Status != guard.StatusOpen || as[0].AuthorEmail != "alice@example.com" {
		t.Fatalf("anomalies %+v (total %d), want one open key-material anomaly", as, total)
	}
	if as[0].Seen != 2 {
		t.Errorf("seen %d times, want 2 (two scans merge into one anomaly)", as[0].Seen)
	}
	low, _, _ := store.Anomalies(context.Background(), guard.AnomalyFilter{Detector: "sensitive-path"})
	for _, a := range low {
		if a.Severity < guard.Medium {
			t.Errorf("a %s finding below the queue severity was queued: %+v", a.Severity, a)
		}
	}
}
