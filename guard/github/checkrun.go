package github

import (
	"errors"
	"fmt"
	"time"
)

// CheckName is the name of repoguard's check run; admins make it a
// required status check.
const CheckName = "repoguard"

// MaxAnnotationsPerRequest is how many annotations GitHub accepts in one
// create or update request. Further annotations are sent in more update
// requests, and accumulate.
const MaxAnnotationsPerRequest = 50

// MaxOutputLen is GitHub's limit on output.summary and output.text (in
// characters; the client counts bytes, which is never less).
const MaxOutputLen = 65535

// Status is the status of a check run.
type Status string

// The statuses a check run can be given.
const (
	StatusQueued     Status = "queued"
	StatusInProgress Status = "in_progress"
	StatusCompleted  Status = "completed"
)

// Conclusion is the result of a completed check run.
type Conclusion string

// The conclusions of a completed check run. Only success, neutral and
// skipped let a required check pass.
const (
	ConclusionSuccess        Conclusion = "success"
	ConclusionFailure        Conclusion = "failure"
	ConclusionNeutral        Conclusion = "neutral"
	ConclusionActionRequired Conclusion = "action_required"
	ConclusionCancelled      Conclusion = "cancelled"
	ConclusionSkipped        Conclusion = "skipped"
	ConclusionTimedOut       Conclusion = "timed_out"
)

// Level is the level of an annotation.
type Level string

// The annotation levels.
const (
	LevelNotice  Level = "notice"
	LevelWarning Level = "warning"
	LevelFailure Level = "failure"
)

// CheckRun is what repoguard writes to a check run. Empty fields are not
// sent, so an update changes only what it sets (except Name, which
// defaults to CheckName).
type CheckRun struct {
	Name    string // CheckName when empty
	HeadSHA string // required to create
	Status  Status
	// Conclusion is required with StatusCompleted; setting it implies
	// StatusCompleted.
	Conclusion  Conclusion
	DetailsURL  string
	ExternalID  string
	StartedAt   time.Time
	CompletedAt time.Time
	// Title and Summary are required when any output (Text,
	// Annotations) is set. Summary and Text are Markdown and are cut to
	// MaxOutputLen with a note.
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
	// Actions are buttons on the check run page (at most 3).
	Actions []Action
}

// Annotation marks lines of a file in the pull request's diff.
type Annotation struct {
	Path      string
	StartLine int
	EndLine   int // StartLine when zero
	Level     Level
	Title     string // cut to 255 bytes
	Message   string // required; cut to 64 KB
	// RawDetails is shown folded under the message; cut to 64 KB.
	RawDetails string
}

// Action is a button on the check run page; clicking it sends a
// check_run webhook with action "requested_action" and the Identifier.
type Action struct {
	Label       string // at most 20 characters
	Description string // at most 40 characters
	Identifier  string // at most 20 characters
}

// normalize fills defaults and checks what GitHub would reject.
func (cr CheckRun) normalize() (CheckRun, error) {
	if cr.Name == "" {
		cr.Name = CheckName
	}
	if cr.Conclusion != "" && cr.Status == "" {
		cr.Status = StatusCompleted
	}
	if cr.Status == StatusCompleted && cr.Conclusion == "" {
		return cr, errors.New("a completed check run needs a conclusion")
	}
	hasOutput := cr.Title != "" || cr.Summary != "" || cr.Text != "" || len(cr.Annotations) > 0
	if hasOutput && (cr.Title == "" || cr.Summary == "") {
		return cr, errors.New("check run output needs a title and a summary")
	}
	if len(cr.Actions) > 3 {
		return cr, fmt.Errorf("%d actions, GitHub allows 3", len(cr.Actions))
	}
	cr.Summary = truncateOutput(cr.Summary, MaxOutputLen)
	cr.Text = truncateOutput(cr.Text, MaxOutputLen)
	anns := make([]Annotation, len(cr.Annotations))
	for i, a := range cr.Annotations {
		var err error
		if anns[i], err = a.normalize(); err != nil {
			return cr, fmt.Errorf("annotation %d (%s): %w", i, a.Path, err)
		}
	}
	cr.Annotations = anns
	return cr, nil
}

func (a Annotation) normalize() (Annotation, error) {
	switch {
	case a.Path == "":
		return a, errors.New("no path")
	case a.StartLine < 1:
		return a, fmt.Errorf("start line %d", a.StartLine)
	case a.Message == "":
		return a, errors.New("no message")
	}
	if a.EndLine < a.StartLine {
		a.EndLine = a.StartLine
	}
	if a.Level == "" {
		a.Level = LevelNotice
	}
	a.Title = cutUTF8(a.Title, 255, "…")
	a.Message = cutUTF8(a.Message, 64<<10-1, "\n… (truncated)")
	a.RawDetails = cutUTF8(a.RawDetails, 64<<10-1, "\n… (truncated)")
	return a, nil
}

// step is one request of a check-run write.
type step struct {
	first, last bool
	status      Status // "" to leave unchanged
	annotations []Annotation
}

// steps splits a write into requests of at most MaxAnnotationsPerRequest
// annotations each. When there are several and the run is to complete,
// the first request marks it in progress and only the last one completes
// it, so that a failure half-way leaves the check pending (merge stays
// blocked) rather than completed with annotations missing.
func (cr CheckRun) steps() []step {
	var batches [][]Annotation
	for a := cr.Annotations; len(a) > 0; {
		n := min(len(a), MaxAnnotationsPerRequest)
		batches = append(batches, a[:n])
		a = a[n:]
	}
	if len(batches) == 0 {
		batches = [][]Annotation{nil}
	}
	out := make([]step, len(batches))
	for i, b := range batches {
		s := step{first: i == 0, last: i == len(batches)-1, annotations: b}
		switch {
		case s.last:
			s.status = cr.Status
		case s.first && cr.Status == StatusCompleted:
			s.status = StatusInProgress
		case s.first:
			s.status = cr.Status
		}
		out[i] = s
	}
	return out
}
