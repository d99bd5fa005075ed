package main

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

var (
	ignoreFileRE = regexp.MustCompile(`(^|/)\.(gitattributes|dockerignore|npmignore|gitignore)$`)
	hiddenRE     = regexp.MustCompile(`(^|/)(CMakeLists\.txt|[^/]+\.cmake|configure\.ac|configure|[^/]+\.m4|meson\.build|Makefile|[^/]+\.mk|Makefile\.am|build\.rs|[jJ]ustfile|setup\.py|build\.gradle(\.kts)?|BUILD(\.bazel)?|foundry\.toml|remappings\.txt|hardhat\.config\.[jt]s|install[^/]*\.sh|Dockerfile[^/]*|[^/]*deploy[^/]*|[^/]+\.s\.sol)$|^scripts?/[^/]+\.sh$`)
)

// hideTargets returns patterns (relative to dir) that match build or
// deploy files under dir, each with the number of files it hides: a
// folder's files of one extension when there are several, else one file.
func (b *buildCtx) hideTargets(dir string) map[string]int {
	groups := map[string]int{}
	for _, e := range b.snap.match(hiddenRE) {
		rel := e.Path
		if dir != "." {
			if !strings.HasPrefix(e.Path, dir+"/") {
				continue
			}
			rel = strings.TrimPrefix(e.Path, dir+"/")
		}
		if manifestSkipRE.MatchString(rel) || notBuildScript(e.Path) {
			continue
		}
		if ext := path.Ext(rel); ext != "" && path.Dir(rel) != "." {
			groups[path.Dir(rel)+"/*"+ext]++
		}
		groups[rel] += 0
	}
	out := map[string]int{}
	for g, n := range groups {
		if n >= 2 || !strings.Contains(g, "*") {
			out[g] = max(n, 1)
		}
	}
	return out
}

// ignoreLine is the rule that hides pattern in an ignore file.
func ignoreLine(file, pattern string) string {
	if path.Base(file) == ".gitattributes" {
		return pattern + " export-ignore"
	}
	return pattern
}

func buildIgnoreBuild(b *buildCtx) (*attack, error) {
	files := paths(b.snap.match(ignoreFileRE))
	if len(files) == 0 {
		return nil, skipf("no .gitattributes, .dockerignore, .npmignore or .gitignore")
	}
	// Rules that shape what is released or built (.gitattributes'
	// export-ignore, .dockerignore, .npmignore) and top-level files first.
	b.rng.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	rank := func(p string) int {
		r := 2 * strings.Count(p, "/")
		if path.Base(p) == ".gitignore" {
			r++
		}
		return r
	}
	sort.SliceStable(files, func(i, j int) bool { return rank(files[i]) < rank(files[j]) })
	var pattern string
	var hidden int
	c, err := b.orderedEdit(files, func(p, old string) (string, error) {
		targets := b.hideTargets(path.Dir(p))
		var pats, globs []string
		for t, n := range targets {
			if !strings.Contains(old, t) {
				pats = append(pats, t)
				if n >= 2 {
					globs = append(globs, t)
				}
			}
		}
		if len(globs) > 0 {
			pats = globs
		}
		if len(pats) == 0 {
			return "", skipf("%s: no build or deploy file to hide", p)
		}
		sort.Strings(pats)
		pattern = pats[b.rng.IntN(len(pats))]
		hidden = targets[pattern]
		return appendText(old, ignoreLine(p, pattern)+"\n"), nil
	})
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "chore",
		text: pick(b.rng, []string{"update ignore rules", "tidy release archive contents", "ignore generated build files"}),
		desc: fmt.Sprintf("%s: %q hides %d build/deploy file(s)", c.path, ignoreLine(c.path, pattern), hidden)}, nil
}
