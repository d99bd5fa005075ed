package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// loginData is the login page.
type loginData struct {
	common
	Methods []loginMethod
	Next    string
}

type loginMethod struct{ Label, URL string }

// loginPage offers the sign-in methods that have a label.
func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	d := &loginData{Next: next}
	for _, m := range s.cfg.SignIn {
		if m.Label() != "" {
			d.Methods = append(d.Methods, loginMethod{m.Label(), "/login/" + m.Name() + "?next=" + url.QueryEscape(next)})
		}
	}
	s.render(w, r, http.StatusOK, "login", d)
}

// beginSignIn starts a sign-in method: either signs in at once or
// redirects to the provider with a state cookie.
func (s *server) beginSignIn(w http.ResponseWriter, r *http.Request) {
	m, ok := s.signIns[r.PathValue("method")]
	if !ok {
		s.htmlError(w, r, notFound("no such sign-in method"))
		return
	}
	next := safeNext(r.URL.Query().Get("next"))
	u, redirect, state, err := m.Begin(r.Context(), r, s.callbackURL(r, m.Name()))
	switch {
	case err != nil:
		s.signInFailed(w, r, m.Name(), err)
	case u != nil:
		s.startSession(w, r, u, next)
	default:
		http.SetCookie(w, &http.Cookie{Name: s.stateCookie(), Value: encodeState(state, next), Path: "/",
			MaxAge: int((10 * time.Minute).Seconds()), HttpOnly: true, Secure: !s.cfg.InsecureCookies,
			SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, redirect, http.StatusFound)
	}
}

// finishSignIn handles the provider's redirect back.
func (s *server) finishSignIn(w http.ResponseWriter, r *http.Request) {
	m, ok := s.signIns[r.PathValue("method")]
	if !ok {
		s.htmlError(w, r, notFound("no such sign-in method"))
		return
	}
	c, err := r.Cookie(s.stateCookie())
	s.clearCookie(w, s.stateCookie())
	if err != nil {
		s.htmlError(w, r, invalid("the sign-in took too long or cookies are off; try again"))
		return
	}
	state, next, ok := decodeState(c.Value)
	if !ok {
		s.htmlError(w, r, invalid("bad sign-in state; try again"))
		return
	}
	u, err := m.Callback(r.Context(), r, s.callbackURL(r, m.Name()), state)
	if err != nil {
		s.signInFailed(w, r, m.Name(), err)
		return
	}
	s.startSession(w, r, u, safeNext(next))
}

// signInFailed logs and shows a failed sign-in.
func (s *server) signInFailed(w http.ResponseWriter, r *http.Request, method string, err error) {
	s.log.WarnContext(r.Context(), "sign-in failed", slog.String("method", method), slog.Any("err", err))
	s.htmlError(w, r, err)
}

// startSession creates a session for u and sends the browser on.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, u *User, next string) {
	if u.Login == "" || (u.Role != guard.RoleTriage && u.Role != guard.RoleRead) {
		s.htmlError(w, r, forbidden("sign-in returned no user or no role"))
		return
	}
	token, err := s.store.CreateSession(r.Context(), u.Login, u.Role, s.cfg.SessionTTL)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "signed in", slog.String("login", u.Login), slog.String("role", u.Role))
	s.setSessionCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the session.
func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if p := principalOf(r); p != nil && p.session != "" {
		if err := s.store.DeleteSession(r.Context(), p.session); err != nil {
			return err
		}
	}
	s.clearCookie(w, s.cookieName())
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
