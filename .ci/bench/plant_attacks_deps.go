package main

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Dependency hand-overs follow event-stream 2018: a new maintainer adds a
// small dependency (flatmap-stream) that a later version turns malicious;
// or a returning account points a dependency at a fork it controls.

var manifestSkipRE = regexp.MustCompile(`(?i)(^|/)(testdata|vendor|node_modules|examples?|docs?|documentation|tests?|fixtures?|benches|benchmarks?|third_party)/`)

// manifest is a dependency manifest of the tree: its kind and path.
type manifest struct{ kind, path string }

// manifests lists the dependency manifests of the tree.
func (b *buildCtx) manifests() []manifest {
	var out []manifest
	for _, e := range b.snap.files {
		if manifestSkipRE.MatchString(e.Path) || e.Mode == "160000" {
			continue
		}
		kind := ""
		switch base := path.Base(e.Path); {
		case base == "go.mod":
			kind = "go"
		case base == "package.json":
			kind = "npm"
		case base == "Cargo.toml":
			kind = "cargo"
		case e.Path == ".gitmodules":
			kind = "gitmodules"
		case strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"):
			kind = "pip"
		}
		if kind != "" {
			out = append(out, manifest{kind, e.Path})
		}
	}
	return out
}

// pickManifests returns the manifests in the order to try: kinds at
// random, root-level files first within a kind.
func (b *buildCtx) pickManifests() []manifest {
	ms := b.manifests()
	kinds := map[string][]manifest{}
	var names []string
	for _, m := range ms {
		if kinds[m.kind] == nil {
			names = append(names, m.kind)
		}
		kinds[m.kind] = append(kinds[m.kind], m)
	}
	b.rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	var out []manifest
	for _, k := range names {
		l := kinds[k]
		b.rng.Shuffle(len(l), func(i, j int) { l[i], l[j] = l[j], l[i] })
		sort.SliceStable(l, func(i, j int) bool { return strings.Count(l[i].path, "/") < strings.Count(l[j].path, "/") })
		out = append(out, l[:min(3, len(l))]...)
	}
	return out
}

var (
	depPrefixes = []string{"stream", "flat", "async", "bn", "hex", "json", "fast", "tiny", "abi", "rlp", "keccak", "buffer", "event", "deep", "safe", "bytes"}
	depSuffixes = []string{"map", "utils", "codec", "helper", "compat", "lite", "parse", "merge", "pipe", "ext"}
)

func depName(rng *rand.Rand, sep string) string {
	return pick(rng, depPrefixes) + sep + pick(rng, depSuffixes)
}

func forkOwner(rng *rand.Rand) string {
	return makeHandle(pick(rng, firstNames), pick(rng, lastNames), rng)
}

func semver(rng *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d", rng.IntN(2), 1+rng.IntN(9), rng.IntN(12))
}

func goSumHash(rng *rand.Rand) string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return "h1:" + base64.StdEncoding.EncodeToString(b)
}

func buildDepNew(b *buildCtx) (*attack, error) {
	var last error = skipf("no dependency manifest (go.mod, package.json, Cargo.toml, .gitmodules, requirements.txt)")
	for _, m := range b.pickManifests() {
		cs, name, err := b.addDependency(m)
		if err == nil {
			return &attack{changes: cs, typ: pick(b.rng, []string{"feat", "chore"}), scope: "deps",
				text: fmt.Sprintf(pick(b.rng, []string{"add %s for %s handling", "use %s to simplify %s", "depend on %s for %s"}), path.Base(name), pick(b.rng, words)),
				desc: fmt.Sprintf("new dependency %s added to %s", name, m.path)}, nil
		}
		if !isSkip(err) {
			return nil, err
		}
		last = err
	}
	return nil, last
}

func buildDepReturning(b *buildCtx) (*attack, error) {
	var last error = skipf("no dependency manifest (go.mod, package.json, Cargo.toml, .gitmodules, requirements.txt)")
	for _, m := range b.pickManifests() {
		cs, what, widened, err := b.redirectDependency(m)
		if err == nil {
			text, desc := pick(b.rng, []string{"switch %s to maintained fork", "pin %s to upstream fix"}), "dependency %s pointed at a fork in %s"
			if widened {
				text, desc = "relax %s version constraint", "version range of %s widened in %s"
			}
			return &attack{changes: cs, typ: "chore", scope: "deps", text: fmt.Sprintf(text, path.Base(what)),
				desc: fmt.Sprintf(desc, what, m.path)}, nil
		}
		if !isSkip(err) {
			return nil, err
		}
		last = err
	}
	return nil, last
}

// addDependency adds a made-up dependency to m (and its lock or sum file).
func (b *buildCtx) addDependency(m manifest) ([]change, string, error) {
	switch m.kind {
	case "go":
		mod := "github.com/" + forkOwner(b.rng) + "/go-" + depName(b.rng, "-")
		ver := "v" + semver(b.rng)
		c, err := b.edit(m.path, func(s string) (string, error) { return goRequire(s, mod, ver) })
		if err != nil {
			return nil, "", err
		}
		return append([]change{c}, b.goSum(path.Join(path.Dir(m.path), "go.sum"), mod, ver)...), mod, nil
	case "npm":
		name := depName(b.rng, "-")
		c, err := b.edit(m.path, func(s string) (string, error) { return npmAdd(s, name, "^"+semver(b.rng)) })
		return []change{c}, name, err
	case "cargo":
		name := depName(b.rng, "-")
		c, err := b.edit(m.path, func(s string) (string, error) {
			return tomlAdd(s, "dependencies", fmt.Sprintf("%s = %q", name, fmt.Sprintf("0.%d", 1+b.rng.IntN(9))))
		})
		return []change{c}, name, err
	case "gitmodules":
		return b.addSubmodule(m.path)
	case "pip":
		name := depName(b.rng, "-")
		c, err := b.edit(m.path, func(s string) (string, error) { return sortedLineAdd(s, name+"=="+semver(b.rng)), nil })
		return []change{c}, name, err
	}
	return nil, "", skipf("unknown manifest %s", m.path)
}

// goRequire adds "mod ver" to the first require block of a go.mod.
func goRequire(s, mod, ver string) (string, error) {
	i := strings.Index(s, "\nrequire (\n")
	if i < 0 {
		return appendText(s, "\nrequire "+mod+" "+ver+"\n"), nil
	}
	start := i + len("\nrequire (\n")
	end := strings.Index(s[start:], "\n)")
	if end < 0 {
		return "", skipf("go.mod: unterminated require block")
	}
	block := strings.Split(s[start:start+end+1], "\n")
	line := "\t" + mod + " " + ver
	at := len(block) - 1
	for j, l := range block {
		if strings.TrimSpace(l) != "" && strings.TrimSpace(l) > strings.TrimSpace(line) {
			at = j
			break
		}
	}
	block = append(block[:at], append([]string{line}, block[at:]...)...)
	return s[:start] + strings.Join(block, "\n") + s[start+end+1:], nil
}

// goSum adds the sum lines of mod to sum, when the tree has it.
func (b *buildCtx) goSum(sum, mod, ver string) []change {
	c, err := b.edit(sum, func(s string) (string, error) {
		s = sortedLineAdd(s, mod+" "+ver+" "+goSumHash(b.rng))
		return sortedLineAdd(s, mod+" "+ver+"/go.mod "+goSumHash(b.rng)), nil
	})
	if err != nil {
		return nil
	}
	return []change{c}
}

// sortedLineAdd inserts line before the first line of s whose first word
// sorts after line's (go.sum, remappings and requirements are sorted so).
func sortedLineAdd(s, line string) string {
	first := func(l string) string { w, _, _ := strings.Cut(l, " "); return w }
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	at := len(ls)
	for i, l := range ls {
		if first(l) > first(line) {
			at = i
			break
		}
	}
	ls = append(ls[:at], append([]string{line}, ls[at:]...)...)
	return strings.Join(ls, "\n") + "\n"
}

var npmDepsRE = regexp.MustCompile(`(?m)^(\s*)"dependencies"\s*:\s*\{\s*$`)

// npmAdd adds "name": "ver" to the dependencies of a package.json.
func npmAdd(s, name, ver string) (string, error) {
	if strings.Contains(s, `"`+name+`"`) {
		return "", skipf("package.json already names %s", name)
	}
	loc := npmDepsRE.FindStringSubmatchIndex(s)
	if loc == nil {
		i := strings.LastIndex(s, "}")
		if i < 0 {
			return "", skipf("package.json: no object")
		}
		head := strings.TrimRight(s[:i], " \t\n")
		if !strings.HasSuffix(head, ",") && !strings.HasSuffix(head, "{") {
			head += ","
		}
		u := indentUnit("js", s)
		return head + fmt.Sprintf("\n%s\"dependencies\": {\n%s%s%q: %q\n%s}\n", u, u, u, name, ver, u) + s[i:], nil
	}
	indent := s[loc[2]:loc[3]]
	rest := s[loc[1]+1:]
	lines := strings.SplitAfter(rest, "\n")
	var entries []int
	for j, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "}") {
			break
		}
		entries = append(entries, j)
	}
	entryIndent := indent + "  "
	if len(entries) > 0 {
		entryIndent = leading(lines[entries[0]])
	}
	at := len(entries)
	for k, j := range entries {
		if strings.TrimSpace(lines[j]) > fmt.Sprintf("%q", name) {
			at = k
			break
		}
	}
	line := fmt.Sprintf("%s%q: %q", entryIndent, name, ver)
	switch {
	case at < len(entries):
		lines[entries[at]] = line + ",\n" + lines[entries[at]]
	case len(entries) > 0:
		j := entries[len(entries)-1]
		lines[j] = strings.TrimRight(lines[j], "\n") + ",\n" + line + "\n"
	default:
		lines = append([]string{line + "\n"}, lines...)
	}
	return s[:loc[1]+1] + strings.Join(lines, ""), nil
}

// tomlAdd adds line to [section] of a TOML file, in sorted position.
func tomlAdd(s, section, line string) (string, error) {
	re := regexp.MustCompile(`(?m)^\[` + regexp.QuoteMeta(section) + `\]\s*$`)
	loc := re.FindStringIndex(s)
	if loc == nil {
		return "", skipf("no [%s] section", section)
	}
	lines := strings.SplitAfter(s[loc[1]+1:], "\n")
	at := len(lines)
	for j, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") || t == "" || t > line {
			at = j
			break
		}
	}
	lines = append(lines[:at], append([]string{line + "\n"}, lines[at:]...)...)
	return s[:loc[1]+1] + strings.Join(lines, ""), nil
}

var submoduleRE = regexp.MustCompile(`(?m)^\[submodule "([^"]+)"\]\s*\n\s*path\s*=\s*(\S+)\s*\n\s*url\s*=\s*(\S+)`)

// addSubmodule adds a git submodule (the foundry way of adding a
// Solidity dependency), with its remapping when the tree has remappings.
func (b *buildCtx) addSubmodule(p string) ([]change, string, error) {
	name := depName(b.rng, "-")
	dir := "lib"
	old, err := b.snap.read(p)
	if err != nil {
		return nil, "", err
	}
	if m := submoduleRE.FindStringSubmatch(old); m != nil && path.Dir(m[2]) != "." {
		dir = path.Dir(m[2])
	}
	sub := path.Join(dir, name)
	url := "https://github.com/" + forkOwner(b.rng) + "/" + name
	c, err := b.edit(p, func(s string) (string, error) {
		return appendText(s, fmt.Sprintf("[submodule %q]\n\tpath = %s\n\turl = %s\n", sub, sub, url)), nil
	})
	if err != nil {
		return nil, "", err
	}
	cs := []change{c, {path: sub, mode: "160000", data: []byte(randomHex(b.rng, 20))}}
	if _, ok := b.snap.byPath["remappings.txt"]; ok {
		if r, err := b.edit("remappings.txt", func(s string) (string, error) {
			return sortedLineAdd(s, name+"/="+sub+"/src/"), nil
		}); err == nil {
			cs = append(cs, r)
		}
	}
	return cs, url, nil
}
