package binaryinsource

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
)

// How a file refers to a fixture, weakest first.
type bisRefKind int

const (
	refFolder bisRefKind = iota + 1 // names a folder the fixture is in, or a glob that matches it
	refName                         // names the fixture itself
)

// bisTarget is a fixture a needle points at, and how.
type bisTarget struct {
	fix  int
	kind bisRefKind
	// deep: the fixture itself or a folder below its fixture root; a
	// path that leads to a fixture root does not read what is in it
	deep bool
}

// bisFix is one fixture.
type bisFix struct {
	base   string
	dir    string // its folder
	parent string // the name of its folder
}

// bisRefs finds, in the text of a file, the references to a set of
// fixtures. Text is cut into tokens at spaces, quotes, brackets and
// operators, and each token into components at '/' (or '\'). A file
// names a fixture with
//   - a component equal to its name, or its name without extension,
//     when that is distinctive (bisDistinctive), or, in a file of the
//     same folder (a Makefile target, a local script), any name;
//   - a path that leads to it from the file's folder or from the top
//     of the tree, or that ends with its last two components;
//
// and reads the whole folder of a fixture with
//   - a path that leads to one of its folders (as the last component,
//     with or without a trailing '/'), or, after a variable ("$TESTDIR/
//     golden") or with more than one component, that ends with the
//     folder's path;
//   - a distinctive folder name below the fixture root, last in a path,
//     or any such folder name quoted alone ("staged" in Go's
//     filepath.Join(base, "staged"));
//   - a glob whose folder is the fixture's and which matches its name.
//
// The work is one pass over the text and a few map lookups per
// component, however many fixtures there are.
type bisRefs struct {
	fixes   []bisFix
	names   map[string][]int       // distinctive names and stems
	local   map[string][]int       // other names, for files of the same folder
	exact   map[string][]bisTarget // paths of fixtures and their folders
	suffix  map[string][]bisTarget // endings of those paths (two components or more, or after a variable)
	folders map[string][]int       // folder names below the fixture roots
	leaf    map[string]bool        // the last components of the paths indexed
	roots   map[string]bool        // the names of fixture folders (Settings.FixtureDirs), lowercase
	globs   int                    // glob components matched so far (bisMaxGlobs at most)
}

// bisMaxGlobs bounds the glob components matched per change, each
// against the fixtures of one folder.
const bisMaxGlobs = 4096

// bisGeneric are folder names too common to stand alone for a folder.
var bisGeneric = bisLowerSet(strings.Fields("files file data samples sample inputs input outputs output " +
	"resources res assets corpus golden vectors cases examples regression regressions crashes seeds " +
	"bin lib src tmp expected"))

func newBisRefs(paths []string, fixtures map[string]bool) *bisRefs {
	r := &bisRefs{names: map[string][]int{}, local: map[string][]int{}, exact: map[string][]bisTarget{},
		suffix: map[string][]bisTarget{}, folders: map[string][]int{}, leaf: map[string]bool{}, roots: fixtures}
	for i, p := range paths {
		segs := strings.Split(p, "/")
		f := bisFix{base: segs[len(segs)-1], dir: path.Dir(p)}
		if len(segs) > 1 {
			f.parent = segs[len(segs)-2]
		}
		r.fixes = append(r.fixes, f)
		r.addName(i, f.base)
		if stem := strings.TrimSuffix(f.base, path.Ext(f.base)); stem != f.base && bisDistinctive(stem) {
			r.names[stem] = append(r.names[stem], i)
		}
		r.addPath(i, segs, refName, true)
		r.addFolders(i, segs[:len(segs)-1], fixtures)
	}
	return r
}

func (r *bisRefs) addName(i int, base string) {
	if bisDistinctive(base) {
		r.names[base] = append(r.names[base], i)
	} else {
		r.local[base] = append(r.local[base], i)
	}
}

// addPath indexes the path segs of fixture i or of one of its folders:
// whole, by its endings of two components or more, and, for after a
// variable, under a "$" prefix, by its endings of one or more.
func (r *bisRefs) addPath(i int, segs []string, kind bisRefKind, deep bool) {
	t := bisTarget{fix: i, kind: kind, deep: deep}
	p := strings.Join(segs, "/")
	r.exact[p] = append(r.exact[p], t)
	r.leaf[segs[len(segs)-1]] = true
	for k := range segs {
		if k > 0 && k < len(segs)-1 {
			s := strings.Join(segs[k:], "/")
			r.suffix[s] = append(r.suffix[s], t)
		}
		s := "$" + strings.Join(segs[k:], "/")
		r.suffix[s] = append(r.suffix[s], t)
	}
}

// addFolders indexes the folders of fixture i whose reading as a whole
// reads it: its own folder and, for a file of a store that is read as a
// whole, the folders up to the store's: a Git repository kept as a
// fixture (testdata/repos/small/dotGit/objects/...) or a store sharded
// by the first byte of a hash (fixtures/b0/04b821ca50ba26.db). Reading a
// folder further up ("tests") does not read each file below it. Folder
// names alone are indexed only below the fixture root, whose name is
// too common a word.
func (r *bisRefs) addFolders(i int, dirs []string, fixtures map[string]bool) {
	root := len(dirs)
	for k, d := range dirs {
		if fixtures[strings.ToLower(d)] {
			root = k
			break
		}
	}
	top := len(dirs) - 1
	switch n := len(dirs); {
	case bisGitDir(dirs) > 0:
		top = bisGitDir(dirs) - 1
	case n >= 2 && len(dirs[n-1]) == 2 && textscan.AllHex(dirs[n-1]):
		top = n - 2
	}
	for k := len(dirs) - 1; k >= top && k >= 0; k-- {
		r.addPath(i, dirs[:k+1], refFolder, k > root || top < len(dirs)-1)
		if k > root {
			r.folders[dirs[k]] = append(r.folders[dirs[k]], i)
		}
	}
}

// bisGitDir returns the index of the folder of dirs that holds a Git
// repository's objects and refs (".git", "dotGit" in fixtures, which
// Git will not track under its own name), or -1.
func bisGitDir(dirs []string) int {
	for k := len(dirs) - 1; k >= 0; k-- {
		switch strings.ToLower(strings.TrimLeft(dirs[k], "._")) {
		case "git", "dotgit", "dot_git", "git_dir", "gitdir":
			return k
		}
	}
	return -1
}

// bisDistinctive says whether a name is unlikely to be an ordinary
// word of code: five characters or more with a digit, '-', '_' or '.'
// in it, or ten or more.
func bisDistinctive(s string) bool {
	return len(s) >= 10 || len(s) >= 5 && strings.ContainsAny(s, "0123456789-_.")
}

// bisHit receives a reference to fixture fix of the given kind, made by
// token.
type bisHit func(fix int, kind bisRefKind, token string)

// scan calls hit for each reference to a fixture in text, the content
// of the file at p.
func (r *bisRefs) scan(p, text string, hit bisHit) {
	dir := path.Dir(p)
	for i := 0; i < len(text); {
		if bisDelim(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && !bisDelim(text[j]) {
			j++
		}
		var before, after byte
		if i > 0 {
			before = text[i-1]
		}
		if j < len(text) {
			after = text[j]
		}
		r.token(bisToken{text: text[i:j], dir: dir, before: before, after: after}, hit)
		i = j
	}
}

// bisToken is one token of a file's text, with the bytes around it.
type bisToken struct {
	text          string
	dir           string // the folder of the file
	before, after byte
}

// quoted says whether the token stands alone between quotes.
func (t *bisToken) quoted() bool {
	return t.before == t.after && (t.before == '"' || t.before == '\'' || t.before == '`')
}

// token looks up one token.
func (r *bisRefs) token(t bisToken, hit bisHit) {
	tok := strings.ReplaceAll(t.text, "\\", "/")
	trimmed := strings.TrimRight(tok, "/")
	if trimmed == "" {
		return
	}
	comps := strings.Split(trimmed, "/")
	for _, c := range comps {
		for _, i := range r.names[c] {
			hit(i, refName, t.text)
		}
		for _, i := range r.local[c] {
			if r.fixes[i].dir == t.dir {
				hit(i, refName, t.text)
			}
		}
	}
	last := comps[len(comps)-1]
	if strings.IndexByte(last, '*') >= 0 {
		r.glob(last, comps, t.text, hit)
		return
	}
	if lower := strings.ToLower(last); !bisGeneric[lower] && !r.roots[lower] && (bisDistinctive(last) || len(comps) == 1 && t.quoted()) {
		for _, i := range r.folders[last] {
			hit(i, refFolder, t.text)
		}
	}
	r.paths(trimmed, comps, t, hit)
}

// paths looks a path-like token up: from the file's folder, from the top
// of the tree, by its ending, and after a variable ("$TESTDIR/golden",
// "${srcdir}/files": relative to a folder the text does not name).
func (r *bisRefs) paths(trimmed string, comps []string, t bisToken, hit bisHit) {
	if !r.leaf[comps[len(comps)-1]] {
		return // the common case: a word that ends no path of interest
	}
	// A fixture root ("tests") is read as a whole only through a glob
	// (see glob): a path to it is mostly a prefix of other paths or a
	// folder to run in.
	lookup := func(m map[string][]bisTarget, key string) {
		for _, x := range m[key] {
			if x.deep {
				hit(x.fix, x.kind, t.text)
			}
		}
	}
	clean := comps
	for len(clean) > 0 && (clean[0] == "" || clean[0] == "." || clean[0] == "..") {
		clean = clean[1:]
	}
	if len(clean) == 0 {
		return
	}
	rel := strings.Join(clean, "/")
	if !strings.HasPrefix(trimmed, "/") {
		lookup(r.exact, path.Join(t.dir, trimmed))
		if len(comps) > 1 && t.dir != "." {
			lookup(r.exact, path.Clean(trimmed))
		}
	}
	if len(clean) > 1 {
		lookup(r.suffix, rel)
	}
	switch {
	case t.before == '$' && len(clean) > 1:
		lookup(r.suffix, "$"+strings.Join(clean[1:], "/"))
	case strings.HasPrefix(trimmed, "/"):
		lookup(r.suffix, "$"+rel)
	}
}

// glob matches a glob, the last of comps, against the fixtures of the
// folder the component before it names.
func (r *bisRefs) glob(last string, comps []string, tok string, hit bisHit) {
	if len(comps) < 2 || r.globs >= bisMaxGlobs {
		return
	}
	r.globs++
	prev := comps[len(comps)-2]
	for _, x := range r.suffix["$"+prev] {
		f := &r.fixes[x.fix]
		if x.kind != refFolder || f.parent != prev {
			continue
		}
		if ok, _ := path.Match(last, f.base); ok {
			hit(x.fix, refFolder, tok)
		}
	}
}

// bisDelim reports the bytes that end a token: spaces, quotes, brackets,
// operators and punctuation that do not occur in file names of code.
func bisDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '(', ')', '[', ']', '{', '}', '<', '>', ',', ';', ':', '=',
		'|', '&', '!', '?', '$', '#', '^':
		return true
	}
	return false
}
