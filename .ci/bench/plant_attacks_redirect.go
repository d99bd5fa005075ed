package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

var (
	goReqLineRE  = regexp.MustCompile(`(?m)^(?:require\s+|\t)([a-z0-9.-]+\.[a-z]+/[^\s]+)\s+(v[^\s]+)\s*$`)
	npmEntryRE   = regexp.MustCompile(`^(\s*)"(@?[\w./-]+)"\s*:\s*"([~^]?\d[^"]*)"(,?)\s*$`)
	npmSectionRE = regexp.MustCompile(`^\s*"(dependencies|devDependencies|peerDependencies)"\s*:\s*\{\s*$`)
	cargoDepRE   = regexp.MustCompile(`^([A-Za-z][\w-]*)\s*=\s*(?:"([^"]+)"|\{(.*)\bversion\s*=\s*"([^"]+)"(.*)\})\s*$`)
	pipPinRE     = regexp.MustCompile(`^([A-Za-z0-9_.-]+)\s*==\s*(\S+)\s*$`)
)

// redirectDependency points an existing dependency of m at a fork or
// widens its version range; it returns the dependency's name and whether
// it was widened.
func (b *buildCtx) redirectDependency(m manifest) (cs []change, name string, widened bool, err error) {
	owner := forkOwner(b.rng)
	switch m.kind {
	case "go":
		var ver string
		c, err := b.edit(m.path, func(s string) (string, error) {
			reqs := goReqLineRE.FindAllStringSubmatch(s, -1)
			if len(reqs) == 0 {
				return "", skipf("%s: no requirement", m.path)
			}
			r := reqs[b.rng.IntN(len(reqs))]
			name, ver = r[1], r[2]
			return appendText(s, fmt.Sprintf("\nreplace %s => github.com/%s/%s %s\n", name, owner, path.Base(name), ver)), nil
		})
		if err != nil {
			return nil, "", false, err
		}
		return append([]change{c}, b.goSum(path.Join(path.Dir(m.path), "go.sum"), "github.com/"+owner+"/"+path.Base(name), ver)...), name, false, nil
	case "npm":
		c, err := b.edit(m.path, func(s string) (string, error) { return b.npmRedirect(s, owner, &name, &widened) })
		return []change{c}, name, widened, err
	case "cargo":
		c, err := b.edit(m.path, func(s string) (string, error) { return b.cargoRedirect(s, owner, &name) })
		return []change{c}, name, false, err
	case "gitmodules":
		cs, name, err = b.submoduleRedirect(m.path, owner)
		return cs, name, false, err
	case "pip":
		c, err := b.edit(m.path, func(s string) (string, error) {
			return b.editLine(s, pipPinRE, func(m []string) string {
				name = m[1]
				return fmt.Sprintf("%s @ git+https://github.com/%s/%s@%s", m[1], owner, m[1], randomHex(b.rng, 4)[:7])
			})
		})
		return []change{c}, name, false, err
	}
	return nil, "", false, skipf("unknown manifest %s", m.path)
}

// editLine rewrites one line matching re (chosen at random) with f.
func (b *buildCtx) editLine(s string, re *regexp.Regexp, f func([]string) string) (string, error) {
	lines := strings.Split(s, "\n")
	var cands []int
	for i, l := range lines {
		if re.MatchString(l) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return "", skipf("no line to change")
	}
	i := cands[b.rng.IntN(len(cands))]
	lines[i] = f(re.FindStringSubmatch(lines[i]))
	return strings.Join(lines, "\n"), nil
}

// npmRedirect points a dependency at a GitHub fork, or widens an exact
// version to any later one.
func (b *buildCtx) npmRedirect(s, owner string, name *string, widened *bool) (string, error) {
	lines := strings.Split(s, "\n")
	var cands []int
	in := false
	for i, l := range lines {
		switch {
		case npmSectionRE.MatchString(l):
			in = true
		case in && strings.HasPrefix(strings.TrimSpace(l), "}"):
			in = false
		case in && npmEntryRE.MatchString(l):
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return "", skipf("package.json: no versioned dependency")
	}
	i := cands[b.rng.IntN(len(cands))]
	m := npmEntryRE.FindStringSubmatch(lines[i])
	*name = m[2]
	val := fmt.Sprintf("github:%s/%s#%s", owner, path.Base(m[2]), randomHex(b.rng, 4)[:7])
	if *widened = m[3][0] >= '0' && m[3][0] <= '9' && b.rng.IntN(2) == 0; *widened {
		val = ">=" + m[3]
	}
	lines[i] = fmt.Sprintf("%s%q: %q%s", m[1], m[2], val, m[4])
	return strings.Join(lines, "\n"), nil
}

// cargoRedirect points a crate at a git fork.
func (b *buildCtx) cargoRedirect(s, owner string, name *string) (string, error) {
	lines := strings.Split(s, "\n")
	var cands []int
	in := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			in = t == "[dependencies]" || t == "[workspace.dependencies]"
			continue
		}
		if in && cargoDepRE.MatchString(t) {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return "", skipf("Cargo.toml: no versioned dependency")
	}
	i := cands[b.rng.IntN(len(cands))]
	m := cargoDepRE.FindStringSubmatch(strings.TrimSpace(lines[i]))
	*name = m[1]
	src := fmt.Sprintf("git = \"https://github.com/%s/%s\", rev = %q", owner, m[1], randomHex(b.rng, 4)[:7])
	if m[2] != "" {
		lines[i] = fmt.Sprintf("%s = { %s }", m[1], src)
	} else {
		lines[i] = fmt.Sprintf("%s = {%s%s%s}", m[1], m[3], src, m[5])
	}
	return strings.Join(lines, "\n"), nil
}

// submoduleRedirect points a submodule at a fork and moves its commit.
func (b *buildCtx) submoduleRedirect(p, owner string) ([]change, string, error) {
	var sub string
	c, err := b.edit(p, func(s string) (string, error) {
		ms := submoduleRE.FindAllStringSubmatchIndex(s, -1)
		if len(ms) == 0 {
			return "", skipf("%s: no submodule", p)
		}
		m := ms[b.rng.IntN(len(ms))]
		sub = s[m[4]:m[5]]
		url := "https://github.com/" + owner + "/" + path.Base(sub)
		return s[:m[6]] + url + s[m[7]:], nil
	})
	if err != nil {
		return nil, "", err
	}
	cs := []change{c}
	if e, ok := b.snap.byPath[sub]; ok && e.Mode == "160000" {
		cs = append(cs, change{path: sub, mode: "160000", data: []byte(randomHex(b.rng, 20)), base: e.Hash})
	}
	return cs, sub, nil
}
