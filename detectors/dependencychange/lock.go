package dependencychange

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// This file holds the lock-file summary of the dependency-change detector.

var (
	depLockTOML    = regexp.MustCompile(`^name\s*=\s*"([^"]+)"`)
	depLockGem     = regexp.MustCompile(`^ {4}([A-Za-z0-9_.-]+) \(`)
	depLockNotPkgs = map[string]bool{"": true, "dependencies": true, "requires": true, "packages": true,
		"engines": true, "bin": true, "funding": true, "peerDependencies": true, "optionalDependencies": true,
		"devDependencies": true, "peerDependenciesMeta": true, "_meta": true, "default": true, "develop": true,
		"hash": true, "sources": true, "pipfile-spec": true}
)

// LockName returns the package that a line of the lock file named base
// (Cargo.lock, package-lock.json, yarn.lock, go.sum, ...) starts, or "".
func LockName(base, text string) string {
	switch base {
	case "package-lock.json", "npm-shrinkwrap.json", "Pipfile.lock":
		if !strings.HasSuffix(text, "{") {
			return ""
		}
		if n, ok := depJSONObjectKey(text); ok && !depLockNotPkgs[n] {
			if i := strings.LastIndex(n, "node_modules/"); i >= 0 {
				n = n[i+len("node_modules/"):]
			}
			return n
		}
	case "yarn.lock":
		if text != "" && text[0] != ' ' && text[0] != '#' && strings.HasSuffix(text, ":") {
			first, _, _ := strings.Cut(strings.TrimSuffix(text, ":"), ",")
			if !strings.HasPrefix(first, "__") {
				return depStripAt(strings.Trim(first, `"`))
			}
		}
	case "pnpm-lock.yaml":
		if strings.HasPrefix(text, "  ") && !strings.HasPrefix(text, "   ") && strings.HasSuffix(text, ":") {
			n := strings.Trim(strings.TrimSpace(strings.TrimSuffix(text, ":")), `'"`)
			n, _, _ = strings.Cut(n, "(") // peer suffix: foo@1.0.0(bar@2.0.0)
			if strings.ContainsAny(n, "@/") && n != "." {
				return depStripAt(strings.TrimPrefix(n, "/"))
			}
		}
	case "go.sum":
		if f := strings.Fields(text); len(f) == 3 {
			return f[0]
		}
	case "Cargo.lock", "poetry.lock", "uv.lock":
		if !strings.HasPrefix(text, "name") {
			return ""
		}
		if m := depLockTOML.FindStringSubmatch(text); m != nil {
			return m[1]
		}
	case "Gemfile.lock":
		if m := depLockGem.FindStringSubmatch(text); m != nil {
			return m[1]
		}
	case "composer.lock":
		if k, v, ok := strings.Cut(strings.TrimSpace(text), ":"); ok && k == `"name"` {
			return strings.Trim(strings.TrimSpace(v), `",`)
		}
	}
	return ""
}

// depJSONObjectKey returns k for a line `"k": {`.
func depJSONObjectKey(text string) (string, bool) {
	t := strings.TrimSpace(text)
	if len(t) < 5 || t[0] != '"' || t[len(t)-1] != '{' {
		return "", false
	}
	end := strings.IndexByte(t[1:], '"') + 1
	if end < 1 || strings.TrimSpace(t[end+1:len(t)-1]) != ":" {
		return "", false
	}
	return t[1:end], true
}

// depURLs returns the URLs on a line.
func depURLs(s string) []string {
	var out []string
	for off := 0; ; {
		i := strings.Index(s[off:], "://")
		if i < 0 {
			return out
		}
		start, end := textscan.URLBounds(s, off+i)
		if start < off+i {
			out = append(out, s[start:end])
		}
		off = end
	}
}

// depStripAt turns "name@range" (or "@scope/name@range") into the name.
func depStripAt(s string) string {
	if i := strings.LastIndex(s, "@"); i > 0 {
		return s[:i]
	}
	if i := strings.LastIndex(s, "/"); i > 0 && !strings.HasPrefix(s, "@") {
		return s[:i] // pnpm v5: name/version
	}
	return s
}

// depLockSummary reports one finding for the packages a lock file adds
// (info when the change edits the manifest beside it, low otherwise),
// and per source outside the default registries whether something asks
// for it: high when nothing does.
func depLockSummary(pass *guard.Pass, f *guard.FileChange, sources []string, ch *depChange, author depAuthor) {
	base := path.Base(f.Path)
	old := map[string]bool{}
	for _, l := range f.DeletedLines {
		if n := LockName(base, l.Text); n != "" {
			old[n] = true
		}
	}
	var names []string
	first := 0
	for _, l := range f.AddedLines {
		if n := LockName(base, l.Text); n != "" && !old[n] {
			old[n] = true
			names = append(names, n)
			if first == 0 {
				first = l.Number
			}
		}
	}
	if len(names) > 0 {
		sev, follows := guard.Low, ""
		if ch.dirs[path.Dir(f.Path)] {
			sev, follows = guard.Info, ", following the manifest beside it"
		}
		depReport(pass, f.Path, sev, first, fmt.Sprintf("%s adds %s%s: %s.", base,
			explain.Plural(len(names), "package"), follows, explain.List(names, 8)),
			fmt.Sprintf("%d added lines, %d deleted", len(f.AddedLines), len(f.DeletedLines)))
	}
	if f.Status != guard.Added {
		author = depAuthor{why: author.why}
	}
	depLockHosts(pass, f, base, depLockSources(f, base, sources, ch), author)
}

// depLockSource is a source a lock file newly resolves packages from.
type depLockSource struct {
	key   string
	lines []guard.Line
	// asked says what asks for the source ("" when nothing does).
	asked string
}

// depLockSources groups the lock's new resolutions outside the default
// registries by source, and tells for each what asks for it: a manifest
// of the change, the lock's own request (a yarn entry's header, an npm
// "from" or dependency spec), or the lock before the change.
func depLockSources(f *guard.FileChange, base string, sources []string, ch *depChange) []*depLockSource {
	requests := depLockRequests(base)
	asked := map[string]string{}
	for _, l := range f.DeletedLines {
		for _, k := range depSourceKeys(l.Text) {
			asked[k] = "the lock file resolved it before this change"
		}
	}
	var order []*depLockSource
	byKey := map[string]*depLockSource{}
	for _, l := range f.AddedLines {
		if !strings.Contains(l.Text, "://") && !strings.Contains(l.Text, "git@") && !strings.Contains(l.Text, "github:") {
			continue
		}
		if !depLockSourceLine(l.Text) || base == "composer.lock" {
			if requests {
				for _, k := range depSourceKeys(l.Text) {
					asked[k] = "the lock file's own request for it"
				}
			}
			continue
		}
		for _, u := range depURLs(l.Text) {
			if depHasPrefix(u, sources) {
				continue
			}
			k := depSourceKey(u)
			if k == "" {
				continue
			}
			s := byKey[k]
			if s == nil {
				s = &depLockSource{key: k}
				byKey[k] = s
				order = append(order, s)
			}
			s.lines = append(s.lines, l)
		}
	}
	parent := ""
	for _, s := range order {
		switch {
		case ch.keys[s.key]:
			s.asked = "a manifest of this change names it"
		default:
			s.asked = asked[s.key]
		}
		if s.asked != "" && depForges[strings.SplitN(s.key, "/", 2)[0]] {
			parent = s.key
		}
	}
	if requests || parent == "" {
		return order
	}
	// A lock file that records no requests (Cargo.lock) resolves the git
	// dependencies of a git dependency from git too: when the change
	// moves one git source that is asked for, the new others are its own.
	for _, s := range order {
		if s.asked == "" {
			s.asked = "probably a dependency of " + parent + ", which the change moves"
		}
	}
	return order
}

// depLockRequests reports whether a lock file records what each package
// was asked for beside what it resolved to (npm, yarn, pnpm), so that
// its own lines can explain a source.
func depLockRequests(base string) bool {
	switch base {
	case "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml":
		return true
	}
	return false
}

// depLockHosts reports each source: info when something asks for it,
// high when nothing does (a lock file edited to fetch a package from
// elsewhere than its manifest says), low when an active maintainer adds
// the lock file (it records what the manifests, unchanged, ask for).
func depLockHosts(pass *guard.Pass, f *guard.FileChange, base string, srcs []*depLockSource, author depAuthor) {
	var explained []string
	explainedLine := 0
	for _, s := range srcs {
		if s.asked != "" {
			if explainedLine == 0 {
				explainedLine = s.lines[0].Number
			}
			explained = append(explained, s.key+" ("+s.asked+")")
			continue
		}
		ev := []string{explain.Line(s.lines[0])}
		if len(s.lines) > 1 {
			ev = append(ev, explain.Line(s.lines[len(s.lines)-1]))
		}
		sev, note := author.outside()
		depReport(pass, f.Path, sev, s.lines[0].Number, fmt.Sprintf("%s resolves %s from %s, which no "+
			"manifest of this change, no request in the lock file and no earlier version of it names: a "+
			"package installed from elsewhere than its manifest says.%s", base,
			explain.Plural(len(s.lines), "package"), s.key, note), ev...)
	}
	if len(explained) > 0 {
		depReport(pass, f.Path, guard.Info, explainedLine, fmt.Sprintf("%s resolves packages from %s.", base,
			explain.List(explained, 4)))
	}
}

// depLockSourceLine reports whether a lock-file line says where a package
// is fetched from (rather than, say, its funding page).
func depLockSourceLine(t string) bool {
	t = strings.TrimSpace(t)
	for _, k := range []string{`"resolved"`, "resolved ", "resolution:", "source =", "url =", "remote:",
		"registry =", "{ url =", "sdist =", "tarball:"} {
		if strings.HasPrefix(t, k) || (k == "tarball:" && strings.Contains(t, k)) {
			return true
		}
	}
	return false
}

// depHasPrefix reports whether a URL starts with one of the prefixes,
// whatever the scheme of either (old lock files name
// http://registry.npmjs.org).
func depHasPrefix(u string, prefixes []string) bool {
	b := depBareURL(u)
	for _, p := range prefixes {
		if bp := depBareURL(p); bp != "" && (b == bp || strings.HasPrefix(b, bp+"/")) {
			return true
		}
	}
	return false
}

// depHost returns the host of a URL, without user information or port.
func depHost(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 && !strings.HasSuffix(rest, "]") {
		rest = rest[:i]
	}
	return rest
}
