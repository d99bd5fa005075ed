package gitrepo

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestPairRenames(t *testing.T) {
	blob := func(n byte) plumbing.Hash { return plumbing.Hash{n} }
	del := func(p string, h plumbing.Hash) change { return change{path: p, oldMode: 0o100644, oldHash: h} }
	add := func(p string, h plumbing.Hash) change { return change{path: p, newMode: 0o100644, newHash: h} }
	tests := []struct {
		name string
		cs   []change
		want []string // "path" or "old -> new"
	}{
		{"moves", []change{del("a/x", blob(1)), add("b/x", blob(1))}, []string{"a/x -> b/x"}},
		{"same base name first", []change{del("a/x", blob(1)), del("a/y", blob(1)), add("b/y", blob(1)), add("b/z", blob(1))},
			[]string{"a/y -> b/y", "a/x -> b/z"}},
		{"first unpaired otherwise", []change{del("a/1", blob(1)), del("a/2", blob(1)), del("a/3", blob(1)),
			add("b/3", blob(1)), add("b/9", blob(1)), add("b/8", blob(1)), add("b/7", blob(1))},
			[]string{"a/3 -> b/3", "a/1 -> b/9", "a/2 -> b/8", "b/7"}},
		{"other blob", []change{del("a/x", blob(1)), add("b/x", blob(2))}, []string{"a/x", "b/x"}},
		{"empty files never pair", []change{del("a/x", emptyBlob), add("b/x", emptyBlob)}, []string{"a/x", "b/x"}},
		{"modifications stay", []change{{path: "m", oldMode: 0o100644, oldHash: blob(1), newMode: 0o100644, newHash: blob(2)},
			del("a/x", blob(2)), add("b/x", blob(2))}, []string{"m", "a/x -> b/x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, r := range pairRenames(tc.cs) {
				if r.oldPath != "" {
					got = append(got, r.oldPath+" -> "+r.path)
				} else {
					got = append(got, r.path)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// BenchmarkPairRenamesCopies moves 20,000 copies of one blob: each used
// to search and shorten the list of all the others (issue 8).
func BenchmarkPairRenamesCopies(b *testing.B) {
	var cs []change
	for i := range 20000 {
		cs = append(cs, change{path: fmt.Sprintf("old/%d", i), oldMode: 0o100644, oldHash: plumbing.Hash{1}})
	}
	for i := range 20000 {
		cs = append(cs, change{path: fmt.Sprintf("new/n%d", i), newMode: 0o100644, newHash: plumbing.Hash{1}})
	}
	for b.Loop() {
		pairRenames(cs)
	}
}
