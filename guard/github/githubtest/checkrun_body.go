package githubtest

import (
	"errors"
	"fmt"
	"time"
)

// Limits GitHub enforces on check runs. The fake counts bytes where
// GitHub counts characters, so it is, if anything, stricter.
const (
	maxAnnotations = 50
	maxOutputLen   = 65535
	maxActions     = 3
)

var (
	statuses    = set("queued", "in_progress", "completed", "waiting", "requested", "pending")
	conclusions = set("success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required", "stale")
	levels      = set("notice", "warning", "failure")
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

type checkRunBody struct {
	Name        *string    `json:"name"`
	HeadSHA     *string    `json:"head_sha"`
	DetailsURL  *string    `json:"details_url"`
	ExternalID  *string    `json:"external_id"`
	Status      *string    `json:"status"`
	Conclusion  *string    `json:"conclusion"`
	StartedAt   *time.Time `json:"started_at"`
	CompletedAt *time.Time `json:"completed_at"`
	Output      *struct {
		Title       *string      `json:"title"`
		Summary     *string      `json:"summary"`
		Text        *string      `json:"text"`
		Annotations []Annotation `json:"annotations"`
	} `json:"output"`
	Actions []Action `json:"actions"`
}

// validate rejects what GitHub rejects with 422, given the run's state
// before the request.
func (b *checkRunBody) validate(cr *CheckRun, create bool) error {
	if create && (b.Name == nil || *b.Name == "" || b.HeadSHA == nil || *b.HeadSHA == "") {
		return errors.New("name and head_sha are required")
	}
	if b.Status != nil && !statuses[*b.Status] {
		return fmt.Errorf("status %q is not valid", *b.Status)
	}
	if b.Conclusion != nil && !conclusions[*b.Conclusion] {
		return fmt.Errorf("conclusion %q is not valid", *b.Conclusion)
	}
	if b.Status != nil && *b.Status == "completed" && b.Conclusion == nil {
		return errors.New("conclusion is required when status is completed")
	}
	if len(b.Actions) > maxActions {
		return fmt.Errorf("%d actions, at most %d", len(b.Actions), maxActions)
	}
	for i, a := range b.Actions {
		if a.Label == "" || len(a.Label) > 20 || a.Description == "" || len(a.Description) > 40 || a.Identifier == "" || len(a.Identifier) > 20 {
			return fmt.Errorf("action %d: label (1-20), description (1-40) and identifier (1-20) are required", i)
		}
	}
	if b.Output == nil {
		return nil
	}
	o := b.Output
	switch {
	case o.Title == nil || o.Summary == nil:
		return errors.New("output.title and output.summary are required")
	case len(*o.Summary) > maxOutputLen:
		return fmt.Errorf("output.summary is %d long, at most %d", len(*o.Summary), maxOutputLen)
	case o.Text != nil && len(*o.Text) > maxOutputLen:
		return fmt.Errorf("output.text is %d long, at most %d", len(*o.Text), maxOutputLen)
	case len(o.Annotations) > maxAnnotations:
		return fmt.Errorf("%d annotations, at most %d per request", len(o.Annotations), maxAnnotations)
	}
	for i, a := range o.Annotations {
		if a.Path == "" || a.StartLine < 1 || a.EndLine < a.StartLine || !levels[a.Level] || a.Message == "" {
			return fmt.Errorf("annotation %d: path, start_line, end_line, a valid annotation_level and message are required", i)
		}
	}
	return nil
}

// apply changes the run as GitHub would, and records the write.
func (b *checkRunBody) apply(cr *CheckRun, method string) {
	u := CheckRunUpdate{Method: method, HasOutput: b.Output != nil}
	setStr(&cr.Name, b.Name)
	setStr(&cr.HeadSHA, b.HeadSHA)
	setStr(&cr.DetailsURL, b.DetailsURL)
	setStr(&cr.ExternalID, b.ExternalID)
	if b.Status != nil {
		u.Status, cr.Status = *b.Status, *b.Status
		if cr.Status != "completed" {
			cr.Conclusion, cr.CompletedAt = "", time.Time{}
		}
	}
	if b.Conclusion != nil {
		u.Conclusion, cr.Conclusion, cr.Status = *b.Conclusion, *b.Conclusion, "completed"
		cr.CompletedAt = time.Now().UTC()
	}
	if b.StartedAt != nil {
		cr.StartedAt = *b.StartedAt
	} else if cr.StartedAt.IsZero() {
		cr.StartedAt = time.Now().UTC()
	}
	if b.CompletedAt != nil {
		cr.CompletedAt = *b.CompletedAt
	}
	if o := b.Output; o != nil {
		setStr(&cr.Title, o.Title)
		setStr(&cr.Summary, o.Summary)
		setStr(&cr.Text, o.Text)
		cr.Annotations = append(cr.Annotations, o.Annotations...)
		u.Annotations = len(o.Annotations)
	}
	if b.Actions != nil {
		cr.Actions = append([]Action(nil), b.Actions...)
	}
	cr.Updates = append(cr.Updates, u)
}

func setStr(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

type checkRunJSON struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	HeadSHA     string         `json:"head_sha"`
	Status      string         `json:"status"`
	Conclusion  *string        `json:"conclusion"`
	DetailsURL  string         `json:"details_url,omitempty"`
	ExternalID  string         `json:"external_id,omitempty"`
	HTMLURL     string         `json:"html_url"`
	StartedAt   *time.Time     `json:"started_at,omitempty"`
	CompletedAt *time.Time     `json:"completed_at,omitempty"`
	Output      map[string]any `json:"output"`
	App         map[string]any `json:"app"`
}

func (cr *CheckRun) toJSON(base string) checkRunJSON {
	j := checkRunJSON{
		ID: cr.ID, Name: cr.Name, HeadSHA: cr.HeadSHA, Status: cr.Status,
		DetailsURL: cr.DetailsURL, ExternalID: cr.ExternalID,
		HTMLURL: fmt.Sprintf("%s/%s/%s/runs/%d", base, cr.Owner, cr.Repo, cr.ID),
		Output: map[string]any{
			"title": cr.Title, "summary": cr.Summary, "text": cr.Text,
			"annotations_count": len(cr.Annotations),
		},
		App: map[string]any{"id": cr.AppID},
	}
	if cr.Conclusion != "" {
		j.Conclusion = &cr.Conclusion
	}
	if !cr.StartedAt.IsZero() {
		j.StartedAt = &cr.StartedAt
	}
	if !cr.CompletedAt.IsZero() {
		j.CompletedAt = &cr.CompletedAt
	}
	return j
}
