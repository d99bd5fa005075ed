package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/repoguard/repoguard/guard"
)

// caseData is the case page: a commit or pull request with its findings.
type caseData struct {
	common
	C *guard.Case
	// CommitURL links the commit on GitHub, "" when the repository is
	// not known to be there.
	CommitURL string
	Findings  []caseFinding
	// Actions are the status changes that apply to one or more of its
	// findings, offered for the case as a whole.
	Actions []string
	Profile *profileSummary
	History []guard.AuditEntry
}

// AuthorKey is the author the page's side shows.
func (d *caseData) AuthorKey() string { return d.C.Author }

// caseFinding is one anomaly of a case with its explanation, link and
// the status changes that apply to it.
type caseFinding struct {
	A       guard.Anomaly
	Doc     string
	FileURL string
	Actions []string
}

// caseActionOrder is the order the case page offers its actions in.
var caseActionOrder = []string{"ack", "confirm", "resolve", "dismiss", "reopen"}

// casePage shows a case: its commit or pull request, its findings with
// their explanations and triage buttons, for the case and for each.
func (s *server) casePage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.caseDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	d.Title, d.Nav = fmt.Sprintf("Case %d: %s", d.C.ID, caseName(d.C)), "queue"
	s.render(w, r, http.StatusOK, "case", d)
	return nil
}

// caseName is "acme/vault#7" or "acme/vault@1a2b3c4d5e".
func caseName(c *guard.Case) string {
	if c.PullRequest > 0 {
		return fmt.Sprintf("%s#%d", c.Repo, c.PullRequest)
	}
	return c.Repo + "@" + guard.ShortHash(c.Commit)
}

// caseDetail loads a case with its findings, history and its author's
// profile.
func (s *server) caseDetail(ctx context.Context, idParam string) (*caseData, error) {
	id, err := parseID(idParam)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	as, err := s.store.CaseAnomalies(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &caseData{C: c, CommitURL: commitURL(c.URL, c.Commit), Actions: caseActions(as)}
	for _, a := range as {
		d.Findings = append(d.Findings, caseFinding{A: a, Doc: s.cfg.DetectorDocs[a.Detector], FileURL: fileURL(&a),
			Actions: statusActions(&a)})
	}
	if d.Profile, err = s.glance(ctx, c.Repo, c.Author); err != nil {
		return nil, err
	}
	if d.History, err = s.store.CaseHistory(ctx, id); err != nil {
		return nil, err
	}
	return d, nil
}

// caseActions are the status changes that apply to one or more of the
// anomalies in the queue among as.
func caseActions(as []guard.Anomaly) []string {
	var out []string
	for _, kind := range caseActionOrder {
		if slices.ContainsFunc(guard.Queued(as), func(a guard.Anomaly) bool { return a.Allows(kind) }) {
			out = append(out, kind)
		}
	}
	return out
}

// glance summarizes the profile of author in repo, or across every
// repository when none was learned in repo (a local scan's repository
// is named in the queue by its folder's name, its profiles by its
// path); nil when nothing is known.
func (s *server) glance(ctx context.Context, repo, author string) (*profileSummary, error) {
	if author == "" {
		return nil, nil
	}
	p, err := s.profile(ctx, repo, author)
	if err == nil && p == nil {
		p, err = s.profile(ctx, "", author)
	}
	return summarize(p, 5), err
}

// triageCase checks and applies an action to a case, then calls
// OnResolve when a severe enough anomaly was released.
func (s *server) triageCase(ctx context.Context, idParam, actor string, a guard.TriageAction) (*guard.Case, []guard.Anomaly, error) {
	id, err := parseID(idParam)
	if err != nil {
		return nil, nil, err
	}
	if err := checkAction(&a); err != nil {
		return nil, nil, err
	}
	c, as, err := s.store.TriageCase(ctx, id, actor, a)
	if err != nil {
		return nil, nil, err
	}
	s.onReleased(ctx, a.Kind, as...)
	return c, as, nil
}

// caseTriageForm handles the case page's forms and returns to the page.
func (s *server) caseTriageForm(w http.ResponseWriter, r *http.Request) error {
	a := guard.TriageAction{Kind: r.PathValue("action"), Reason: r.PostFormValue("reason"),
		Assignee: r.PostFormValue("assignee"), Body: r.PostFormValue("body")}
	c, _, err := s.triageCase(r.Context(), r.PathValue("id"), principalOf(r).Login, a)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", c.ID), http.StatusSeeOther)
	return nil
}

// caseList is the answer of GET /api/v1/cases: a page and the counts by
// status of the cases that match the filters.
type caseList struct {
	CasePage
	Counts map[guard.AnomalyStatus]int `json:"counts"`
}

// apiCases lists cases with the queue's filters (every status unless
// status is given), sorted by risk unless sort says otherwise, with
// limit/offset paging.
func (s *server) apiCases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := parseFilter(q, nil, caseSorts)
	if err != nil {
		return err
	}
	if f.Limit, f.Offset, err = parsePaging(q); err != nil {
		return err
	}
	out := caseList{CasePage: CasePage{Limit: f.Limit, Offset: f.Offset}}
	if out.Cases, out.Total, err = s.store.Cases(r.Context(), f); err != nil {
		return err
	}
	if out.Counts, err = s.store.CaseCounts(r.Context(), f); err != nil {
		return err
	}
	out.Cases = orEmpty(out.Cases)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiCase returns a case with its anomalies, history and the actions
// that apply to it.
func (s *server) apiCase(w http.ResponseWriter, r *http.Request) error {
	d, err := s.caseDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	as := make([]guard.Anomaly, len(d.Findings))
	for i, f := range d.Findings {
		as[i] = f.A
	}
	writeJSON(w, http.StatusOK, CaseDetail{Case: d.C, Anomalies: as, History: orEmpty(d.History),
		Actions: orEmpty(d.Actions)})
	return nil
}

// apiCaseTriage applies the triage action of the body (kind, and
// reason, assignee or body) to a case. When it leaves a release waiting
// for a second triager it answers 202 Accepted.
func (s *server) apiCaseTriage(w http.ResponseWriter, r *http.Request) error {
	var in guard.TriageAction
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, as, err := s.triageCase(r.Context(), r.PathValue("id"), principalOf(r).Login, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if slices.ContainsFunc(as, func(a guard.Anomaly) bool { return pendingRelease(in.Kind, &a) }) {
		status = http.StatusAccepted // asked for: a second triager must confirm it
	}
	writeJSON(w, status, CaseTriage{Case: c, Anomalies: orEmpty(as)})
	return nil
}
