package githubtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/keytest"
)

// jwt signs App claims with key.
func jwt(t *testing.T, key *rsa.PrivateKey, iss string, iat, exp time.Time) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": iss, "iat": iat.Unix(), "exp": exp.Unix()})
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func do(t *testing.T, method, url, auth, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// installationToken gets a token the regular way.
func installationToken(t *testing.T, s *Server) string {
	t.Helper()
	now := time.Now()
	st, _, body := do(t, "POST", s.URL+"/app/installations/9/access_tokens", "Bearer "+jwt(t, s.key, "4242", now.Add(-30*time.Second), now.Add(2*time.Minute)), "")
	var tok struct{ Token string }
	if st != 201 || json.Unmarshal([]byte(body), &tok) != nil || tok.Token == "" {
		t.Fatalf("access token: %d %s", st, body)
	}
	return "token " + tok.Token
}

func TestJWTChecked(t *testing.T) {
	s := NewServer(t)
	other := keytest.RSA(t, 1024)
	now := time.Now()
	for name, auth := range map[string]string{
		"none":       "",
		"not jwt":    "Bearer abc",
		"other key":  "Bearer " + jwt(t, other, "4242", now, now.Add(time.Minute)),
		"other app":  "Bearer " + jwt(t, s.key, "1", now, now.Add(time.Minute)),
		"expired":    "Bearer " + jwt(t, s.key, "4242", now.Add(-time.Hour), now.Add(-time.Minute)),
		"too long":   "Bearer " + jwt(t, s.key, "4242", now, now.Add(time.Hour)),
		"future iat": "Bearer " + jwt(t, s.key, "4242", now.Add(time.Hour), now.Add(time.Hour+time.Minute)),
	} {
		if st, _, body := do(t, "POST", s.URL+"/app/installations/9/access_tokens", auth, ""); st != 401 {
			t.Errorf("%s: %d %s, want 401", name, st, body)
		}
	}
	if st, _, _ := do(t, "GET", s.URL+"/repos/a/b/pulls/1", "token nope", ""); st != 401 {
		t.Errorf("unknown installation token: %d, want 401", st)
	}
	if s.Tokens() != 0 {
		t.Error("a token was issued for a bad JWT")
	}
}

func TestCheckRunValidation(t *testing.T) {
	s := NewServer(t)
	auth := installationToken(t, s)
	ann := `{"path":"a","start_line":1,"end_line":1,"annotation_level":"warning","message":"m"}`
	anns := strings.TrimSuffix(strings.Repeat(ann+",", 51), ",")
	tests := []struct {
		name, body string
		want       int
	}{
		{"ok", `{"name":"repoguard","head_sha":"abc"}`, 201},
		{"no head sha", `{"name":"repoguard"}`, 422},
		{"completed without conclusion", `{"name":"r","head_sha":"abc","status":"completed"}`, 422},
		{"bad status", `{"name":"r","head_sha":"abc","status":"done"}`, 422},
		{"output without summary", `{"name":"r","head_sha":"abc","output":{"title":"t"}}`, 422},
		{"51 annotations", `{"name":"r","head_sha":"abc","output":{"title":"t","summary":"s","annotations":[` + anns + `]}}`, 422},
		{"long summary", fmt.Sprintf(`{"name":"r","head_sha":"abc","output":{"title":"t","summary":%q}}`, strings.Repeat("x", 65536)), 422},
		{"bad level", `{"name":"r","head_sha":"abc","output":{"title":"t","summary":"s","annotations":[{"path":"a","start_line":1,"end_line":1,"annotation_level":"error","message":"m"}]}}`, 422},
		{"bad json", `{`, 400},
	}
	for _, tc := range tests {
		if st, _, body := do(t, "POST", s.URL+"/repos/acme/vault/check-runs", auth, tc.body); st != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, st, body, tc.want)
		}
	}
	if n := len(s.CheckRuns()); n != 1 {
		t.Errorf("%d check runs stored, want 1", n)
	}
}

func TestPaginationLinks(t *testing.T) {
	s := NewServer(t)
	auth := installationToken(t, s)
	s.AddPullRequest("acme", "vault", PullRequest{Number: 1})
	for range 5 {
		s.AddReview("acme", "vault", 1, Review{User: "u", State: "APPROVED"})
	}
	st, h, body := do(t, "GET", s.URL+"/api/v3/repos/acme/vault/pulls/1/reviews?per_page=2&page=2", auth, "")
	var got []map[string]any
	if st != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got) != 2 {
		t.Fatalf("page 2: %d %s", st, body)
	}
	link := h.Get("Link")
	for _, want := range []string{"/api/v3/repos/acme/vault/pulls/1/reviews?page=3&per_page=2>; rel=\"next\"", "page=1&per_page=2>; rel=\"first\""} {
		if !strings.Contains(link, want) {
			t.Errorf("Link %q lacks %q", link, want)
		}
	}
}

func TestFaultsInOrder(t *testing.T) {
	s := NewServer(t)
	s.FailNext("GET", "/repos/", 502, 2, nil)
	s.FailNext("", "/repos/", 429, 1, RetryAfter(3))
	var got []string
	for range 4 {
		st, h, _ := do(t, "GET", s.URL+"/repos/a/b/pulls/1", "", "")
		got = append(got, fmt.Sprintf("%d:%s", st, h.Get("Retry-After")))
	}
	if fmt.Sprint(got) != "[502: 502: 429:3 401:]" {
		t.Errorf("statuses = %v", got)
	}
	reqs := s.Requests()
	if !reqs[0].Fault || reqs[3].Fault || reqs[3].Status != 401 {
		t.Errorf("requests = %+v", reqs)
	}
}
