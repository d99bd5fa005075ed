package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/repoguard/repoguard/guard"
)

// apiMe returns who is calling.
func (s *server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	writeJSON(w, http.StatusOK, map[string]string{"login": p.Login, "role": p.Role})
	return nil
}

// anomalyList is the answer of GET /api/v1/anomalies: a page and the
// counts by status of the anomalies that match the filters.
type anomalyList struct {
	AnomalyPage
	Counts map[guard.AnomalyStatus]int `json:"counts"`
}

// apiAnomalies lists anomalies with the queue's filters (every status
// unless status is given) and limit/offset paging.
func (s *server) apiAnomalies(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := parseFilter(q, nil, anomalySorts)
	if err != nil {
		return err
	}
	if f.Limit, f.Offset, err = parsePaging(q); err != nil {
		return err
	}
	out := anomalyList{AnomalyPage: AnomalyPage{Limit: f.Limit, Offset: f.Offset}}
	if out.Anomalies, out.Total, err = s.store.Anomalies(r.Context(), f); err != nil {
		return err
	}
	if out.Counts, err = s.store.AnomalyCounts(r.Context(), f); err != nil {
		return err
	}
	if out.Anomalies == nil {
		out.Anomalies = []guard.Anomaly{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// apiAnomaly returns an anomaly with its comments and history.
func (s *server) apiAnomaly(w http.ResponseWriter, r *http.Request) error {
	d, err := s.anomalyDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		AnomalyDetail
		Actions []string `json:"actions"`
	}{AnomalyDetail{Anomaly: d.A, Comments: orEmpty(d.Comments), History: orEmpty(d.History)}, d.Actions})
	return nil
}

// apiTriage applies a triage action; the body (optional) holds reason,
// assignee or body. A release that waits for a second triager answers
// 202 Accepted with the anomaly and its pending_release.
func (s *server) apiTriage(w http.ResponseWriter, r *http.Request) error {
	var in TriageRequest
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a := guard.TriageAction{Kind: r.PathValue("action"), Reason: in.Reason, Assignee: in.Assignee, Body: in.Body}
	got, err := s.triage(r.Context(), r.PathValue("id"), principalOf(r).Login, a)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if pendingRelease(a.Kind, got) {
		status = http.StatusAccepted // asked for: a second triager must confirm it
	}
	writeJSON(w, status, got)
	return nil
}

// apiSuppressions lists suppressions; ?expired=1 includes expired ones.
func (s *server) apiSuppressions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Suppressions(r.Context(), isTrue(r.URL.Query().Get("expired")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"suppressions": orEmpty(list)})
	return nil
}

// apiAddSuppression creates a suppression from detector, author or
// path_glob, repo, reason and expires_at.
func (s *server) apiAddSuppression(w http.ResponseWriter, r *http.Request) error {
	var in guard.Suppression
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sup, err := s.addSuppression(r.Context(), in, principalOf(r).Login)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sup)
	return nil
}

// apiApproveSuppression approves a suppression as a second triager.
func (s *server) apiApproveSuppression(w http.ResponseWriter, r *http.Request) error {
	sup, err := s.approveSuppression(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sup)
	return nil
}

// apiRemoveSuppression removes a suppression.
func (s *server) apiRemoveSuppression(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.store.RemoveSuppression(r.Context(), id, principalOf(r).Login); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiAuthor returns an author's identity, profile (?repo= for one
// repository) and anomalies.
func (s *server) apiAuthor(w http.ResponseWriter, r *http.Request) error {
	d, p, err := s.author(r.Context(), r.PathValue("key"), r.URL.Query().Get("repo"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"key": d.Key, "identity": d.Identity, "profile": p,
		"anomalies": orEmpty(d.Anomalies)})
	return nil
}

// apiPull returns a pull request's verdict, findings and anomalies.
func (s *server) apiPull(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pull(r.Context(), r.PathValue("owner"), r.PathValue("repo"), r.PathValue("number"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"pull": d.PR, "anomalies": orEmpty(d.Anomalies)})
	return nil
}

// decodeJSON reads a JSON body into v; an empty body leaves v as is.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &tooBig):
		return err
	}
	return invalid("bad JSON body: " + err.Error())
}

// orEmpty makes a nil slice encode as [].
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
