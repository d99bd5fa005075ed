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
