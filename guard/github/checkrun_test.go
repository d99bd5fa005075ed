package github

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/repoguard/repoguard/guard/github/githubtest"
)

const sha = "0123456789abcdef0123456789abcdef01234567"

func annotations(n int) []Annotation {
	out := make([]Annotation, n)
	for i := range out {
		out[i] = Annotation{Path: fmt.Sprintf("contracts/Vault%d.sol", i), StartLine: i + 1, Level: LevelWarning, Message: fmt.Sprintf("finding %d", i)}
	}
	return out
}

// updatesOf renders a run's writes compactly: "POST in_progress 50".
func updatesOf(cr githubtest.CheckRun) []string {
	var out []string
	for _, u := range cr.Updates {
		out = append(out, strings.Join(strings.Fields(fmt.Sprintf("%s %s %s %d", u.Method, u.Status, u.Conclusion, u.Annotations)), " "))
	}
	return out
}

func TestCheckRunCompleteWith120Annotations(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	ctx := context.Background()

	id, err := c.CreateCheckRun(ctx, "acme", "vault", CheckRun{HeadSHA: sha, Status: StatusInProgress, Title: "Judging", Summary: "Working…"})
	if err != nil {
		t.Fatalf("CreateCheckRun: %v", err)
	}
	err = c.UpdateCheckRun(ctx, "acme", "vault", id, CheckRun{
		Conclusion:  ConclusionActionRequired,
		Title:       "Second reviewer required",
		Summary:     "3 findings",
		Annotations: annotations(120),
	})
	if err != nil {
		t.Fatalf("UpdateCheckRun: %v", err)
	}
	cr, ok := s.CheckRun(id)
	if !ok {
		t.Fatal("check run not on the server")
	}
	if cr.Name != CheckName || cr.Status != "completed" || cr.Conclusion != "action_required" || cr.Title != "Second reviewer required" {
		t.Errorf("run = %s %s %s %q", cr.Name, cr.Status, cr.Conclusion, cr.Title)
	}
	if len(cr.Annotations) != 120 {
		t.Fatalf("%d annotations, want 120", len(cr.Annotations))
	}
	for i, a := range cr.Annotations {
		if a.Message != fmt.Sprintf("finding %d", i) || a.EndLine != a.StartLine || a.Level != "warning" {
			t.Fatalf("annotation %d = %+v", i, a)
		}
	}
	want := []string{"POST in_progress 0", "PATCH in_progress 50", "PATCH 50", "PATCH completed action_required 20"}
	if got := updatesOf(cr); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("writes = %q\nwant     %q", got, want)
	}
}

func TestCreateCompletedCheckRunBatches(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	id, err := c.CreateCheckRun(context.Background(), "acme", "vault", CheckRun{
		HeadSHA: sha, Conclusion: ConclusionFailure, Title: "Blocked", Summary: "key material", Annotations: annotations(101),
	})
	if err != nil {
		t.Fatalf("CreateCheckRun: %v", err)
	}
	cr, _ := s.CheckRun(id)
	want := []string{"POST in_progress 50", "PATCH 50", "PATCH completed failure 1"}
	if got := updatesOf(cr); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("writes = %q, want %q", got, want)
	}
	if len(cr.Annotations) != 101 || cr.Conclusion != "failure" {
		t.Errorf("%d annotations, conclusion %q", len(cr.Annotations), cr.Conclusion)
	}
}

func TestCheckRunSingleRequest(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	id, err := c.CreateCheckRun(context.Background(), "acme", "vault", CheckRun{
		HeadSHA: sha, Conclusion: ConclusionSuccess, Title: "OK", Summary: "nothing sensitive",
		DetailsURL: "https://repoguard.example/r/1", ExternalID: "job-1",
		Annotations: annotations(50),
		Actions:     []Action{{Label: "Re-judge", Description: "Run repoguard again", Identifier: "rejudge"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cr, _ := s.CheckRun(id)
	if got := updatesOf(cr); fmt.Sprint(got) != "[POST completed success 50]" {
		t.Errorf("writes = %q", got)
	}
	if cr.DetailsURL != "https://repoguard.example/r/1" || cr.ExternalID != "job-1" || len(cr.Actions) != 1 {
		t.Errorf("run = %+v", cr)
	}
}

func TestCheckRunInvalid(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	ctx := context.Background()
	tests := map[string]CheckRun{
		"no head sha":           {Status: StatusQueued},
		"completed, no outcome": {HeadSHA: sha, Status: StatusCompleted},
		"annotations, no title": {HeadSHA: sha, Annotations: annotations(1)},
		"annotation no message": {HeadSHA: sha, Title: "t", Summary: "s", Annotations: []Annotation{{Path: "a", StartLine: 1}}},
	}
	for name, cr := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := c.CreateCheckRun(ctx, "acme", "vault", cr)
			if err == nil || !strings.HasPrefix(err.Error(), "create check run for acme/vault@") {
				t.Errorf("err = %v", err)
			}
		})
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid check runs", n)
	}
	err := c.UpdateCheckRun(ctx, "acme", "vault", 999, CheckRun{Status: StatusInProgress})
	if !IsNotFound(err) || !strings.Contains(err.Error(), "update check run 999 in acme/vault") {
		t.Errorf("update of a missing run: %v", err)
	}
}

func TestFindCheckRun(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	ctx := context.Background()
	if _, found, err := c.FindCheckRun(ctx, "acme", "vault", sha, CheckName); err != nil || found {
		t.Fatalf("FindCheckRun on a fresh commit = %v, %v", found, err)
	}
	first, _ := c.CreateCheckRun(ctx, "acme", "vault", CheckRun{HeadSHA: sha})
	second, _ := c.CreateCheckRun(ctx, "acme", "vault", CheckRun{HeadSHA: sha})
	_, _ = c.CreateCheckRun(ctx, "acme", "vault", CheckRun{HeadSHA: sha, Name: "other"})
	id, found, err := c.FindCheckRun(ctx, "acme", "vault", sha, CheckName)
	if err != nil || !found || id != second || id == first {
		t.Errorf("FindCheckRun = %d, %v, %v; want %d", id, found, err, second)
	}
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/check-runs") && r.Method == "GET" && !strings.Contains(r.Query, fmt.Sprintf("app_id=%d", s.AppID)) {
			t.Errorf("list without app_id filter: %q", r.Query)
		}
	}
}

func TestCheckRunRetried502(t *testing.T) {
	s := githubtest.NewServer(t)
	m := &recorder{}
	c := newTestApp(t, s, RetryConfig{}, m).Installation(testInstallation)
	s.FailNext("POST", "/repos/acme/vault/check-runs", 502, 1, nil)
	id, err := c.CreateCheckRun(context.Background(), "acme", "vault", CheckRun{HeadSHA: sha, Title: "t", Summary: "s", Annotations: annotations(3)})
	if err != nil {
		t.Fatalf("CreateCheckRun after a 502: %v", err)
	}
	if n := count(s, "POST", "/repos/acme/vault/check-runs"); n != 2 {
		t.Errorf("%d POSTs, want 2", n)
	}
	if runs := s.CheckRuns(); len(runs) != 1 || runs[0].ID != id || len(runs[0].Annotations) != 3 {
		t.Errorf("runs = %+v", runs)
	}
	if fmt.Sprint(m.retries) != "[POST /repos/:owner/:repo/check-runs server_error]" {
		t.Errorf("retries = %q", m.retries)
	}
}

func TestSummaryTruncation(t *testing.T) {
	s := githubtest.NewServer(t)
	c := newTestClient(t, s)
	// 1 + 3*30000 bytes: every cut point but one falls inside a rune.
	summary := "x```go\n" + strings.Repeat("€", 30000)
	id, err := c.CreateCheckRun(context.Background(), "acme", "vault", CheckRun{HeadSHA: sha, Title: "t", Summary: summary, Text: summary})
	if err != nil {
		t.Fatalf("CreateCheckRun with a long summary: %v", err)
	}
	cr, _ := s.CheckRun(id)
	for _, got := range []string{cr.Summary, cr.Text} {
		if len(got) > MaxOutputLen || !utf8.ValidString(got) {
			t.Fatalf("stored %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
		}
		if !strings.Contains(got, "truncated") || !strings.Contains(got, "\n```\n") {
			t.Errorf("no note or unclosed fence: %q", got[len(got)-120:])
		}
	}
}

func TestTruncateOutput(t *testing.T) {
	for _, tc := range []struct {
		in  string
		max int
	}{
		{"short", 100},
		{strings.Repeat("é", 200), 150},
		{strings.Repeat("😀", 100), 151},
		{"a" + strings.Repeat("€", 100), 120},
	} {
		got := truncateOutput(tc.in, tc.max)
		if len(got) > tc.max || !utf8.ValidString(got) {
			t.Errorf("truncateOutput(%d bytes, %d) = %d bytes, valid %v", len(tc.in), tc.max, len(got), utf8.ValidString(got))
		}
		if len(tc.in) <= tc.max && got != tc.in {
			t.Errorf("short input changed: %q", got)
		}
	}
	if got := cutUTF8("ab€", 4, ""); got != "ab" {
		t.Errorf("cutUTF8 = %q", got)
	}
}

func TestCheckRunAnnotationsCut(t *testing.T) {
	a, err := Annotation{Path: "p", StartLine: 3, Title: strings.Repeat("ü", 200), Message: strings.Repeat("m", 70000)}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Title) > 255 || !utf8.ValidString(a.Title) || len(a.Message) >= 64<<10 || a.Level != LevelNotice || a.EndLine != 3 {
		t.Errorf("normalize: title %d bytes, message %d bytes, level %q, end %d", len(a.Title), len(a.Message), a.Level, a.EndLine)
	}
}
