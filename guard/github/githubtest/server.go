package githubtest

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultAppID is the App ID the fake expects in JWTs.
const DefaultAppID = 4242

// Server is a fake GitHub REST API. Tests set up its state (pull
// requests, reviews, team members, files), point a client at URL, and
// inspect what it received. It is safe for concurrent use.
type Server struct {
	// URL is the server's root, without a trailing slash. It serves the
	// API both at the root (like api.github.com) and under /api/v3 (like
	// GitHub Enterprise Server).
	URL string
	// AppID is the App ID that JWTs must carry as issuer.
	AppID int64

	srv *httptest.Server
	mux *http.ServeMux
	key *rsa.PrivateKey

	mu        sync.Mutex
	nextID    int64
	tokens    map[string]int64 // token → installation
	requests  []Request
	faults    []*Fault
	remaining int
	checkRuns map[int64]*CheckRun
	pulls     map[string]*pull // "owner/repo#n"
	members   map[string]string
	files     map[string][]byte
	// manifests are the Apps registered from manifests, by code.
	manifests     map[string]*ManifestApp
	manifestOrder []string
}

// Request is one request the server received.
type Request struct {
	Method string
	// Path is the request path without any /api/v3 prefix.
	Path  string
	Query string
	// Auth is "jwt", "token" or "" for how the request authenticated.
	Auth         string
	Installation int64
	Body         []byte
	// Status is the status code the server answered with.
	Status int
	// Fault is true when an injected fault answered.
	Fault bool
}

// NewServer starts a fake server that is closed when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		AppID:     DefaultAppID,
		key:       appKey(t),
		nextID:    1000,
		tokens:    map[string]int64{},
		remaining: 5000,
		checkRuns: map[int64]*CheckRun{},
		pulls:     map[string]*pull{},
		members:   map[string]string{},
		files:     map[string][]byte{},
		manifests: map[string]*ManifestApp{},
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// BaseURL returns the API base URL in the form clients expect (with a
// trailing slash).
func (s *Server) BaseURL() string { return s.URL + "/" }

// EnterpriseBaseURL returns the API base URL under /api/v3/, as on
// GitHub Enterprise Server.
func (s *Server) EnterpriseBaseURL() string { return s.URL + "/api/v3/" }

// Requests returns a copy of the log of requests received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// SetRateLimitRemaining sets the X-RateLimit-Remaining the server counts
// down from on each authenticated request.
func (s *Server) SetRateLimitRemaining(n int) {
	s.mu.Lock()
	s.remaining = n
	s.mu.Unlock()
}

type ctxKey int

const (
	ctxInstallation ctxKey = iota
	ctxPrefix
)

// serve strips the /api/v3 prefix, injects faults, authenticates, sets
// rate-limit headers, dispatches and records.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	prefix := ""
	if p, ok := strings.CutPrefix(r.URL.Path, "/api/v3"); ok {
		prefix, r.URL.Path, r.URL.RawPath = "/api/v3", p, ""
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body}
	rw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		rec.Status = rw.status
		s.mu.Lock()
		s.requests = append(s.requests, rec)
		s.mu.Unlock()
	}()

	if f := s.takeFault(r.Method, r.URL.Path); f != nil {
		rec.Fault = true
		f.write(rw)
		return
	}
	switch {
	case isManifestFlow(r.URL.Path):
		// The manifest flow's web form and code exchange take no
		// credentials.
	case strings.HasPrefix(r.URL.Path, "/app/"):
		rec.Auth = "jwt"
		if err := s.verifyJWT(r.Header.Get("Authorization")); err != nil {
			writeError(rw, http.StatusUnauthorized, "A JSON web token could not be decoded: "+err.Error())
			return
		}
	default:
		rec.Auth = "token"
		inst, ok := s.installationFor(r.Header.Get("Authorization"))
		if !ok {
			writeError(rw, http.StatusUnauthorized, "Bad credentials")
			return
		}
		rec.Installation = inst
		r = r.WithContext(context.WithValue(r.Context(), ctxInstallation, inst))
		s.rateHeaders(rw.Header())
	}
	r = r.WithContext(context.WithValue(r.Context(), ctxPrefix, prefix))
	s.mux.ServeHTTP(rw, r)
}

func (s *Server) rateHeaders(h http.Header) {
	s.mu.Lock()
	if s.remaining > 0 {
		s.remaining--
	}
	n := s.remaining
	s.mu.Unlock()
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(n))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

func (s *Server) routes() {
	s.mux.HandleFunc("POST /app/installations/{id}/access_tokens", s.handleAccessToken)
	s.mux.HandleFunc("POST /repos/{owner}/{repo}/check-runs", s.handleCreateCheckRun)
	s.mux.HandleFunc("PATCH /repos/{owner}/{repo}/check-runs/{id}", s.handleUpdateCheckRun)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.handleListCheckRuns)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}", s.handlePull)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{sha}/pulls", s.handleCommitPulls)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/commits", s.handlePullCommits)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/pulls/{number}/reviews", s.handleReviews)
	s.mux.HandleFunc("GET /orgs/{org}/teams/{slug}/memberships/{user}", s.handleMembership)
	s.mux.HandleFunc("GET /repos/{owner}/{repo}/contents/{path...}", s.handleContents)
	s.manifestRoutes()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found")
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{
		"message":           msg,
		"documentation_url": "https://docs.github.com/rest",
	})
}

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}
