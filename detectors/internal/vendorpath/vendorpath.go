// Package vendorpath tells the paths of vendored code: copies of other
// projects kept in the tree (vendor/, node_modules/, third_party/). Their
// manifests, lock files and CI configuration are the other projects' own:
// they neither choose what this project installs nor run in its CI.
package vendorpath

import "strings"

// dirs are the folders, at any depth, that hold vendored code.
var dirs = []string{"vendor/", "node_modules/", "third_party/"}

// Match reports paths inside a vendored folder.
func Match(p string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return true
		}
	}
	return false
}
