package dependencychange

import (
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// This file holds the manifest parsers of the dependency-change detector:
// each reads one side (added or deleted lines) of a manifest into a depFile.

// npm

var (
	depJSONPair    = regexp.MustCompile(`^\s*"([^"]+)"\s*:\s*"([^"]*)"\s*,?\s*$`)
	depJSONObject  = regexp.MustCompile(`^\s*"([^"]+)"\s*:\s*\{\s*$`)
	depNPMSections = map[string]bool{"dependencies": true, "devDependencies": true, "optionalDependencies": true,
		"peerDependencies": true, "overrides": true, "resolutions": true}
	depNPMNotDeps = map[string]bool{"name": true, "version": true, "description": true, "main": true,
		"url": true, "directory": true, "email": true, "tag": true, "access": true, "registry": true,
		"module": true, "types": true, "typings": true, "license": true, "author": true, "homepage": true,
		"packageManager": true, "node": true, "npm": true, "yarn": true, "pnpm": true, "type": true,
		"browser": true, "private": true, "engines": true, "repository": true, "bugs": true, "funding": true,
		"exports": true, "style": true, "unpkg": true, "jsdelivr": true}
	// depNPMFileExt marks a value that names a file ("bin/cli.js"), not a
	// GitHub repository ("user/repo").
	depNPMFileExt = regexp.MustCompile(`\.(?:[cm]?js|ts|json|sh|css|node|map)$`)
	depNPMSpec    = regexp.MustCompile(`^(?:[\^~<>=]*\s*v?\d|\*$|x$|latest$|next$|git[+:]|github:|gitlab:|` +
		`bitbucket:|https?:|file:|link:|npm:|workspace:|[a-z0-9][\w.-]*/[\w.-]+(?:#\S*)?$)`)
)

// depParseNPM reads package.json lines. Sections are known from object
// headers among the lines themselves; across a gap between hunks they are
// unknown and a dependency is recognized by its version spec.
func depParseNPM(lines []guard.Line, fromTop bool) depFile {
	var out depFile
	section := "?"
	if fromTop {
		section = ""
	}
	prev := 0
	for _, l := range lines {
		if prev != 0 && l.Number != prev+1 {
			section = "?"
		}
		prev = l.Number
		t := strings.TrimSpace(l.Text)
		if m := depJSONObject.FindStringSubmatch(l.Text); m != nil {
			section = m[1]
			continue
		}
		if strings.HasPrefix(t, "}") {
			section = ""
			continue
		}
		m := depJSONPair.FindStringSubmatch(l.Text)
		if m == nil {
			continue
		}
		key, val := m[1], m[2]
		_, hook := depInstallHooks[key]
		switch {
		case (section == "scripts" || section == "?") && hook:
			out.scripts = append(out.scripts, depEntry{name: key, spec: val, section: "scripts", line: l})
		case depNPMSections[section]:
			out.deps = append(out.deps, depEntry{name: key, spec: val, section: section, line: l,
				patch: section == "overrides" || section == "resolutions"})
		case section == "?" && !depNPMNotDeps[key] && depNPMSpec.MatchString(val) && !depNPMFileExt.MatchString(val):
			out.deps = append(out.deps, depEntry{name: key, spec: val, section: "?", line: l})
		}
	}
	return out
}

// go.mod

// depParseGoMod reads require and replace directives, single or in blocks.
func depParseGoMod(lines []guard.Line) depFile {
	var out depFile
	block := "?"
	prev := 0
	for _, l := range lines {
		if prev != 0 && l.Number != prev+1 {
			block = "?"
		}
		prev = l.Number
		code, comment, _ := strings.Cut(l.Text, "//")
		f := strings.Fields(code)
		if len(f) == 0 {
			continue
		}
		switch {
		case len(f) == 2 && f[1] == "(":
			block = f[0]
			continue
		case f[0] == ")":
			block = ""
			continue
		case f[0] == "require" || f[0] == "replace":
			block, f = "", f[1:]
			if len(f) == 0 {
				continue
			}
			depGoLine(&out, f, l, comment)
			continue
		}
		if block == "require" || block == "replace" || block == "?" {
			depGoLine(&out, f, l, comment)
		}
	}
	return out
}

// depGoLine records one require ("path version") or replace
// ("path [version] => target [version]") line.
func depGoLine(out *depFile, f []string, l guard.Line, comment string) {
	if i := depIndexOf(f, "=>"); i > 0 && i < len(f)-1 {
		out.deps = append(out.deps, depEntry{name: strings.Join(f[:i], " "), spec: strings.Join(f[i+1:], " "),
			line: l, patch: true})
		return
	}
	if len(f) == 2 && strings.HasPrefix(f[1], "v") && strings.Contains(f[0], ".") {
		out.deps = append(out.deps, depEntry{name: f[0], spec: f[1], line: l,
			indirect: strings.Contains(comment, "indirect")})
	}
}

func depIndexOf(f []string, s string) int {
	for i, x := range f {
		if x == s {
			return i
		}
	}
	return -1
}

// Cargo.toml, pyproject.toml, Pipfile

var (
	depTOMLKey     = regexp.MustCompile(`^([A-Za-z0-9_.-]+|"[^"]+")\s*=\s*(.*)$`)
	depTOMLString  = regexp.MustCompile(`"([^"]*)"|'([^']*)'`)
	depPEP508      = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)`)
	depTOMLNotDeps = map[string]bool{"name": true, "version": true, "edition": true, "authors": true,
		"description": true, "license": true, "license-file": true, "repository": true, "homepage": true,
		"documentation": true, "readme": true, "rust-version": true, "publish": true, "build": true,
		"links": true, "default-run": true, "resolver": true, "python": true, "requires-python": true,
		"python_version": true, "opt-level": true, "lto": true, "panic": true, "debug": true}
	depArrayKeys = map[string]bool{"dependencies": true, "requires": true, "dev-dependencies": true}
)

// depTOMLState tracks the table and array a TOML line is in.
type depTOMLState struct {
	table   string // "" at top, "?" unknown
	inArray string // the key of an open dependency array
	tableOf string // for [dependencies.NAME]: NAME
}

// depTableKind classifies a TOML table: "deps", "patch", "source", or "".
func depTableKind(table string) string {
	t := strings.ToLower(table)
	switch {
	case strings.HasPrefix(t, "patch.") || t == "replace":
		return "patch"
	case strings.HasSuffix(t, "dependencies") || t == "packages" || t == "dev-packages" ||
		strings.HasSuffix(t, "optional-dependencies") || t == "dependency-groups":
		return "deps"
	case strings.HasSuffix(t, ".source") || t == "source" || strings.HasSuffix(t, ".index") ||
		t == "tool.uv" || t == "tool.pip" || strings.HasPrefix(t, "registries") || strings.HasPrefix(t, "source."):
		return "source"
	}
	return ""
}

// depParseTOML reads Cargo.toml, pyproject.toml and Pipfile lines.
func depParseTOML(eco depEco, lines []guard.Line, fromTop bool) depFile {
	var out depFile
	st := depTOMLState{table: "?"}
	if fromTop {
		st.table = ""
	}
	prev := 0
	for _, l := range lines {
		if prev != 0 && l.Number != prev+1 {
			st = depTOMLState{table: "?"}
		}
		prev = l.Number
		t := strings.TrimSpace(l.Text)
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '[' && st.inArray == "" {
			st = depTOMLHeader(&out, t, l)
			continue
		}
		depTOMLLine(&out, eco, &st, t, l)
	}
	return out
}

// depTOMLHeader starts a table; [dependencies.NAME] adds NAME itself.
func depTOMLHeader(out *depFile, t string, l guard.Line) depTOMLState {
	name := strings.Trim(t, "[] ")
	st := depTOMLState{table: name}
	if i := strings.LastIndex(name, "."); i > 0 && depTableKind(name[:i]) == "deps" {
		st.table, st.tableOf = name[:i], strings.Trim(name[i+1:], `"'`)
		out.deps = append(out.deps, depEntry{name: st.tableOf, section: name[:i], line: l})
	}
	return st
}

func depTOMLLine(out *depFile, eco depEco, st *depTOMLState, t string, l guard.Line) {
	kind := depTableKind(st.table)
	if st.inArray != "" {
		for _, s := range depTOMLStrings(t) {
			depAddPEP508(out, s, st.inArray, l, false)
		}
		if strings.Contains(t, "]") {
			st.inArray = ""
		}
		return
	}
	m := depTOMLKey.FindStringSubmatch(t)
	if m == nil {
		if st.table == "?" && (strings.HasPrefix(t, `"`) || strings.HasPrefix(t, `'`)) {
			for _, s := range depTOMLStrings(t) {
				depAddPEP508(out, s, "?", l, true)
			}
		}
		return
	}
	key, val := strings.Trim(m[1], `"`), strings.TrimSpace(m[2])
	switch {
	case st.tableOf != "":
		// a key of [dependencies.NAME]: fold the source into NAME's spec
		e := &out.deps[len(out.deps)-1]
		switch {
		case key == "version" && e.spec == "":
			e.spec = depUnquote(val)
		case key == "git" || key == "registry" || key == "path" || key == "version":
			e.spec = strings.TrimPrefix(e.spec+", "+key+" = "+depUnquote(val), ", ")
		}
	case kind == "source" && (key == "url" || strings.HasSuffix(key, "index-url") || key == "index" ||
		key == "replace-with"):
		out.registry = append(out.registry, depEntry{name: st.table + "." + key, spec: depUnquote(val), line: l})
	case strings.HasPrefix(val, "[") && (depArrayKeys[key] || kind == "deps") && eco == depPyproject:
		section := depSectionName(st.table, key)
		for _, s := range depTOMLStrings(val) {
			depAddPEP508(out, s, section, l, false)
		}
		if !strings.Contains(val, "]") {
			st.inArray = section
		}
	case (kind == "deps" || kind == "patch") && key != "python":
		out.deps = append(out.deps, depEntry{name: key, spec: depInlineSpec(val), section: st.table, line: l,
			patch: kind == "patch"})
	case st.table == "?" && !depTOMLNotDeps[key] && depTOMLDepValue(val):
		out.deps = append(out.deps, depEntry{name: key, spec: depInlineSpec(val), section: "?", line: l})
	}
}

func depSectionName(table, key string) string {
	if table == "" || table == "?" {
		return key
	}
	return table + "." + key
}

// depTOMLDepValue reports whether a value looks like a dependency spec:
// a version string or an inline table with version, git or path.
func depTOMLDepValue(val string) bool {
	if strings.HasPrefix(val, "{") {
		return strings.Contains(val, "version") || strings.Contains(val, "git") || strings.Contains(val, "path")
	}
	if !strings.HasPrefix(val, `"`) && !strings.HasPrefix(val, "'") {
		return false // a number or a boolean
	}
	s := depUnquote(val)
	return s != "" && depNPMSpec.MatchString(s) && !strings.Contains(s, "/")
}

// depInlineSpec renders a TOML value as a spec: the string itself, or
// the inline table's version/git/path/registry fields.
func depInlineSpec(val string) string {
	if !strings.HasPrefix(val, "{") {
		return depUnquote(val)
	}
	var parts []string
	for _, kv := range strings.Split(strings.Trim(val, "{} "), ",") {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if ok && (k == "version" || k == "git" || k == "path" || k == "registry" || k == "url" ||
			k == "branch" || k == "rev" || k == "tag") {
			parts = append(parts, k+" = "+depUnquote(strings.TrimSpace(v)))
		}
	}
	if len(parts) == 1 && strings.HasPrefix(parts[0], "version = ") {
		return strings.TrimPrefix(parts[0], "version = ")
	}
	return strings.Join(parts, ", ")
}

func depUnquote(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " #"); i >= 0 && strings.Count(s[:i], `"`)%2 == 0 {
		s = strings.TrimSpace(s[:i])
	}
	return strings.Trim(s, `"'`)
}

func depTOMLStrings(s string) []string {
	var out []string
	for _, m := range depTOMLString.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

// depAddPEP508 records a "name[extras] spec; marker" or "name @ url"
// requirement. When strict, a bare name is not enough: in an unknown
// table a quoted word may be a keyword or a classifier.
func depAddPEP508(out *depFile, s, section string, l guard.Line, strict bool) {
	m := depPEP508.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return
	}
	spec := strings.TrimSpace(m[3])
	if spec != "" && !strings.ContainsAny(spec[:1], "=<>!~@(") {
		return
	}
	if strict && spec == "" {
		return
	}
	spec = strings.TrimSpace(strings.TrimPrefix(spec, "@"))
	out.deps = append(out.deps, depEntry{name: depPyName(m[1]), spec: spec, section: section, line: l})
}

func depPyName(n string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(n))
}

// requirements.txt

var depEgg = regexp.MustCompile(`#egg=([A-Za-z0-9._-]+)`)

// depParsePip reads requirements files: requirements, URL requirements and
// index options.
func depParsePip(lines []guard.Line) depFile {
	var out depFile
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if i := strings.Index(t, " #"); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		t = strings.TrimSpace(strings.TrimSuffix(t, "\\"))
		if t == "" || t[0] == '#' {
			continue
		}
		if t[0] == '-' {
			depPipOption(&out, t, l)
			continue
		}
		if strings.Contains(t, "://") && !strings.Contains(t, " @ ") {
			name := t
			if m := depEgg.FindStringSubmatch(t); m != nil {
				name = depPyName(m[1])
			}
			out.deps = append(out.deps, depEntry{name: name, spec: t, line: l})
			continue
		}
		if i := strings.Index(t, " --"); i >= 0 {
			t = t[:i] // per-requirement options such as --hash
		}
		depAddPEP508(&out, t, "", l, false)
	}
	return out
}

func depPipOption(out *depFile, t string, l guard.Line) {
	i := strings.IndexAny(t, "= ")
	if i < 0 {
		return
	}
	opt, val := t[:i], strings.TrimSpace(t[i+1:])
	switch opt {
	case "-i", "--index-url", "--extra-index-url", "--trusted-host", "-f", "--find-links":
		out.registry = append(out.registry, depEntry{name: strings.TrimLeft(opt, "-"), spec: val, line: l})
	case "-e", "--editable":
		if strings.Contains(val, "://") || strings.HasPrefix(val, "git+") {
			name := val
			if m := depEgg.FindStringSubmatch(val); m != nil {
				name = depPyName(m[1])
			}
			out.deps = append(out.deps, depEntry{name: name, spec: val, line: l})
		}
	}
}

// .gitmodules

// depParseSubmodules reads [submodule "name"] sections and their urls. A
// url whose section header is not among the lines is named "?".
func depParseSubmodules(lines []guard.Line) depFile {
	var out depFile
	name := "?"
	prev := 0
	for _, l := range lines {
		if prev != 0 && l.Number != prev+1 {
			name = "?"
		}
		prev = l.Number
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, "[submodule") {
			name = strings.Trim(strings.TrimPrefix(t, "[submodule"), ` "]`)
			continue
		}
		if k, v, ok := strings.Cut(t, "="); ok && strings.TrimSpace(k) == "url" {
			out.deps = append(out.deps, depEntry{name: name, spec: strings.TrimSpace(v), section: "submodules", line: l})
		}
	}
	return out
}

// registry configuration

// depRegistryKeys are the settings that choose where packages come from.
var depRegistryKeys = map[string]bool{"registry": true, "index-url": true, "extra-index-url": true,
	"trusted-host": true, "find-links": true, "index": true, "replace-with": true, "npmregistryserver": true,
	"strict-ssl": true, "unsafehttpwhitelist": true}

// depParseRegistry reads key=value, key: value and key "value" settings.
func depParseRegistry(lines []guard.Line) depFile {
	var out depFile
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if t == "" || t[0] == '#' || t[0] == ';' || t[0] == '[' {
			continue
		}
		i := strings.IndexByte(t, '=')
		if i < 0 {
			i = strings.IndexAny(t, ": ")
		}
		if i <= 0 {
			continue
		}
		key := strings.Trim(t[:i], `"' `)
		val := depUnquote(strings.TrimLeft(t[i:], "=: "))
		k := strings.ToLower(key)
		if j := strings.LastIndex(k, ":"); j > 0 && strings.HasPrefix(k, "@") {
			k = k[j+1:] // @scope:registry
		}
		if depRegistryKeys[k] && !(k == "strict-ssl" && val != "false") {
			out.registry = append(out.registry, depEntry{name: key, spec: val, line: l})
		}
	}
	return out
}
