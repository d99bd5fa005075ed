package githubtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// PullRequest sets up a pull request. Empty State is "open"; empty
// HeadRepo is the base repository.
type PullRequest struct {
	Number   int
	Title    string
	Author   string
	HeadSHA  string
	HeadRef  string
	HeadRepo string
	BaseSHA  string
	BaseRef  string
	Draft    bool
	State    string
	Merged   bool
	Commits  []Commit
}

// Commit is a commit of a pull request; logins are "" for commits GitHub
// could not match to an account.
type Commit struct {
	SHA            string
	AuthorLogin    string
	AuthorName     string
	AuthorEmail    string
	CommitterLogin string
	CommitterName  string
	CommitterEmail string
}

// Review is a review of a pull request. Empty UserType is "User"; zero
// SubmittedAt is the time it is added.
type Review struct {
	ID          int64
	User        string
	UserType    string
	State       string
	CommitID    string
	SubmittedAt time.Time
}

type pull struct {
	owner, repo string
	pr          PullRequest
	reviews     []Review
}

// maxPullCommits is how many commits GitHub lists for a pull request.
const maxPullCommits = 250

// AddPullRequest adds (or replaces) a pull request.
func (s *Server) AddPullRequest(owner, repo string, pr PullRequest) {
	if pr.State == "" {
		pr.State = "open"
	}
	if pr.HeadRepo == "" {
		pr.HeadRepo = owner + "/" + repo
	}
	pr.Commits = append([]Commit(nil), pr.Commits...)
	s.mu.Lock()
	defer s.mu.Unlock()
	k := pullKey(owner, repo, pr.Number)
	old := s.pulls[k]
	p := &pull{owner: owner, repo: repo, pr: pr}
	if old != nil {
		p.reviews = old.reviews
	}
	s.pulls[k] = p
}

// AddReview adds a review to a pull request added before, and returns
// its ID.
func (s *Server) AddReview(owner, repo string, number int, r Review) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pulls[pullKey(owner, repo, number)]
	if p == nil {
		panic(fmt.Sprintf("githubtest: AddReview: no pull request %s/%s#%d", owner, repo, number))
	}
	if r.ID == 0 {
		r.ID = s.newID()
	}
	if r.UserType == "" {
		r.UserType = "User"
	}
	if r.SubmittedAt.IsZero() {
		r.SubmittedAt = time.Now().UTC().Truncate(time.Second)
	}
	p.reviews = append(p.reviews, r)
	return r.ID
}

func pullKey(owner, repo string, n int) string { return fmt.Sprintf("%s/%s#%d", owner, repo, n) }

// lookupPull finds the pull request of the request, or answers 404. The
// caller holds s.mu.
func (s *Server) lookupPull(w http.ResponseWriter, r *http.Request) *pull {
	n, _ := strconv.Atoi(r.PathValue("number"))
	p := s.pulls[pullKey(r.PathValue("owner"), r.PathValue("repo"), n)]
	if p == nil {
		writeError(w, http.StatusNotFound, "Not Found")
	}
	return p
}

func (s *Server) handlePull(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.lookupPull(w, r); p != nil {
		writeJSON(w, http.StatusOK, s.pullJSON(p))
	}
}

// handleCommitPulls lists the pull requests of a repository whose head
// is the commit or whose commits include it, open and closed, by number.
func (s *Server) handleCommitPulls(w http.ResponseWriter, r *http.Request) {
	owner, repo, sha := r.PathValue("owner"), r.PathValue("repo"), r.PathValue("sha")
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []*pull
	for _, p := range s.pulls {
		if p.owner == owner && p.repo == repo && p.has(sha) {
			found = append(found, p)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].pr.Number < found[j].pr.Number })
	var out []map[string]any
	for _, p := range paginate(w, r, found) {
		out = append(out, s.pullJSON(p))
	}
	writeJSON(w, http.StatusOK, orEmpty(out))
}

// has reports whether the pull request's head or commits include sha.
func (p *pull) has(sha string) bool {
	if p.pr.HeadSHA == sha {
		return true
	}
	for _, c := range p.pr.Commits {
		if c.SHA == sha {
			return true
		}
	}
	return false
}

// pullJSON renders a pull request as the API does. The caller holds s.mu.
func (s *Server) pullJSON(p *pull) map[string]any {
	pr, full := p.pr, p.owner+"/"+p.repo
	return map[string]any{
		"number":   pr.Number,
		"title":    pr.Title,
		"state":    pr.State,
		"draft":    pr.Draft,
		"merged":   pr.Merged,
		"commits":  len(pr.Commits),
		"html_url": fmt.Sprintf("%s/%s/pull/%d", s.URL, full, pr.Number),
		"user":     user(pr.Author, "User"),
		"head": map[string]any{
			"sha": pr.HeadSHA, "ref": pr.HeadRef,
			"repo": map[string]any{"full_name": pr.HeadRepo, "clone_url": s.URL + "/" + pr.HeadRepo + ".git"},
		},
		"base": map[string]any{
			"sha": pr.BaseSHA, "ref": pr.BaseRef,
			"repo": map[string]any{"full_name": full, "clone_url": s.URL + "/" + full + ".git"},
		},
	}
}

func (s *Server) handlePullCommits(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookupPull(w, r)
	if p == nil {
		return
	}
	cs := p.pr.Commits
	if len(cs) > maxPullCommits {
		cs = cs[:maxPullCommits]
	}
	var out []map[string]any
	for _, c := range paginate(w, r, cs) {
		out = append(out, map[string]any{
			"sha":       c.SHA,
			"author":    user(c.AuthorLogin, "User"),
			"committer": user(c.CommitterLogin, "User"),
			"commit": map[string]any{
				"author":    map[string]any{"name": c.AuthorName, "email": c.AuthorEmail},
				"committer": map[string]any{"name": c.CommitterName, "email": c.CommitterEmail},
			},
		})
	}
	writeJSON(w, http.StatusOK, orEmpty(out))
}

func (s *Server) handleReviews(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.lookupPull(w, r)
	if p == nil {
		return
	}
	var out []map[string]any
	for _, rv := range paginate(w, r, p.reviews) {
		out = append(out, map[string]any{
			"id":           rv.ID,
			"user":         user(rv.User, rv.UserType),
			"state":        rv.State,
			"commit_id":    rv.CommitID,
			"submitted_at": rv.SubmittedAt.Format(time.RFC3339),
		})
	}
	writeJSON(w, http.StatusOK, orEmpty(out))
}

// user renders a user object, or null for "".
func user(login, typ string) any {
	if login == "" {
		return nil
	}
	return map[string]any{"login": login, "type": typ}
}

func orEmpty(xs []map[string]any) []map[string]any {
	if xs == nil {
		return []map[string]any{}
	}
	return xs
}
