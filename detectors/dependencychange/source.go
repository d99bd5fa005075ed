package dependencychange

import (
	"strings"
)

// This file names where a dependency's code comes from: a source key
// ("github.com/owner/repo" for a code forge, the host for any other URL),
// and whether a source is the dependency's upstream rather than a fork.

// depForges are the hosts whose first two path segments name a
// repository; a key on them is host/owner/repo.
var depForges = map[string]bool{"github.com": true, "gitlab.com": true, "bitbucket.org": true,
	"codeberg.org": true, "gitee.com": true, "git.sr.ht": true}

// depHostAliases are hosts that serve a forge's repositories under
// another name.
var depHostAliases = map[string]string{"codeload.github.com": "github.com", "www.github.com": "github.com",
	"raw.githubusercontent.com": "github.com", "api.github.com": "github.com", "www.gitlab.com": "gitlab.com"}

// depShorthands are the npm and yarn prefixes of forge repositories.
var depShorthands = map[string]string{"github:": "github.com", "gitlab:": "gitlab.com", "bitbucket:": "bitbucket.org"}

// depSourceKeys returns the source keys named on a line: URLs, scp-like
// git addresses (git@host:owner/repo) and forge shorthands
// (github:owner/repo), in order.
func depSourceKeys(s string) []string {
	var out []string
	next := newDepMarks(s)
	for off := 0; off < len(s); {
		i := next.first(off)
		if i < 0 {
			break
		}
		k, end := depKeyAt(s, i)
		if k != "" {
			out = append(out, k)
		}
		off = max(end, i+1)
	}
	return out
}

// depSourceMarks are the strings a source starts with or contains.
var depSourceMarks = []string{"://", "git@", "github:", "gitlab:", "bitbucket:"}

// depMarks finds the next source on a line, searching for each mark
// again only when the scan has passed its last place, so that a line is
// read a bounded number of times.
type depMarks struct {
	s   string
	pos []int // next place of each mark at or after the last offset; -1 for none
}

func newDepMarks(s string) *depMarks {
	m := &depMarks{s: s, pos: make([]int, len(depSourceMarks))}
	for i, mk := range depSourceMarks {
		m.pos[i] = strings.Index(s, mk)
	}
	return m
}

// first returns where the next source starts at or after off, or -1.
func (m *depMarks) first(off int) int {
	best := -1
	for i, mk := range depSourceMarks {
		if m.pos[i] >= 0 && m.pos[i] < off {
			if j := strings.Index(m.s[off:], mk); j >= 0 {
				m.pos[i] = off + j
			} else {
				m.pos[i] = -1
			}
		}
		p := m.pos[i]
		if p < 0 {
			continue
		}
		if mk == "://" {
			for p > off && schemeByte(m.s[p-1]) {
				p--
			}
		}
		if best < 0 || p < best {
			best = p
		}
	}
	return best
}

func schemeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// depKeyAt reads the source starting at s[i:] and returns its key and
// where it ends.
func depKeyAt(s string, i int) (string, int) {
	end := i
	for end < len(s) && !strings.ContainsRune(" \t\"'`,;()<>{}[]|\\", rune(s[end])) {
		end++
	}
	return depSourceKey(s[i:end]), end
}

// depSourceKey returns the source key of one URL, scp-like git address
// or shorthand; "" when it names no remote source.
func depSourceKey(u string) string {
	u = strings.TrimSpace(u)
	var host, rest string
	switch {
	case strings.Contains(u, "://"):
		_, after, _ := strings.Cut(u, "://")
		host, rest, _ = strings.Cut(after, "/")
	case strings.HasPrefix(u, "git@"):
		host, rest, _ = strings.Cut(strings.TrimPrefix(u, "git@"), ":")
	default:
		for p, h := range depShorthands {
			if r, ok := strings.CutPrefix(u, p); ok {
				host, rest = h, r
			}
		}
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	host = strings.ToLower(host)
	if a, ok := depHostAliases[host]; ok {
		host = a
	}
	if !depHostName(host) {
		return ""
	}
	if !depForges[host] {
		return host
	}
	return depRepoKey(host, rest)
}

// depHostName reports whether h looks like a DNS name: dotted labels of
// letters, digits and hyphens.
func depHostName(h string) bool {
	if !strings.Contains(h, ".") || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// depRepoKey returns host/owner/repo from a forge path "owner/repo/...".
func depRepoKey(host, rest string) string {
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	parts := strings.SplitN(strings.Trim(rest, "/"), "/", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return host
	}
	repo := strings.TrimSuffix(strings.ToLower(parts[1]), ".git")
	if at := strings.IndexByte(repo, '@'); at > 0 {
		repo = repo[:at] // pip: repo@ref
	}
	return host + "/" + strings.ToLower(parts[0]) + "/" + repo
}

// depGoModuleKey returns the source key of a Go module path: a forge
// module's repository, else its host.
func depGoModuleKey(mod string) string {
	mod = depFirstField(mod)
	host, rest, _ := strings.Cut(mod, "/")
	host = strings.ToLower(host)
	if !depHostName(host) {
		return ""
	}
	if depForges[host] {
		return depRepoKey(host, rest)
	}
	return host
}

// depOwnerSuffixes are endings of organization names that say nothing
// of who they are ("alloy-rs", "tempoxyz", "ethers-io").
var depOwnerSuffixes = []string{"-rs", "-js", "-go", "-py", "-lang", "-org", "-dev", "-io", "-hq", "-labs",
	"-team", "-project", "-foundation", "-xyz", "xyz", "-oss", "-community", "-protocol", "-network", "hq", "labs"}

// depOwner returns the owner named by a source key, normalized: the
// forge account, or the host's name ("golang" for golang.org).
func depOwner(key string) string {
	parts := strings.Split(key, "/")
	owner := parts[0]
	if len(parts) >= 3 {
		owner = parts[1]
	} else {
		labels := strings.Split(strings.TrimPrefix(owner, "www."), ".")
		if len(labels) >= 2 {
			owner = labels[len(labels)-2]
		}
	}
	owner = strings.ToLower(owner)
	for _, s := range depOwnerSuffixes {
		if t := strings.TrimSuffix(owner, s); t != owner && len(t) >= 3 {
			return t
		}
	}
	return owner
}

// depGenericTokens are words of package names that name no project.
var depGenericTokens = map[string]bool{"go": true, "rs": true, "js": true, "py": true, "lib": true, "libs": true,
	"core": true, "com": true, "org": true, "io": true, "net": true, "github": true, "gitlab": true, "v2": true,
	"v3": true, "sdk": true, "api": true, "utils": true, "x": true}

// depUpstream reports whether a source key belongs to the dependency's
// own project: its owner is a word of the dependency's name ("alloy-rs"
// for alloy-transport, "OpenZeppelin" for @openzeppelin/contracts,
// "golang" for github.com/golang/lint). A fork under another account is
// not.
func depUpstream(name, key string) bool {
	owner := depOwner(key)
	if len(owner) < 3 || depGenericTokens[owner] {
		return false
	}
	for _, t := range depNameTokens(name) {
		if t == owner {
			return true
		}
	}
	return false
}

// depNameTokens splits a dependency name into its words.
func depNameTokens(name string) []string {
	f := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || r == '/' || r == '@' || r == ' ' || r == ':'
	})
	out := f[:0]
	for _, t := range f {
		if !depGenericTokens[t] {
			out = append(out, t)
		}
	}
	return out
}
