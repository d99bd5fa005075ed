package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		{"/", "/"},
		{"/suppressions", "/suppressions"},
		{"/anomalies/7?x=1&y=%2F", "/anomalies/7?x=1&y=%2F"},
		{"/authors/j%C3%B3se", "/authors/j%C3%B3se"},
		{"", "/"},
		{"suppressions", "/"},
		{"//evil.example/phish", "/"},
		{"/\\evil.example/phish", "/"},
		{"/./%5Cevil.example/phish", "/"}, // the attack: http.Redirect cleans it to /\evil.example
		{"/%5Cevil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%2fevil.example", "/"},
		{"/./evil", "/"},
		{"/a/../b", "/"},
		{"/a/", "/"},
		{"/a?next=\\evil", "/"},
		{"/\tevil", "/"},
		{"/%09/evil.example", "/"},
		{"/%0d%0aSet-Cookie:x", "/"},
		{"/ evil", "/"},
		{"/é", "/"},
		{"/#frag", "/"},
		{"https://evil.example/", "/"},
		{"http:/evil.example", "/"},
		{"/" + strings.Repeat("a", maxNext), "/"},
	} {
		if got := safeNext(tc.next); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}

// FuzzSafeNext: whatever next is, the redirect stays on this origin and
// http.Redirect sends exactly what safeNext returned.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/suppressions?x=1", "/./%5Cevil.example/phish", "//evil", "/\\evil",
		"/%2F%2Fevil", "/a/../b", "https://evil.example", "/%E2%80%AE"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://guard.example.com/login/local")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: neither next nor /", next, got)
		}
		rec := httptest.NewRecorder()
		http.Redirect(rec, httptest.NewRequest(http.MethodGet, "/login/local", nil), got, http.StatusSeeOther)
		loc := rec.Header().Get("Location")
		if loc != got {
			t.Fatalf("safeNext(%q) = %q, but http.Redirect sends %q", next, got, loc)
		}
		// Browsers read a backslash as a slash in http(s) URLs.
		u, err := base.Parse(strings.ReplaceAll(loc, "\\", "/"))
		if err != nil || u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("safeNext(%q) = %q leaves the origin: %v %v", next, got, u, err)
		}
		if p := u.Path; path.Clean(p) != p {
			t.Fatalf("safeNext(%q) = %q: path %q is not clean", next, got, p)
		}
	})
}
