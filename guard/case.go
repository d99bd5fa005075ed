package guard

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Case is what the anomaly queue lists: the anomalies of one commit
// (pushed or scanned, no pull request) or of one pull request, with what
// an analyst reads at a glance: where, who, when and how risky.
type Case struct {
	ID int64 `json:"id"`
	// Key identifies the case (see CaseKey).
	Key  string `json:"key"`
	Repo string `json:"repo"`
	// Commit is the commit judged; for a pull request, its head when it
	// was last judged.
	Commit      string `json:"commit,omitempty"`
	PullRequest int    `json:"pull_request,omitempty"`
	// Subject is the commit's subject or the pull request's title.
	Subject string `json:"subject,omitempty"`
	// Author is the identity key of the change's author (for a pull
	// request, of whoever opened it); AuthorName and AuthorEmail as the
	// commit recorded them.
	Author      string `json:"author"`
	AuthorName  string `json:"author_name,omitempty"`
	AuthorEmail string `json:"author_email,omitempty"`
	// URL links to the commit or pull request on GitHub; "" when the
	// repository is not known to be on GitHub (a local scan).
	URL string `json:"url,omitempty"`
	// Date is the commit's author date (for a pull request, its head
	// commit's), or when the case was first recorded when unknown.
	Date time.Time `json:"date"`
	// Risk is the commit's or pull request's risk score, 0 to 100 (see
	// Risk), the highest it was recorded with.
	Risk float64 `json:"risk"`
	CaseSummary
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CaseSummary is what a case's anomalies say of it (see Summarize).
type CaseSummary struct {
	// Status is the earliest, in the order of Statuses, of its
	// anomalies' statuses: open while any is open.
	Status AnomalyStatus `json:"status"`
	// Findings counts its anomalies, BySeverity by severity, and
	// Severity is the highest.
	Findings   int              `json:"findings"`
	BySeverity map[Severity]int `json:"by_severity"`
	Severity   Severity         `json:"severity"`
	// Detectors are its anomalies' detectors, those of the most severe
	// and most frequent first.
	Detectors []string `json:"detectors"`
	// Pending counts the releases that wait for a second triager.
	Pending int `json:"pending_releases"`
	// Suppressed is set when every one of its anomalies is suppressed:
	// the case is recorded but not queued.
	Suppressed bool `json:"suppressed,omitempty"`
}

// CaseKey identifies the case of a finding record: the repository and
// the pull request, or the commit when there is none.
func CaseKey(repo, commit string, pr int) string {
	if pr > 0 {
		return repo + "|pr#" + strconv.Itoa(pr)
	}
	return repo + "|" + commit
}

// Queued returns the anomalies of as that are in the queue (not
// suppressed), or all of them when every one is suppressed.
func Queued(as []Anomaly) []Anomaly {
	var out []Anomaly
	for _, a := range as {
		if !a.Suppressed {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return as
	}
	return out
}

// Summarize returns what the anomalies of a case say of it, counting
// only those in the queue unless every one is suppressed.
func Summarize(as []Anomaly) CaseSummary {
	s := CaseSummary{BySeverity: map[Severity]int{}, Suppressed: len(as) > 0}
	type tally struct {
		sev Severity
		n   int
	}
	dets := map[string]*tally{}
	rank := map[AnomalyStatus]int{}
	for i, st := range Statuses() {
		rank[st] = i
	}
	for _, a := range Queued(as) {
		s.Suppressed = s.Suppressed && a.Suppressed
		s.Findings++
		s.BySeverity[a.Severity]++
		s.Severity = max(s.Severity, a.Severity)
		if s.Status == "" || rank[a.Status] < rank[s.Status] {
			s.Status = a.Status
		}
		if a.Release != nil {
			s.Pending++
		}
		d := dets[a.Detector]
		if d == nil {
			d = &tally{}
			dets[a.Detector] = d
		}
		d.sev, d.n = max(d.sev, a.Severity), d.n+1
	}
	for name := range dets {
		s.Detectors = append(s.Detectors, name)
	}
	slices.SortFunc(s.Detectors, func(x, y string) int {
		return cmp.Or(-cmp.Compare(dets[x].sev, dets[y].sev), -cmp.Compare(dets[x].n, dets[y].n), cmp.Compare(x, y))
	})
	if s.Status == "" {
		s.Status = StatusOpen
	}
	return s
}

// AnomalyRisk is the risk (see Risk) of anomalies taken as findings of
// their severity and score: the risk of a case whose record did not say.
func AnomalyRisk(as []Anomaly) float64 {
	fs := make([]Finding, len(as))
	for i, a := range as {
		fs[i] = Finding{Detector: a.Detector, Severity: a.Severity, Score: a.Score}
	}
	return Risk(fs)
}

// triageFrom are the statuses from which each status-changing triage
// action applies.
var triageFrom = map[string][]AnomalyStatus{
	"ack":     {StatusOpen},
	"confirm": {StatusOpen, StatusAcknowledged},
	"dismiss": {StatusOpen, StatusAcknowledged},
	"resolve": {StatusOpen, StatusAcknowledged, StatusConfirmed},
	"reopen":  {StatusAcknowledged, StatusConfirmed, StatusDismissed, StatusResolved},
}

// Allows reports whether triage action kind applies to a as it is:
// ack, confirm, dismiss, resolve and reopen from the statuses their
// transitions start at (reopen also while a release is pending, to
// withdraw it), assign while a is not closed, comment always. An
// unknown kind applies to nothing.
func (a *Anomaly) Allows(kind string) bool {
	switch kind {
	case "assign":
		return !a.Status.Closed()
	case "comment":
		return true
	case "reopen":
		if a.Release != nil {
			return true
		}
	}
	return slices.Contains(triageFrom[kind], a.Status)
}
