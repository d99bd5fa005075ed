package main

import (
	"path"
	"regexp"
	"sort"
)

var (
	cIncludeRE   = regexp.MustCompile(`#\s*include\s+"([^"]+)"`)
	solImportRE  = regexp.MustCompile(`import\s[^;]*?"([^"]+\.sol)"`)
	goModuleRE   = regexp.MustCompile(`(?m)^module\s+(\S+)`)
	entryPointRE = regexp.MustCompile(`(^|/)(main\.(go|rs|c|py)|lib\.rs|index\.[jt]s|__main__\.py)$`)
)

// coreFiles returns the repository's core source files: its main entry
// points and the files (or, for Go, packages) the most others import.
func (b *buildCtx) coreFiles() []string {
	lib := b.snap.sourceFiles(b.lang)
	var entries, imported []string
	for _, e := range lib {
		if entryPointRE.MatchString(e.Path) {
			entries = append(entries, e.Path)
		}
	}
	switch b.lang {
	case "c":
		imported = rankByName(lib, b.snap.grep(`#\s*include\s+"`, "*.c", "*.h"), cIncludeRE)
	case "solidity":
		imported = rankByName(lib, b.snap.grep(`^\s*import\s`, "*.sol"), solImportRE)
	case "go":
		imported = b.goCorePackages(lib)
	}
	b.rng.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
	out := append(entries[:min(2, len(entries))], imported[:min(5-min(2, len(entries)), len(imported))]...)
	return b.notGenerated(out)
}

// rankByName counts the file names that lines refer to (by re's first
// group) and returns the files of lib with those names, most named first.
func rankByName(lib []treeEntry, lines []string, re *regexp.Regexp) []string {
	n := map[string]int{}
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			n[path.Base(m[1])]++
		}
	}
	var out []string
	for _, e := range lib {
		if n[path.Base(e.Path)] > 0 {
			out = append(out, e.Path)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return n[path.Base(out[i])] > n[path.Base(out[j])] })
	return out
}

// goCorePackages returns the largest files of the module's most imported
// packages.
func (b *buildCtx) goCorePackages(lib []treeEntry) []string {
	mod, err := b.snap.read("go.mod")
	m := goModuleRE.FindStringSubmatch(mod)
	if err != nil || m == nil {
		return nil
	}
	importRE := regexp.MustCompile(`"` + regexp.QuoteMeta(m[1]) + `/([^"]+)"`)
	n := map[string]int{}
	for _, l := range b.snap.grep(`"`+regexp.QuoteMeta(m[1])+`/`, "*.go") {
		for _, mm := range importRE.FindAllStringSubmatch(l, -1) {
			n[mm[1]]++
		}
	}
	byDir := map[string]treeEntry{}
	for _, e := range lib {
		d := path.Dir(e.Path)
		if n[d] > 0 && e.Size > byDir[d].Size {
			byDir[d] = e
		}
	}
	var out []string
	for _, e := range byDir {
		out = append(out, e.Path)
	}
	sort.Slice(out, func(i, j int) bool {
		di, dj := path.Dir(out[i]), path.Dir(out[j])
		return n[di] > n[dj] || (n[di] == n[dj] && out[i] < out[j])
	})
	return out
}
