// Package binaryinsource is the binary-in-source detector: it reports binary
// files added or changed outside the declared asset folders: their content
// cannot be reviewed in a diff. Compressed blobs and executables, test-
// fixture folders and binaries beside a changed build file (the xz-utils
// backdoor pattern) rank higher; files too large to diff get a note.
//
// Its cases are testdata/*.txtar (see package detectortest).
package binaryinsource
