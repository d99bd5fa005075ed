package web

import (
	"net/url"
	"path"
	"strings"
)

// maxNext bounds the length of a post-sign-in redirect target.
const maxNext = 2048

// safeNext is where a sign-in sends the browser afterwards: next when it
// is a clean path of this site (see localPath), else "/". Both the local
// and the GitHub sign-in go through it, on the way in and on the way
// back.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	return next
}

// localPath reports whether next is a clean absolute path of this
// origin, with an optional query: printable ASCII without a backslash,
// one leading "/" and no scheme, host or fragment; its decoded path
// holds no "//", backslash or control character and is path.Clean's
// fixed point, so that neither http.Redirect nor a browser turns it into
// another origin. "/./%5Cevil.example/phish" fails: http.Redirect would
// clean it to "/\evil.example/phish", which browsers read as
// //evil.example/phish.
func localPath(next string) bool {
	if next == "" || len(next) > maxNext || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, unsafeInNext) {
		return false
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" || u.Fragment != "" ||
		strings.Contains(next, "#") {
		return false
	}
	p := u.Path
	return strings.HasPrefix(p, "/") && !strings.Contains(p, "//") && !strings.ContainsFunc(p, unsafeInPath) &&
		path.Clean(p) == p
}

// unsafeInPath reports the runes a decoded redirect path may not hold:
// control characters and backslash.
func unsafeInPath(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }

// unsafeInNext reports the runes a redirect target may not hold: control
// characters, space, backslash and anything beyond ASCII (a target the
// server built is always escaped).
func unsafeInNext(r rune) bool {
	return r <= ' ' || r == '\\' || r >= 0x7f
}
