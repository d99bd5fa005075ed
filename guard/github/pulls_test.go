package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/github/githubtest"
)

func commits(n int) []githubtest.Commit {
	out := make([]githubtest.Commit, n)
	for i := range out {
		out[i] = githubtest.Commit{SHA: fmt.Sprintf("%040d", i), AuthorLogin: "mallory", AuthorEmail: "m@acme.test", CommitterLogin: "web-flow"}
	}
	return out
}

func TestPullRequest(t *testing.T) {
	s := githubtest.NewServer(t)
	s.AddPullRequest("acme", "vault", githubtest.PullRequest{
		Number: 7, Author: "mallory", HeadSHA: "head1", HeadRef: "feat", HeadRepo: "mallory/vault",
		BaseSHA: "base1", BaseRef: "main", Draft: true, Commits: commits(2),
	})
	c := newTestClient(t, s)
	pr, err := c.PullRequest(context.Background(), "acme", "vault", 7)
	if err != nil {
		t.Fatal(err)
	}
	want := PullRequest{Number: 7, Author: "mallory", HeadSHA: "head1", HeadRef: "feat", HeadRepo: "mallory/vault",
		BaseSHA: "base1", BaseRef: "main", Draft: true, State: "open", Commits: 2,
		CloneURL: s.URL + "/acme/vault.git", HTMLURL: s.URL + "/acme/vault/pull/7"}
	if *pr != want {
		t.Errorf("PullRequest =\n%+v\nwant\n%+v", *pr, want)
	}
	_, err = c.PullRequest(context.Background(), "acme", "vault", 9)
	if !IsNotFound(err) || !strings.Contains(err.Error(), "get pull request acme/vault#9") {
		t.Errorf("missing pull request: %v", err)
	}
}

// TestPullRequestsForCommit: the pull requests whose head is a commit or
// that contain it, open and closed, across pages.
func TestPullRequestsForCommit(t *testing.T) {
	s := githubtest.NewServer(t)
	shared := strings.Repeat("a", 40)
	for n := 1; n <= 105; n++ {
		head := fmt.Sprintf("%040d", n)
		if n%2 == 1 {
			head = shared
		}
		state := "open"
		if n == 3 {
			state = "closed"
		}
		s.AddPullRequest("acme", "vault", githubtest.PullRequest{Number: n, Title: fmt.Sprint("Change ", n), Author: "alice",
			HeadSHA: head, BaseRef: "main", State: state})
	}
	s.AddPullRequest("acme", "vault", githubtest.PullRequest{Number: 200, HeadSHA: "other", Commits: []githubtest.Commit{{SHA: shared}}})
	s.AddPullRequest("acme", "other", githubtest.PullRequest{Number: 1, HeadSHA: shared})
	got, err := newTestClient(t, s).PullRequestsForCommit(context.Background(), "acme", "vault", shared)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, p := range got {
		numbers = append(numbers, p.Number)
	}
	if len(got) != 54 || numbers[0] != 1 || numbers[52] != 105 || numbers[53] != 200 {
		t.Fatalf("pull requests %v, want the 53 odd ones and 200", numbers)
	}
	if p := got[1]; p.Number != 3 || p.State != "closed" || p.HeadSHA != shared || p.Title != "Change 3" || p.BaseRef != "main" {
		t.Errorf("second = %+v, want #3 closed with its head, title and base", p)
	}
	s.FailNext("GET", "/repos/acme/vault/commits/"+shared+"/pulls", 404, 1, nil)
	if _, err := newTestClient(t, s).PullRequestsForCommit(context.Background(), "acme", "vault", shared); !IsNotFound(err) ||
		!strings.Contains(err.Error(), "list pull requests of acme/vault@aaaaaaaaaa") {
		t.Errorf("refused: %v", err)
	}
}

func TestPullRequestCommits(t *testing.T) {
	for _, tc := range []struct {
		n, want   int
		truncated bool
	}{{3, 3, false}, {250, 250, false}, {260, 250, true}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			s := githubtest.NewServer(t)
			cs := commits(tc.n)
			cs[0].AuthorLogin, cs[0].CommitterLogin, cs[0].CommitterName = "", "bob", "Bob"
			s.AddPullRequest("acme", "vault", githubtest.PullRequest{Number: 1, Commits: cs})
			got, err := newTestClient(t, s).PullRequestCommits(context.Background(), "acme", "vault", 1)
			if tc.truncated != errors.Is(err, ErrCommitsTruncated) || (!tc.truncated && err != nil) {
				t.Fatalf("err = %v, truncated want %v", err, tc.truncated)
			}
			if len(got) != tc.want {
				t.Fatalf("%d commits, want %d", len(got), tc.want)
			}
			first := PRCommit{SHA: cs[0].SHA, AuthorEmail: "m@acme.test", CommitterLogin: "bob", CommitterName: "Bob"}
			if got[0] != first || got[len(got)-1].SHA != cs[tc.want-1].SHA {
				t.Errorf("first = %+v, want %+v", got[0], first)
			}
		})
	}
}

func TestReviewsPagination(t *testing.T) {
	s := githubtest.NewServer(t)
	s.AddPullRequest("acme", "vault", githubtest.PullRequest{Number: 4})
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range 130 {
		s.AddReview("acme", "vault", 4, githubtest.Review{User: fmt.Sprintf("u%d", i), State: "COMMENTED", CommitID: "h", SubmittedAt: at})
	}
	s.AddReview("acme", "vault", 4, githubtest.Review{User: "dependabot[bot]", UserType: "Bot", State: "APPROVED", CommitID: "h2"})
	rs, err := newTestClient(t, s).Reviews(context.Background(), "acme", "vault", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 131 {
		t.Fatalf("%d reviews, want 131", len(rs))
	}
	for i, r := range rs[:130] {
		if r.User != fmt.Sprintf("u%d", i) || r.UserType != "User" || !r.SubmittedAt.Equal(at) || r.ID == 0 {
			t.Fatalf("review %d = %+v", i, r)
		}
	}
	if last := rs[130]; last.UserType != "Bot" || last.State != "APPROVED" || last.CommitID != "h2" {
		t.Errorf("last = %+v", last)
	}
	if n := count(s, "GET", "/repos/acme/vault/pulls/4/reviews"); n != 2 {
		t.Errorf("%d pages fetched, want 2", n)
	}
}

func TestIsTeamMember(t *testing.T) {
	s := githubtest.NewServer(t)
	s.SetTeamMember("acme", "security", "alice", "active")
	s.SetTeamMember("acme", "security", "bob", "pending")
	c := newTestClient(t, s)
	for login, want := range map[string]bool{"alice": true, "bob": false, "mallory": false} {
		got, err := c.IsTeamMember(context.Background(), "acme", "security", login)
		if err != nil || got != want {
			t.Errorf("IsTeamMember(%s) = %v, %v; want %v", login, got, err, want)
		}
	}
}

func TestIsTeamMemberConcurrent(t *testing.T) {
	s := githubtest.NewServer(t)
	setupMember(s)
	c := newTestClient(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := isMember(c); err != nil || !ok {
				errs <- fmt.Errorf("%v, %v", ok, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := s.Tokens(); n != 1 {
		t.Errorf("%d tokens issued for concurrent calls, want 1", n)
	}
}

func TestFileContent(t *testing.T) {
	s := githubtest.NewServer(t)
	policy := []byte("categories:\n  - name: keys\n    paths: ['**/*.pem']\n" + strings.Repeat("# padding\n", 20))
	s.SetFile("acme", ".github", "", ".github/repoguard.yml", policy)
	s.SetFile("acme", "vault", "release", "deploy/run.sh", []byte("#!/bin/sh\n"))
	c := newTestClient(t, s)
	ctx := context.Background()

	got, found, err := c.FileContent(ctx, "acme", ".github", "", ".github/repoguard.yml")
	if err != nil || !found || string(got) != string(policy) {
		t.Errorf("policy = %q, %v, %v", got, found, err)
	}
	got, found, err = c.FileContent(ctx, "acme", "vault", "release", "deploy/run.sh")
	if err != nil || !found || string(got) != "#!/bin/sh\n" {
		t.Errorf("file at ref = %q, %v, %v", got, found, err)
	}
	for _, tc := range [][3]string{
		{"vault", "", "deploy/run.sh"},           // wrong ref
		{"vault", "release", "missing.txt"},      // no such file
		{"nowhere", "", ".github/repoguard.yml"}, // no such repository
	} {
		got, found, err := c.FileContent(ctx, "acme", tc[0], tc[1], tc[2])
		if err != nil || found || got != nil {
			t.Errorf("FileContent(%v) = %q, %v, %v; want not found", tc, got, found, err)
		}
	}
	if _, _, err := c.FileContent(ctx, "acme", "vault", "release", "deploy"); err == nil || !strings.Contains(err.Error(), "not a file") {
		t.Errorf("directory: %v", err)
	}
}
