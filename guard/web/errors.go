package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/repoguard/repoguard/guard"
)

// errUnauthorized: the request carries no valid session or token.
var errUnauthorized = errors.New("sign in required")

// userError is an error whose message is meant for the user; it wraps
// one of the guard sentinels, which decide its status.
type userError struct {
	kind error
	msg  string
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

func notFound(msg string) error  { return &userError{guard.ErrNotFound, msg} }
func invalid(msg string) error   { return &userError{guard.ErrInvalid, msg} }
func forbidden(msg string) error { return &userError{guard.ErrForbidden, msg} }

// statusOf is the one place mapping errors to HTTP statuses and to the
// message shown: store errors wrap the guard sentinels; anything else is
// an internal error whose details stay in the log.
func statusOf(err error) (int, string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, err.Error()
	case errors.Is(err, guard.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.Is(err, guard.ErrInvalid):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, guard.ErrForbidden):
		return http.StatusForbidden, err.Error()
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, "request body too large"
	}
	return http.StatusInternalServerError, "internal error"
}

// logError logs server errors with the request; client errors are in the
// request log line already.
func (s *server) logError(r *http.Request, status int, err error) {
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("err", err))
	}
}

// jsonError writes err as {"error": "..."}.
func (s *server) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	s.logError(r, status, err)
	writeJSON(w, status, APIError{Error: msg})
}

// htmlError renders the error page for err.
func (s *server) htmlError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	s.logError(r, status, err)
	s.render(w, r, status, "error", &errorData{Status: status, Text: http.StatusText(status), Message: msg})
}

// errorData is the error page.
type errorData struct {
	common
	Status  int
	Text    string
	Message string
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// crossOriginDenied answers a state-changing cross-site request.
func (s *server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	err := forbidden("cross-site request refused")
	if isAPI(r) {
		s.jsonError(w, r, err)
		return
	}
	s.htmlError(w, r, err)
}
