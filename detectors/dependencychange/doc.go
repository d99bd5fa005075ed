// Package dependencychange is the dependency-change detector. It reads
// manifests (npm, Go, Cargo, pip, Poetry, submodules), registry files and
// lock files, and the registry settings of CI, build and deploy files.
//
// Ordinary dependency work is low at most: a new dependency by name, a
// version bump, a wider range, an override to another version, a git
// dependency taken from its upstream project or from a source the project
// already uses, lock churn (info when the lock follows the manifest
// beside it). Medium and above are kept for the shapes of supply-chain
// attacks: a dependency fetched from a git repository, URL or path that is
// neither its upstream nor already used (a replace to a fork in go.mod), a
// name one typo away from a popular or present dependency, an install or
// build script that downloads, a changed registry or a disabled checksum
// database, and a lock file resolving a package from a source that no
// manifest of the change, no request in the lock and no earlier version
// of it names. A git or fork source is low when the change's author is an
// active maintainer of the repository (see maintainer.go: the baseline
// the behaviour judgement was made against), and its message names the
// author's standing either way. Vendored copies (vendor/, node_modules/,
// third_party/) are not read: their manifests do not choose what this
// project installs.
//
// Its cases are testdata/*.txtar (see package detectortest).
package dependencychange
