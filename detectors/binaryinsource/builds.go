package binaryinsource

import (
	"github.com/repoguard/repoguard/detectors/internal/explain"
	"path"
)

// bisShownBuilds is how many build files a finding names; the others are
// counted.
const bisShownBuilds = 10

// bisBuilds are the build files a change touches, by folder. Every
// binary of the change asks which build files are beside it and which
// are elsewhere: listing them all for each binary is quadratic in the
// size of a change of many files (issue 8), so at most bisShownBuilds are
// named, with the count of the rest, and what a folder gets is worked out
// once per folder.
type bisBuilds struct {
	all   []string
	isOne map[string]bool     // the build files
	byDir map[string][]string // the build files of each folder
	other map[string]bisNamed // by folder: the build files outside it
}

// bisNamed is the first few of a list of paths and its length.
type bisNamed struct {
	shown []string
	n     int
}

func newBisBuilds(all []string) *bisBuilds {
	b := &bisBuilds{all: all, isOne: map[string]bool{}, byDir: map[string][]string{}, other: map[string]bisNamed{}}
	for _, p := range all {
		d := path.Dir(p)
		b.byDir[d] = append(b.byDir[d], p)
		b.isOne[p] = true
	}
	return b
}

// neighbours splits the build files other than p into those in p's
// folder and the others.
func (b *bisBuilds) neighbours(p string) (near, other bisNamed) {
	dir := path.Dir(p)
	in := b.byDir[dir]
	near.n = len(in)
	if b.isOne[p] {
		near.n--
	}
	for _, q := range in {
		if len(near.shown) == min(near.n, bisShownBuilds) {
			break
		}
		if q != p {
			near.shown = append(near.shown, q)
		}
	}
	return near, b.outside(dir)
}

// outside returns the build files outside dir, worked out once per
// folder.
func (b *bisBuilds) outside(dir string) bisNamed {
	if o, ok := b.other[dir]; ok {
		return o
	}
	o := bisNamed{n: len(b.all) - len(b.byDir[dir])}
	for _, q := range b.all {
		if len(o.shown) == min(o.n, bisShownBuilds) {
			break
		}
		if path.Dir(q) != dir {
			o.shown = append(o.shown, q)
		}
	}
	b.other[dir] = o
	return o
}

// summary names up to max of the paths and counts the rest.
func (l bisNamed) summary(max int) string { return explain.ListOf(l.shown, l.n, max) }
