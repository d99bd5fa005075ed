package dependencychange

import (
	"fmt"
	"path"
	"regexp"
	"sort"
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

// depLockName returns the package a lock-file line starts, or "".
func depLockName(base, text string) string {
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

// depLockSummary reports one finding for the packages a lock file adds,
// and one per unexpected host it resolves packages from.
func depLockSummary(pass *guard.Pass, f *guard.FileChange, sources []string) {
	base := path.Base(f.Path)
	old := map[string]bool{}
	for _, l := range f.DeletedLines {
		if n := depLockName(base, l.Text); n != "" {
			old[n] = true
		}
	}
	var names []string
	first := 0
	hosts := map[string][]guard.Line{}
	for _, l := range f.AddedLines {
		if n := depLockName(base, l.Text); n != "" && !old[n] {
			old[n] = true
			names = append(names, n)
			if first == 0 {
				first = l.Number
			}
		}
		if strings.Contains(l.Text, "://") && base != "composer.lock" && depLockSourceLine(l.Text) {
			for _, u := range depURLs(l.Text) {
				if !depHasPrefix(u, sources) {
					h := depHost(u)
					hosts[h] = append(hosts[h], l)
				}
			}
		}
	}
	if len(names) > 0 {
		pass.Report(guard.Finding{
			Severity: guard.Low,
			Score:    0.3,
			Path:     f.Path,
			Line:     first,
			Message:  fmt.Sprintf("%s adds %s: %s.", base, explain.Plural(len(names), "package"), explain.List(names, 8)),
			Evidence: []string{fmt.Sprintf("%d added lines, %d deleted", len(f.AddedLines), len(f.DeletedLines))},
		})
	}
	depLockHosts(pass, f, base, hosts)
}

func depLockHosts(pass *guard.Pass, f *guard.FileChange, base string, hosts map[string][]guard.Line) {
	names := make([]string, 0, len(hosts))
	for h := range hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, h := range names {
		ls := hosts[h]
		ev := []string{explain.Line(ls[0])}
		if len(ls) > 1 {
			ev = append(ev, explain.Line(ls[len(ls)-1]))
		}
		pass.Report(guard.Finding{
			Severity: guard.High,
			Score:    0.8,
			Path:     f.Path,
			Line:     ls[0].Number,
			Message: fmt.Sprintf("%s resolves %s from %s, which is not a default registry: check that the "+
				"manifest asks for this source.", base, explain.Plural(len(ls), "package"), h),
			Evidence: ev,
		})
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

func depHasPrefix(u string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(u, p) {
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
