package guard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AnomalyStatus is where an anomaly stands in triage.
type AnomalyStatus string

// The statuses of an anomaly.
const (
	StatusOpen         AnomalyStatus = "open"
	StatusAcknowledged AnomalyStatus = "acknowledged"
	// StatusDismissed marks a false positive; Anomaly.Reason says why.
	StatusDismissed AnomalyStatus = "dismissed"
	// StatusConfirmed marks confirmed malicious activity.
	StatusConfirmed AnomalyStatus = "confirmed"
	StatusResolved  AnomalyStatus = "resolved"
)

// Statuses lists every status in triage order.
func Statuses() []AnomalyStatus {
	return []AnomalyStatus{StatusOpen, StatusAcknowledged, StatusConfirmed, StatusDismissed, StatusResolved}
}

// Valid reports whether s is a known status.
func (s AnomalyStatus) Valid() bool {
	for _, v := range Statuses() {
		if s == v {
			return true
		}
	}
	return false
}

// Closed reports whether the anomaly needs no more triage.
func (s AnomalyStatus) Closed() bool {
	return s == StatusDismissed || s == StatusResolved
}

// Anomaly is a finding that entered the security team's queue: one per
// detector, commit or pull request, and subject.
type Anomaly struct {
	ID int64 `json:"id"`
	// CaseID is the case the anomaly belongs to (see Case).
	CaseID int64 `json:"case_id,omitempty"`
	// Key identifies the anomaly for de-duplication (see AnomalyKey).
	Key         string `json:"key"`
	Repo        string `json:"repo"`
	Detector    string `json:"detector"`
	Commit      string `json:"commit,omitempty"`
	PullRequest int    `json:"pull_request,omitempty"`
	// Author is the identity key of the author; AuthorName and
	// AuthorEmail as the commit recorded them.
	Author      string   `json:"author"`
	AuthorName  string   `json:"author_name,omitempty"`
	AuthorEmail string   `json:"author_email,omitempty"`
	Severity    Severity `json:"severity"`
	Score       float64  `json:"score"`
	Path        string   `json:"path,omitempty"`
	Line        int      `json:"line,omitempty"`
	Message     string   `json:"message"`
	Evidence    []string `json:"evidence,omitempty"`
	// Hunk is the latest finding's Finding.Hunk: the added lines around
	// the finding.
	Hunk []Line `json:"hunk,omitempty"`
	// URL links to the commit or pull request on GitHub.
	URL      string        `json:"url,omitempty"`
	Status   AnomalyStatus `json:"status"`
	Reason   string        `json:"reason,omitempty"`
	Assignee string        `json:"assignee,omitempty"`
	// Release is a dismissal or resolution waiting for a second triager
	// (nil when none): the anomaly keeps its status, and keeps failing
	// its pull request's check, until one confirms it.
	Release *Release `json:"pending_release,omitempty"`
	// Suppressed is set when a suppression matched: the anomaly is
	// recorded but not queued.
	Suppressed bool `json:"suppressed,omitempty"`
	// Seen counts how many times the same anomaly was reported.
	Seen      int       `json:"seen"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AnomalyKey identifies an anomaly: the detector, the pull request (when
// there is one, so that a reopened or re-pushed pull request reuses its
// anomalies) or else the commit, and the subject (path and message).
func AnomalyKey(repo, detector, commit string, pr int, path, message string) string {
	subject := commit
	if pr > 0 {
		subject = "pr#" + strconv.Itoa(pr)
	}
	sum := sha256.Sum256([]byte(path + "\x00" + message))
	return strings.Join([]string{repo, detector, subject, hex.EncodeToString(sum[:8])}, "|")
}

// Comment is a note on an anomaly.
type Comment struct {
	ID        int64     `json:"id"`
	AnomalyID int64     `json:"anomaly_id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Suppression keeps matching findings out of the queue until it expires:
// a detector and an author, or a detector and a path glob. It applies to
// findings of pull requests, and so releases their checks, only once a
// second triager approved it (see Reviewed); never to findings of a
// change its creator or approver took part in.
type Suppression struct {
	ID        int64     `json:"id"`
	Detector  string    `json:"detector"`
	Author    string    `json:"author,omitempty"`
	PathGlob  string    `json:"path_glob,omitempty"`
	Repo      string    `json:"repo,omitempty"`
	Reason    string    `json:"reason"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// ApprovedBy is the second triager who approved it, at ApprovedAt
	// ("" and zero while it waits for one).
	ApprovedBy string    `json:"approved_by,omitempty"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
}

// AuditEntry is one entry of the hash-chained audit log: every verdict
// posted and every triage action. Hash covers the entry and the hash of
// the entry before it, so that editing or deleting an entry breaks the
// chain from there on.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Subject  string    `json:"subject"`
	Detail   string    `json:"detail,omitempty"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// ComputeHash returns the hash the entry must carry: SHA-256 over its
// fields (lengths prefixed, so no two entries serialize alike) and
// PrevHash.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyChain checks entries given in sequence order (starting anywhere,
// with prev the hash of the entry before the first, "" at the start of
// the log). It returns the index of the first broken entry and why, or
// -1.
func VerifyChain(prev string, entries []AuditEntry) (int, string) {
	for i := range entries {
		e := &entries[i]
		if i > 0 && e.Seq != entries[i-1].Seq+1 {
			return i, fmt.Sprintf("entry %d follows entry %d: entries are missing", e.Seq, entries[i-1].Seq)
		}
		if e.PrevHash != prev {
			return i, fmt.Sprintf("entry %d does not point at the hash of the entry before it", e.Seq)
		}
		if e.Hash != e.ComputeHash() {
			return i, fmt.Sprintf("entry %d was altered: its content does not match its hash", e.Seq)
		}
		prev = e.Hash
	}
	return -1, ""
}
