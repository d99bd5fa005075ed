package gitrepo

import (
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedactURLAndCloneName(t *testing.T) {
	u := "https://x-access-token:ghs_secret@github.com/org/repo.git"
	if pub := RedactURL(u); pub != "https://github.com/org/repo.git" {
		t.Errorf("RedactURL = %s", pub)
	}
	if pub := RedactURL("//user:pw@host/x"); strings.Contains(pub, "pw") {
		t.Errorf("RedactURL without a scheme = %s", pub)
	}
	k := CloneName(u)
	if !strings.HasPrefix(k, "org_repo-") || !strings.HasSuffix(k, ".git") || strings.ContainsAny(k, "/:@") {
		t.Errorf("CloneName = %s", k)
	}
	if k != CloneName("https://github.com/org/repo.git") {
		t.Error("credentials change the clone's name")
	}
	if CloneName("git@github.com:org/repo.git") == CloneName("https://github.com/org/repo.git") ||
		CloneName("https://ghe.acme.test/org/repo.git") == CloneName("https://github.com/org/repo.git") {
		t.Error("distinct URLs share a clone name")
	}
	err := fetchError(errors.New("cannot reach "+u+" (ghs_secret)"), u, nil)
	if strings.Contains(err.Error(), "ghs_secret") {
		t.Errorf("fetchError leaks: %v", err)
	}
}

// FuzzCloneName: whatever URL a payload names, its clone is one plain
// directory of the cache that ListClones keeps (never a temporary
// clone's name), and neither it nor RedactURL shows a password.
func FuzzCloneName(f *testing.F) {
	for _, s := range []string{
		"https://x-access-token:ghs_secret@github.com/org/repo.git", "https://github.com/../../etc.git",
		"git@github.com:org/repo.git", "/srv/git/.clone-x", "file:///a/b/..", "", ".", "..",
		"https://h/" + strings.Repeat("é", 50) + ".git", "http://u:p@h/%2e%2e/x", "\x00\xff/..",
		"https://github.com/acme/zzzzz.clone-" + strings.Repeat("a", 53) + ".git", // cut to ".clone-aaa..."
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name := CloneName(raw)
		if name != filepath.Base(name) || strings.ContainsAny(name, `/\:@`) || name == "." || name == ".." ||
			strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".git") || len(name) > 80 {
			t.Errorf("CloneName(%q) = %q", raw, name)
		}
		u, err := url.Parse(raw)
		if err != nil || u.User == nil {
			return
		}
		p, _ := u.User.Password()
		for _, secret := range []string{p, u.User.Username()} {
			// A secret the URL holds once, in its user information, is
			// gone (short ones may occur by chance elsewhere).
			if len(secret) >= 8 && strings.Count(raw, secret) == 1 && strings.Contains(RedactURL(raw), secret) {
				t.Errorf("RedactURL(%q) = %q shows %q", raw, RedactURL(raw), secret)
			}
		}
	})
}
