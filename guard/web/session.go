package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// principal is who makes a request: a session's user or an API token.
type principal struct {
	Login string
	Role  string
	// CSRF is the session's token ("" for API tokens).
	CSRF   string
	bearer bool
	// session is the session's secret, to end it on logout.
	session string
}

// CanTriage reports whether the principal may change state.
func (p *principal) CanTriage() bool { return p != nil && p.Role == guard.RoleTriage }

type principalKey struct{}

// principalOf returns the authenticated principal of a request.
func principalOf(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey{}).(*principal)
	return p
}

// cookieName is the session cookie; the __Host- prefix makes the browser
// insist on Secure, Path=/ and no Domain.
func (s *server) cookieName() string {
	if s.cfg.InsecureCookies {
		return "repoguard_session"
	}
	return "__Host-repoguard_session"
}

// authenticate finds the principal of r from a bearer token or the
// session cookie; errUnauthorized when there is none.
func (s *server) authenticate(r *http.Request) (*principal, error) {
	if scheme, secret, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		tok, err := s.store.TokenAuth(r.Context(), strings.TrimSpace(secret))
		if errors.Is(err, guard.ErrNotFound) || (err == nil && tok == nil) {
			return nil, errUnauthorized
		}
		if err != nil {
			return nil, err
		}
		return &principal{Login: "token:" + tok.Name, Role: tok.Role, bearer: true}, nil
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return nil, errUnauthorized
	}
	sess, err := s.store.Session(r.Context(), c.Value)
	if errors.Is(err, guard.ErrNotFound) || (err == nil && sess == nil) {
		return nil, errUnauthorized
	}
	if err != nil {
		return nil, err
	}
	if !sess.ExpiresAt.IsZero() && !s.now().Before(sess.ExpiresAt) {
		return nil, errUnauthorized
	}
	return &principal{Login: sess.Login, Role: sess.Role, CSRF: sess.CSRF, session: c.Value}, nil
}

// checkState guards a state-changing request: a cookie session must
// carry its CSRF token (header X-CSRF-Token or form field csrf), and the
// role must allow the change. Cross-site requests were refused before.
func checkState(r *http.Request, p *principal, triage bool) error {
	if !p.bearer {
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue("csrf")
		}
		if p.CSRF == "" || subtle.ConstantTimeCompare([]byte(got), []byte(p.CSRF)) != 1 {
			return forbidden("missing or wrong CSRF token; reload the page and try again")
		}
	}
	if triage && !p.CanTriage() {
		return forbidden("your role (" + p.Role + ") may only read")
	}
	return nil
}

// handler is a handler whose errors the wrappers render.
type handler func(w http.ResponseWriter, r *http.Request) error

// maxBody bounds request bodies.
const maxBody = 64 << 10

// withPrincipal authenticates r and, for state changes, checks CSRF and
// role; it returns the request carrying the principal.
func (s *server) withPrincipal(w http.ResponseWriter, r *http.Request, triage bool) (*http.Request, error) {
	p, err := s.authenticate(r)
	if err != nil {
		return r, err
	}
	if info, ok := r.Context().Value(reqInfoKey{}).(*reqInfo); ok {
		info.login = p.Login
	}
	r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := checkState(r, p, triage); err != nil {
			return r, err
		}
	}
	return r, nil
}

// page wraps an HTML page: without a session it redirects to /login.
func (s *server) page(h handler) http.Handler {
	return s.action(h, true)
}

// action wraps an HTML handler; triage says whether a state change needs
// the triage role.
func (s *server) action(h handler, triage bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, err := s.withPrincipal(w, r, triage)
		if errors.Is(err, errUnauthorized) {
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = "/"
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.htmlError(w, r, err)
		}
	})
}

// api wraps a JSON handler: 401 without credentials, and every state
// change needs the triage role.
func (s *server) api(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, err := s.withPrincipal(w, r, true)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			if errors.Is(err, errUnauthorized) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="repoguard"`)
			}
			s.jsonError(w, r, err)
		}
	})
}

// isAPI reports whether r is an API request.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// setSessionCookie starts the browser session.
func (s *server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/",
		MaxAge: int(s.cfg.SessionTTL.Seconds()), HttpOnly: true, Secure: !s.cfg.InsecureCookies,
		SameSite: http.SameSiteLaxMode})
}

// clearCookie removes a cookie.
func (s *server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode})
}
