package main

import (
	"net/http"
	"testing"
)

// The end-to-end tests of issue 8's triage items replay, through
// `repoguard serve`, attacks of an insider who may triage: releasing
// their own findings, sending a colleague's sign-in elsewhere, and
// cutting the audit log's tail.

// noRedirect is a client that reports redirects instead of following
// them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestServeSignInOpenRedirect: a sign-in link whose next http.Redirect
// would clean to /\evil.example/phish (another origin to a browser)
// signs in and stays on the server.
func TestServeSignInOpenRedirect(t *testing.T) {
	e := newE2E(t)
	ls := e.start()
	if ls.local == nil {
		t.Fatal("no local sign-in: the e2e server has no GitHub OAuth credentials")
	}
	resp, err := noRedirect.Get(ls.url + "/login/local?token=" + ls.local.Token() + "&next=/./%5Cevil.example/phish")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("sign-in answered %d Location %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
	if len(resp.Cookies()) == 0 {
		t.Error("the sign-in set no session cookie")
	}
}
