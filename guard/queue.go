package guard

import (
	"errors"
	"time"
)

// Errors the stores return and the web layer maps to HTTP statuses.
var (
	// ErrNotFound: no such anomaly, session, token or suppression.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request is not valid (a bad transition, a missing
	// reason); the error's message says why.
	ErrInvalid = errors.New("invalid request")
	// ErrForbidden: the caller's role does not allow the action.
	ErrForbidden = errors.New("forbidden")
)

// AnomalyFilter selects a page of the anomaly queue: of anomalies, or
// of the cases that group them. Repo, Author and Detector match
// substrings, ignoring case (Author the identity key, name or email; a
// case matches Detector when one of its anomalies does). Since and Until
// bound an anomaly's creation, a case's Date.
type AnomalyFilter struct {
	Status      []AnomalyStatus
	MinSeverity Severity
	Repo        string
	Author      string
	Detector    string
	Since       time.Time
	Until       time.Time
	// Sort is "severity", "created", "updated", "score" or "repo" for
	// anomalies; "risk", "date", "updated" or "repo" for cases.
	Sort              string
	Desc              bool
	Limit             int
	Offset            int
	IncludeSuppressed bool
}

// TriageAction is one triage step on an anomaly.
type TriageAction struct {
	// Kind is ack, dismiss, confirm, resolve, reopen, assign or comment.
	Kind     string `json:"kind"`
	Reason   string `json:"reason,omitempty"`
	Assignee string `json:"assignee,omitempty"`
	Body     string `json:"body,omitempty"`
}

// Session is a signed-in user of the web UI.
type Session struct {
	Login     string
	Role      string // "triage" or "read"
	ExpiresAt time.Time
	// CSRF is the token every state-changing request of the session must
	// carry.
	CSRF string
}

// The roles of sessions and API tokens.
const (
	RoleTriage = "triage"
	RoleRead   = "read"
)

// APIToken is an automation token; only its hash is stored.
type APIToken struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used"`
}

// FindingRecord is what one judged commit, push or pull request head
// reports to the anomaly queue.
type FindingRecord struct {
	// Repo is "owner/name".
	Repo string
	// Commit is the commit judged, used for findings that name none;
	// PullRequest the pull request's number (0 for a push).
	Commit      string
	PullRequest int
	// Author is the identity key of the author; AuthorName and
	// AuthorEmail as the commit recorded them.
	Author, AuthorName, AuthorEmail string
	// URL links to the commit or pull request on GitHub; "" when the
	// repository is not known to be there (no link is made then).
	URL string
	// Subject is the commit's subject or the pull request's title; Date
	// the commit's author date (for a pull request, its head commit's);
	// Risk the commit's or pull request's risk, 0 to 100 (see Risk), of
	// all its findings, those below Queue included. They describe the
	// case the anomalies join (see Case).
	Subject  string
	Date     time.Time
	Risk     float64
	Findings []Finding
	// Queue is the lowest severity that becomes an anomaly.
	Queue Severity
	// Actor records the anomalies in the audit log; "repoguard" when
	// empty.
	Actor string
	// Participants are the logins of everyone who took part in the
	// change as the recorder knows them now (a pull request's author,
	// contributors and pushers): a suppression created or approved by
	// one of them never applies, even before the evaluation is saved.
	Participants []string
}
