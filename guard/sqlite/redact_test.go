package sqlite

import (
	"net/url"
	"strings"
	"testing"
)

// TestRedact checks that a database setting is shown without its
// password, in the user part or the query, and a file path as it is.
func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/data/repoguard.db", "/data/repoguard.db"},
		{":memory:", ":memory:"},
		{"postgres://rg:s3cret@db:5432/repoguard", "postgres://rg:xxxxx@db:5432/repoguard"},
		{"postgresql://rg@db/repoguard?sslmode=require", "postgresql://rg@db/repoguard?sslmode=require"},
		{"postgres://db/repoguard?password=s3cret&user=rg", "postgres://db/repoguard?password=xxxxx&user=rg"},
		{"postgres://rg:s3cret@db/%zz", "postgres://(unparsable URL)"},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzRedact: whatever the URL, its password does not show.
func FuzzRedact(f *testing.F) {
	f.Add("rg", "s3cret", "db:5432", "sslmode=disable")
	f.Add("", "p@ss:w/rd", "[::1]:5432", "password=other")
	f.Fuzz(func(t *testing.T, user, pass, host, query string) {
		if len(pass) < 4 || strings.Contains("xxxxx", pass) {
			return // too short to tell from the rest of the URL
		}
		u := url.URL{Scheme: "postgres", User: url.UserPassword(user, pass), Host: host, Path: "/repoguard", RawQuery: query}
		out := Redact(u.String())
		if strings.Contains(out, url.UserPassword(user, pass).String()) {
			t.Fatalf("Redact(%q) = %q shows the password", u.String(), out)
		}
		if q, err := url.ParseQuery(query); err == nil && len(q.Get("password")) >= 4 &&
			strings.Contains(out, "password="+url.QueryEscape(q.Get("password"))) {
			t.Fatalf("Redact(%q) = %q shows the query's password", u.String(), out)
		}
	})
}
