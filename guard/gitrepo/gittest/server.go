package gittest

import (
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Server serves the repositories under Root over smart HTTP, with git
// http-backend: the repository Root/OWNER/NAME.git at URL/OWNER/NAME.git,
// as GitHub serves them.
type Server struct {
	// URL is the server's root, without a trailing slash.
	URL string
	// Root holds the repositories served.
	Root string

	auth func(user, password string) bool

	mu      sync.Mutex
	hold    chan struct{} // non-nil: requests wait until it is closed
	arrived chan struct{} // told when a request is held
}

// NewServer serves the repositories under root until the test ends. A
// request must carry basic credentials that auth accepts (nil accepts
// any request); others are answered 401. It skips the test when git
// http-backend is not installed.
func NewServer(t testing.TB, root string, auth func(user, password string) bool) *Server {
	t.Helper()
	h := &cgi.Handler{Path: httpBackend(t), Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"}}
	s := &Server{Root: root, auth: auth}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		if !s.wait(r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// httpBackend returns the path of git http-backend, or skips the test.
func httpBackend(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skipf("git --exec-path: %v", err)
	}
	p := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("git http-backend is not installed (%s): %v", p, err)
	}
	return p
}

func (s *Server) authorized(r *http.Request) bool {
	if s.auth == nil {
		return true
	}
	user, password, ok := r.BasicAuth()
	return ok && s.auth(user, password)
}

// wait holds r while the server is held, and reports whether to serve it
// (not when its client went away meanwhile).
func (s *Server) wait(r *http.Request) bool {
	s.mu.Lock()
	hold, arrived := s.hold, s.arrived
	s.mu.Unlock()
	if hold == nil {
		return true
	}
	select {
	case arrived <- struct{}{}:
	default:
	}
	select {
	case <-hold:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Hold makes the server hold every request until release (which the
// end of the test calls too); arrived is told when one is held.
func (s *Server) Hold(t testing.TB) (arrived <-chan struct{}, release func()) {
	hold, arr := make(chan struct{}), make(chan struct{}, 1)
	s.mu.Lock()
	s.hold, s.arrived = hold, arr
	s.mu.Unlock()
	release = sync.OnceFunc(func() {
		s.mu.Lock()
		s.hold, s.arrived = nil, nil
		s.mu.Unlock()
		close(hold)
	})
	t.Cleanup(release)
	return arr, release
}
