package web

import "github.com/repoguard/repoguard/guard"

// The requests and answers of the JSON API that `repoguard queue` reads, shared by
// the server (this package) and its command-line client.

// AnomalyPage is a page of the anomaly queue, as GET /api/v1/anomalies
// answers it (with the counts by status besides).
type AnomalyPage struct {
	Anomalies []guard.Anomaly `json:"anomalies"`
	Total     int             `json:"total"`
	Limit     int             `json:"limit"`
	Offset    int             `json:"offset"`
}

// AnomalyDetail is an anomaly with its comments and history, as GET
// /api/v1/anomalies/{id} answers it (with the actions that apply
// besides).
type AnomalyDetail struct {
	Anomaly  *guard.Anomaly     `json:"anomaly"`
	Comments []guard.Comment    `json:"comments"`
	History  []guard.AuditEntry `json:"history"`
}

// TriageRequest is the body of POST /api/v1/anomalies/{id}/{action}; a
// field the action does not use is left empty.
type TriageRequest struct {
	Reason   string `json:"reason"`
	Assignee string `json:"assignee"`
	Body     string `json:"body"`
}

// APIError is the body of every error answer of the JSON API.
type APIError struct {
	Error string `json:"error"`
}

// CasePage is a page of the queue's cases, as GET /api/v1/cases answers
// it (with the counts by status besides).
type CasePage struct {
	Cases  []guard.Case `json:"cases"`
	Total  int          `json:"total"`
	Limit  int          `json:"limit"`
	Offset int          `json:"offset"`
}

// CaseDetail is a case with its anomalies (most severe first), the
// audit entries of the case and of its anomalies, and the status changes
// that apply to one or more of them, as GET /api/v1/cases/{id} answers
// it.
type CaseDetail struct {
	Case      *guard.Case        `json:"case"`
	Anomalies []guard.Anomaly    `json:"anomalies"`
	History   []guard.AuditEntry `json:"history"`
	Actions   []string           `json:"actions"`
}

// CaseTriage is the answer of POST /api/v1/cases/{id}/triage, whose
// body is a guard.TriageAction: the case and the anomalies the action
// applied to, as they are now.
type CaseTriage struct {
	Case      *guard.Case     `json:"case"`
	Anomalies []guard.Anomaly `json:"anomalies"`
}
