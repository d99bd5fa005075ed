package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// User is who signed in, with the role the sign-in method granted
// (guard.RoleTriage or guard.RoleRead).
type User struct {
	Login string
	Role  string
}

// SignIn is a way to sign in, served at /login/{Name} and
// /login/{Name}/callback. The web package owns cookies and sessions: a
// method only decides who the user is.
type SignIn interface {
	// Name is the method's path segment ("github", "local").
	Name() string
	// Label is the text of the login page's button; "" keeps the method
	// off the page (a local link is handed out of band).
	Label() string
	// Begin starts a sign-in. It returns the user when it is done at
	// once, or else a URL to send the browser to and a state that comes
	// back to Callback (kept meanwhile in a short-lived cookie).
	Begin(ctx context.Context, r *http.Request, callbackURL string) (u *User, redirect, state string, err error)
	// Callback finishes a sign-in with the state Begin returned.
	Callback(ctx context.Context, r *http.Request, callbackURL, state string) (*User, error)
}

// LocalLogin signs in with a one-time link, for a server with no GitHub
// App credentials that listens on 127.0.0.1 only: whoever can read the
// link printed at startup becomes the triage user "local". A link works
// once and expires after TTL.
type LocalLogin struct {
	// TTL is how long a link is valid after NewLocalLogin or Renew.
	TTL  time.Duration
	link oneTimeLink
}

// NewLocalLogin returns a local sign-in with a fresh random token valid
// for 15 minutes.
func NewLocalLogin() *LocalLogin {
	l := &LocalLogin{TTL: 15 * time.Minute}
	l.Renew()
	return l
}

// Renew replaces the token with a fresh one and returns it.
func (l *LocalLogin) Renew() string { return l.link.renew(l.TTL) }

// Token returns the current token.
func (l *LocalLogin) Token() string { return l.link.current() }

// Link returns the sign-in link under baseURL ("http://127.0.0.1:8080").
func (l *LocalLogin) Link(baseURL string) string {
	return strings.TrimRight(baseURL, "/") + "/login/local?token=" + url.QueryEscape(l.Token())
}

// Name implements SignIn.
func (l *LocalLogin) Name() string { return "local" }

// Label implements SignIn: the link is not offered on the login page.
func (l *LocalLogin) Label() string { return "" }

// Begin implements SignIn: a valid, unused, unexpired token signs in.
func (l *LocalLogin) Begin(_ context.Context, r *http.Request, _ string) (*User, string, string, error) {
	if r.Method != http.MethodGet {
		return nil, "", "", invalid("open the sign-in link with GET") // HEAD must not use up the link
	}
	if !l.link.use(r.URL.Query().Get("token")) {
		return nil, "", "", forbidden("this sign-in link is wrong, used or expired; restart repoguard serve for a new one")
	}
	return &User{Login: "local", Role: guard.RoleTriage}, "", "", nil
}

// oneTimeLink is the secret of a link handed out of band (printed at
// start): a random token that works once, until it expires.
type oneTimeLink struct {
	// now is the clock (tests); nil means time.Now.
	now func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
	used    bool
}

// renew replaces the token with a fresh one valid for ttl.
func (o *oneTimeLink) renew(ttl time.Duration) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.token, o.used = rand.Text(), false
	o.expires = o.clock().Add(ttl)
	return o.token
}

// current returns the token.
func (o *oneTimeLink) current() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.token
}

// use spends the token: it reports whether got is the token, unused and
// unexpired, and uses it up if so.
func (o *oneTimeLink) use(got string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	ok := o.token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(o.token)) == 1
	if !ok || o.used || !o.clock().Before(o.expires) {
		return false
	}
	o.used = true
	return true
}

func (o *oneTimeLink) clock() time.Time {
	if o.now == nil {
		return time.Now()
	}
	return o.now()
}

// Callback implements SignIn; the local link has no callback.
func (l *LocalLogin) Callback(context.Context, *http.Request, string, string) (*User, error) {
	return nil, notFound("no callback for local sign-in")
}

// stateCookie keeps a sign-in's state and where to go afterwards.
func (s *server) stateCookie() string {
	if s.cfg.InsecureCookies {
		return "repoguard_signin"
	}
	return "__Host-repoguard_signin"
}

// callbackURL is where a method's provider sends the browser back.
func (s *server) callbackURL(r *http.Request, method string) string {
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	if base == "" {
		scheme := "https"
		if r.TLS == nil && s.cfg.InsecureCookies {
			scheme = "http"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/login/" + method + "/callback"
}

func encodeState(state, next string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(state)) + "." + enc.EncodeToString([]byte(next))
}

func decodeState(v string) (state, next string, ok bool) {
	a, b, found := strings.Cut(v, ".")
	sa, err1 := base64.RawURLEncoding.DecodeString(a)
	sb, err2 := base64.RawURLEncoding.DecodeString(b)
	return string(sa), string(sb), found && err1 == nil && err2 == nil
}
