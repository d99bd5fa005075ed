// Package dependencychange is the dependency-change detector: it reports
// dependency changes by name: each dependency added to a manifest (npm, Go,
// Cargo, pip, Poetry, submodules), version ranges widened from an exact pin,
// dependencies fetched from git or a URL, new install scripts and changed
// package registries; lock files are summarized per file, with packages
// resolved from unexpected sources called out.
//
// Its cases are testdata/*.txtar (see package detectortest).
package dependencychange
