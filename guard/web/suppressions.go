package web

import (
	"context"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// maxSuppression is the longest a suppression may last: every
// suppression expires, so that a forgotten one cannot hide an insider.
const maxSuppression = 366 * 24 * time.Hour

// suppressionsData is the suppressions page.
type suppressionsData struct {
	common
	List    []guard.Suppression
	Expired bool
	Form    guard.Suppression
	// Expires is the form's expiry date (2006-01-02).
	Expires     string
	FromAnomaly *guard.Anomaly
	Now         time.Time
}

// suppressionsPage lists suppressions and offers a form to add one,
// filled in from ?anomaly=ID.
func (s *server) suppressionsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := &suppressionsData{common: common{Title: "Suppressions", Nav: "suppressions"},
		Expired: isTrue(q.Get("expired")), Now: s.now(),
		Expires: s.now().Add(30 * 24 * time.Hour).UTC().Format(time.DateOnly)}
	var err error
	if d.List, err = s.store.Suppressions(r.Context(), d.Expired); err != nil {
		return err
	}
	if v := q.Get("anomaly"); v != "" {
		id, err := parseID(v)
		if err != nil {
			return err
		}
		if d.FromAnomaly, err = s.store.Anomaly(r.Context(), id); err != nil {
			return err
		}
		a := d.FromAnomaly
		d.Form = guard.Suppression{Detector: a.Detector, Author: a.Author, Repo: a.Repo}
	}
	s.render(w, r, http.StatusOK, "suppressions", d)
	return nil
}

// addSuppressionForm handles the page's form.
func (s *server) addSuppressionForm(w http.ResponseWriter, r *http.Request) error {
	expires, err := parseTime(r.PostFormValue("expires"), true)
	if err != nil {
		return err
	}
	in := guard.Suppression{Detector: r.PostFormValue("detector"), Author: r.PostFormValue("author"),
		PathGlob: r.PostFormValue("path_glob"), Repo: r.PostFormValue("repo"),
		Reason: r.PostFormValue("reason"), ExpiresAt: expires}
	if _, err := s.addSuppression(r.Context(), in, principalOf(r).Login); err != nil {
		return err
	}
	http.Redirect(w, r, "/suppressions", http.StatusSeeOther)
	return nil
}

// removeSuppressionForm handles a row's remove button.
func (s *server) removeSuppressionForm(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.store.RemoveSuppression(r.Context(), id, principalOf(r).Login); err != nil {
		return err
	}
	http.Redirect(w, r, "/suppressions", http.StatusSeeOther)
	return nil
}

// approveSuppressionForm handles a row's approve button.
func (s *server) approveSuppressionForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.approveSuppression(r); err != nil {
		return err
	}
	http.Redirect(w, r, "/suppressions", http.StatusSeeOther)
	return nil
}

// approveSuppression approves the suppression of the request's path as
// its principal.
func (s *server) approveSuppression(r *http.Request) (*guard.Suppression, error) {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return s.store.ApproveSuppression(r.Context(), id, principalOf(r).Login)
}

// addSuppression checks a new suppression and stores it: a detector and
// either an author or a path glob, a reason, and an expiry within a
// year.
func (s *server) addSuppression(ctx context.Context, in guard.Suppression, actor string) (guard.Suppression, error) {
	now := s.now()
	sup := guard.Suppression{Detector: strings.TrimSpace(in.Detector), Author: strings.TrimSpace(in.Author),
		PathGlob: strings.TrimSpace(in.PathGlob), Repo: strings.TrimSpace(in.Repo),
		Reason: strings.TrimSpace(in.Reason), ExpiresAt: in.ExpiresAt, CreatedBy: actor, CreatedAt: now}
	switch {
	case sup.Detector == "":
		return sup, invalid("a suppression needs a detector")
	case (sup.Author == "") == (sup.PathGlob == ""):
		return sup, invalid("a suppression needs either an author or a path glob, not both")
	case sup.Reason == "":
		return sup, invalid("a suppression needs a reason")
	case len(sup.Reason) > 2000 || len(sup.PathGlob) > 500:
		return sup, invalid("text too long")
	case !sup.ExpiresAt.After(now):
		return sup, invalid("a suppression needs an expiry in the future")
	case sup.ExpiresAt.Sub(now) > maxSuppression:
		return sup, invalid("a suppression may last a year at most")
	}
	if sup.PathGlob != "" {
		if _, err := path.Match(sup.PathGlob, ""); err != nil {
			return sup, invalid("bad path glob " + strconv.Quote(sup.PathGlob))
		}
	}
	id, err := s.store.AddSuppression(ctx, sup)
	if err != nil {
		return sup, err
	}
	sup.ID = id
	return sup, nil
}
