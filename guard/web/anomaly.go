package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// anomalyData is the anomaly page.
type anomalyData struct {
	common
	A       *guard.Anomaly
	Doc     string
	FileURL string
	// CommitURL links the commit on GitHub.
	CommitURL string
	Profile   *profileSummary
	History   []guard.AuditEntry
	Comments  []guard.Comment
	// Actions are the status changes that apply now.
	Actions []string
}

// AuthorKey is the author the page's side shows.
func (d *anomalyData) AuthorKey() string { return d.A.Author }

// anomalyPage shows one anomaly with its context and triage forms.
func (s *server) anomalyPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.anomalyDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	d.Title = fmt.Sprintf("#%d %s", d.A.ID, d.A.Detector)
	d.Nav = "queue"
	s.render(w, r, http.StatusOK, "anomaly", d)
	return nil
}

// anomalyDetail loads an anomaly with its author's profile, history and
// comments.
func (s *server) anomalyDetail(ctx context.Context, idParam string) (*anomalyData, error) {
	id, err := parseID(idParam)
	if err != nil {
		return nil, err
	}
	a, err := s.store.Anomaly(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &anomalyData{A: a, Doc: s.cfg.DetectorDocs[a.Detector], FileURL: fileURL(a), CommitURL: commitURL(a.URL, a.Commit), Actions: statusActions(a)}
	if d.Profile, err = s.glance(ctx, a.Repo, a.Author); err != nil {
		return nil, err
	}
	if d.History, err = s.store.History(ctx, id); err != nil {
		return nil, err
	}
	if d.Comments, err = s.store.Comments(ctx, id); err != nil {
		return nil, err
	}
	return d, nil
}

// profile loads a profile; nil when nothing is known.
func (s *server) profile(ctx context.Context, repo, key string) (*guard.Profile, error) {
	p, err := s.store.LoadProfile(ctx, repo, key)
	if errors.Is(err, guard.ErrNotFound) || (err == nil && (p == nil || p.Commits == 0)) {
		return nil, nil
	}
	return p, err
}

// fileURL links the finding's file and line on GitHub, at the commit when
// known, else in the pull request's files; "" when the repository is not
// known to be on GitHub (see webBase).
func fileURL(a *guard.Anomaly) string {
	base := webBase(a.URL)
	if a.Path == "" || base == "" {
		return ""
	}
	if a.Commit == "" {
		if a.PullRequest > 0 {
			return fmt.Sprintf("%s/pull/%d/files", base, a.PullRequest)
		}
		return ""
	}
	segs := strings.Split(a.Path, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	u := base + "/blob/" + url.PathEscape(a.Commit) + "/" + strings.Join(segs, "/")
	if a.Line > 0 {
		u += "#L" + strconv.Itoa(a.Line)
	}
	return u
}

// commitURL links commit on GitHub, in the repository of link (the
// recorded URL of its commit or pull request); "" when there is no
// commit or the repository is not known to be on GitHub.
func commitURL(link, commit string) string {
	base := webBase(link)
	if commit == "" || base == "" {
		return ""
	}
	return base + "/commit/" + url.PathEscape(commit)
}

// webBase is the repository's page on GitHub, from the URL its recorder
// gave a commit or pull request (https://github.com/acme/vault/commit/
// SHA, .../pull/7): "" when none was given, as for a local scan of a
// repository that is not known to be on GitHub, so that no link is
// made up from a name alone.
func webBase(link string) string {
	if !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://") {
		return ""
	}
	for _, sep := range []string{"/commit/", "/pull/"} {
		if i := strings.LastIndex(link, sep); i > 0 {
			return link[:i]
		}
	}
	return ""
}

// statusActions are the status changes offered for anomaly a, as the
// store allows them: with a release waiting, confirming it (its kind),
// and withdrawing it (reopen) come first.
func statusActions(a *guard.Anomaly) []string {
	if r := a.Release; r != nil {
		out := []string{r.Kind, "reopen"}
		if a.Status == guard.StatusOpen {
			out = append(out, "ack")
		}
		return append(out, "confirm")
	}
	switch a.Status {
	case guard.StatusOpen:
		return []string{"ack", "confirm", "resolve", "dismiss"}
	case guard.StatusAcknowledged:
		return []string{"confirm", "resolve", "reopen", "dismiss"}
	case guard.StatusConfirmed:
		return []string{"resolve", "reopen"}
	}
	return []string{"reopen"}
}

// triageKinds are the triage actions.
var triageKinds = map[string]bool{"ack": true, "dismiss": true, "confirm": true, "resolve": true,
	"reopen": true, "assign": true, "comment": true}

// triage checks and applies an action, then calls OnResolve when a
// severe enough anomaly was released.
func (s *server) triage(ctx context.Context, idParam, actor string, a guard.TriageAction) (*guard.Anomaly, error) {
	id, err := parseID(idParam)
	if err != nil {
		return nil, err
	}
	if err := checkAction(&a); err != nil {
		return nil, err
	}
	got, err := s.store.Triage(ctx, id, actor, a)
	if err != nil {
		return nil, err
	}
	s.onReleased(ctx, a.Kind, *got)
	return got, nil
}

// checkAction checks a triage action and trims its text.
func checkAction(a *guard.TriageAction) error {
	if !triageKinds[a.Kind] {
		return notFound("no such triage action " + strconv.Quote(a.Kind))
	}
	a.Reason, a.Assignee, a.Body = strings.TrimSpace(a.Reason), strings.TrimSpace(a.Assignee), strings.TrimSpace(a.Body)
	switch {
	case a.Kind == "dismiss" && a.Reason == "":
		return invalid("dismissing needs a reason")
	case a.Kind == "comment" && a.Body == "":
		return invalid("the comment is empty")
	case len(a.Reason) > 2000 || len(a.Body) > 20000 || len(a.Assignee) > 100:
		return invalid("text too long")
	}
	return nil
}

// onReleased calls OnResolve once with the most severe of the anomalies
// a triage action of kind released or reopened, when it is severe
// enough: the check of its pull request is decided again either way.
func (s *server) onReleased(ctx context.Context, kind string, as ...guard.Anomaly) {
	var top *guard.Anomaly
	for i := range as {
		if movesCheck(kind, &as[i]) && (top == nil || as[i].Severity > top.Severity) {
			top = &as[i]
		}
	}
	if top != nil && s.cfg.OnResolve != nil && top.Severity >= s.cfg.ResolveSeverity {
		s.cfg.OnResolve(context.WithoutCancel(ctx), top)
	}
}

// movesCheck reports whether a triage action of kind changed whether the
// anomaly holds its pull request's check: released it (dismissed or
// resolved, not only asked for), or reopened it, so that a check a
// release turned green blocks again.
func movesCheck(kind string, a *guard.Anomaly) bool {
	return (kind == "resolve" || kind == "dismiss") && a.Status.Closed() || kind == "reopen" && !a.Status.Closed()
}

// pendingRelease reports whether a triage action of kind left a release
// waiting for a second triager.
func pendingRelease(kind string, a *guard.Anomaly) bool {
	return (kind == "resolve" || kind == "dismiss") && a.Release != nil
}

// triageForm handles the anomaly page's forms and returns to the page.
func (s *server) triageForm(w http.ResponseWriter, r *http.Request) error {
	a := guard.TriageAction{Kind: r.PathValue("action"), Reason: r.PostFormValue("reason"),
		Assignee: r.PostFormValue("assignee"), Body: r.PostFormValue("body")}
	got, err := s.triage(r.Context(), r.PathValue("id"), principalOf(r).Login, a)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/anomalies/%d", got.ID)
	if r.PostFormValue("back") == "case" && got.CaseID > 0 { // the case page's buttons of one finding
		back = fmt.Sprintf("/cases/%d#anomaly-%d", got.CaseID, got.ID)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// parseID reads a positive id.
func parseID(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("no such id " + strconv.Quote(v))
	}
	return id, nil
}
