package main

import (
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"sort"
	"strings"
)

// snapshot is a repository's tree at one commit of the first-parent chain.
type snapshot struct {
	repo   gitRepo
	blobs  *blobReader
	commit string
	files  []treeEntry
	byPath map[string]treeEntry
}

func loadSnapshot(g gitRepo, blobs *blobReader, commit string) (*snapshot, error) {
	es, err := g.lsTree(commit)
	if err != nil {
		return nil, err
	}
	s := &snapshot{repo: g, blobs: blobs, commit: commit, files: es, byPath: map[string]treeEntry{}}
	for _, e := range es {
		s.byPath[e.Path] = e
	}
	return s, nil
}

// read returns a file's content at the snapshot.
func (s *snapshot) read(p string) (string, error) {
	e, ok := s.byPath[p]
	if !ok {
		return "", fmt.Errorf("%s: not in %s", p, s.commit[:10])
	}
	b, err := s.blobs.read(e.Hash)
	return string(b), err
}

// match returns the regular files whose path matches re, in path order.
func (s *snapshot) match(re *regexp.Regexp) []treeEntry {
	var out []treeEntry
	for _, e := range s.files {
		if e.Mode != "160000" && e.Mode != "120000" && re.MatchString(e.Path) {
			out = append(out, e)
		}
	}
	return out
}

// dirs returns every directory of the tree with its number of files.
func (s *snapshot) dirs() map[string]int {
	m := map[string]int{}
	for _, e := range s.files {
		for d := path.Dir(e.Path); d != "."; d = path.Dir(d) {
			m[d]++
		}
	}
	return m
}

// hasDir reports whether d is a directory of the tree.
func (s *snapshot) hasDir(d string) bool {
	prefix := d + "/"
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].Path >= prefix })
	return i < len(s.files) && strings.HasPrefix(s.files[i].Path, prefix)
}

// grep returns the lines of files matching pathspecs that match the
// extended regular expression pattern (git grep -h).
func (s *snapshot) grep(pattern string, pathspecs ...string) []string {
	args := append([]string{"grep", "-h", "-I", "-E", "-e", pattern, s.commit, "--"}, pathspecs...)
	out, err := s.repo.run(args...)
	if err != nil { // status 1: nothing found
		return nil
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

// grepFiles returns the files matching pathspecs that have a line
// matching the extended regular expression pattern.
func (s *snapshot) grepFiles(pattern string, pathspecs ...string) []string {
	args := append([]string{"grep", "-l", "-I", "-E", "-e", pattern, s.commit, "--"}, pathspecs...)
	out, err := s.repo.run(args...)
	if err != nil {
		return nil
	}
	var ps []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		ps = append(ps, strings.TrimPrefix(l, s.commit+":"))
	}
	return ps
}

// referenced reports whether any tracked text file mentions word.
func (s *snapshot) referenced(word string) bool {
	_, err := s.repo.run("grep", "-q", "-I", "-F", "-e", word, s.commit, "--")
	return err == nil
}

// freeName returns dir/name with name made by mk, one that the tree does
// not hold, no text file mentions and free allows.
func (s *snapshot) freeName(dir string, rng *rand.Rand, mk func(*rand.Rand) string, free func(string) bool) (string, error) {
	for range 20 {
		name := mk(rng)
		p := path.Join(dir, name)
		if _, ok := s.byPath[p]; !ok && free(p) && !s.referenced(name) {
			return p, nil
		}
	}
	return "", fmt.Errorf("no free file name in %s", dir)
}
