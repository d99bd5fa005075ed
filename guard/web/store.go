package web

import (
	"context"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Store is what the queue reads and changes. Errors wrap guard.ErrNotFound,
// guard.ErrInvalid or guard.ErrForbidden when the caller can act on them;
// anything else is a server error. Every method must be safe for
// concurrent use.
type Store interface {
	CaseStore
	// Anomalies returns a page of anomalies matching f and how many match
	// in all.
	Anomalies(ctx context.Context, f guard.AnomalyFilter) ([]guard.Anomaly, int, error)
	// AnomalyCounts counts the anomalies matching f by status (f.Status,
	// Limit and Offset are ignored).
	AnomalyCounts(ctx context.Context, f guard.AnomalyFilter) (map[guard.AnomalyStatus]int, error)
	// Anomaly returns one anomaly.
	Anomaly(ctx context.Context, id int64) (*guard.Anomaly, error)
	// AuthorAnomalies returns the latest anomalies of an author.
	AuthorAnomalies(ctx context.Context, authorKey string, limit int) ([]guard.Anomaly, error)
	// AnomaliesForPR returns the anomalies of a pull request.
	AnomaliesForPR(ctx context.Context, repo string, pr int) ([]guard.Anomaly, error)
	// Triage applies a triage action by actor, records it in the audit
	// log and returns the anomaly as it is now. A transition that does
	// not apply (reopening an open anomaly) wraps guard.ErrInvalid. The
	// two-person rule binds dismiss and resolve (guard.DecideRelease):
	// the release of an anomaly about a change the actor took part in
	// wraps guard.ErrForbidden, and that of a blocking anomaly is only
	// asked for (Anomaly.Release) until a second triager confirms it.
	Triage(ctx context.Context, id int64, actor string, a guard.TriageAction) (*guard.Anomaly, error)
	// Comments returns the comments on an anomaly, oldest first.
	Comments(ctx context.Context, id int64) ([]guard.Comment, error)
	// History returns the audit entries of an anomaly, oldest first.
	History(ctx context.Context, id int64) ([]guard.AuditEntry, error)
	// AddSuppression stores a suppression and returns its id; one that
	// guard.CheckSuppressor refuses to its creator wraps
	// guard.ErrForbidden.
	AddSuppression(ctx context.Context, s guard.Suppression) (int64, error)
	// ApproveSuppression records a second triager's approval of a
	// suppression, after which it applies to pull requests too, and
	// returns it; its creator, or someone it covers, may not
	// (guard.ErrForbidden).
	ApproveSuppression(ctx context.Context, id int64, actor string) (*guard.Suppression, error)
	// RemoveSuppression removes a suppression on behalf of actor.
	RemoveSuppression(ctx context.Context, id int64, actor string) error
	// Suppressions lists suppressions, with expired ones when asked.
	Suppressions(ctx context.Context, includeExpired bool) ([]guard.Suppression, error)
	// LoadProfile returns an author's profile in repo ("" for every
	// repository); a profile with no commits, or guard.ErrNotFound, when
	// nothing is known.
	LoadProfile(ctx context.Context, repo, key string) (*guard.Profile, error)
	// Identity returns a known identity, or guard.ErrNotFound.
	Identity(ctx context.Context, key string) (*guard.Identity, error)
	// CreateSession starts a session and returns its secret token.
	CreateSession(ctx context.Context, login, role string, ttl time.Duration) (string, error)
	// Session returns the live session of a token, or guard.ErrNotFound.
	Session(ctx context.Context, token string) (*guard.Session, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, token string) error
	// TokenAuth returns the API token with this secret, or
	// guard.ErrNotFound.
	TokenAuth(ctx context.Context, secret string) (*guard.APIToken, error)
}

// CaseStore is what the queue reads and changes of cases: the anomalies
// of one commit or pull request (guard.Case), each with the summary of
// its anomalies.
type CaseStore interface {
	// Cases returns a page of cases matching f (Sort risk, date, updated
	// or repo; Repo, Author and Detector match substrings) and how many
	// match in all.
	Cases(ctx context.Context, f guard.AnomalyFilter) ([]guard.Case, int, error)
	// CaseCounts counts the cases matching f by status (f.Status, Limit
	// and Offset are ignored).
	CaseCounts(ctx context.Context, f guard.AnomalyFilter) (map[guard.AnomalyStatus]int, error)
	// Case returns one case.
	Case(ctx context.Context, id int64) (*guard.Case, error)
	// CaseAnomalies returns the anomalies of a case, most severe first.
	CaseAnomalies(ctx context.Context, id int64) ([]guard.Anomaly, error)
	// CaseHistory returns the audit entries of a case and of its
	// anomalies, oldest first.
	CaseHistory(ctx context.Context, id int64) ([]guard.AuditEntry, error)
	// TriageCase applies a triage action by actor to each anomaly of a
	// case it applies to (guard.Anomaly.Allows), each bound by the
	// two-person rule as Triage binds it, records it in the audit log
	// per anomaly and for the case, and returns the case and the
	// anomalies acted on as they are now. An action that applies to none
	// wraps guard.ErrInvalid; one the two-person rule refuses for any of
	// them wraps guard.ErrForbidden and changes nothing.
	TriageCase(ctx context.Context, id int64, actor string, a guard.TriageAction) (*guard.Case, []guard.Anomaly, error)
}

// PullRequests gives the pull request page its content; the App
// implements it from the pull request's saved evaluation.
type PullRequests interface {
	// PullRequestView returns the latest evaluation of repo#number, or an
	// error wrapping guard.ErrNotFound.
	PullRequestView(ctx context.Context, repo string, number int) (*PRView, error)
}

// PRView is a pull request as the repoguard check last judged it.
type PRView struct {
	Repo      string          `json:"repo"`
	Number    int             `json:"number"`
	Title     string          `json:"title"`
	Author    string          `json:"author"`
	HeadSHA   string          `json:"head_sha"`
	Verdict   guard.Verdict   `json:"verdict"`
	Findings  []guard.Finding `json:"findings"`
	UpdatedAt time.Time       `json:"updated_at"`
}
