// Package binaryinsource is the binary-in-source detector: it reports binary
// files added or changed outside the declared asset folders: their content
// cannot be reviewed in a diff. Compressed blobs and executables and
// binaries beside a changed build file rank higher; files too large to
// diff get a note, and the files operating systems and editors leave
// behind (.DS_Store, Thumbs.db: junk_files) and text in UTF-16 are notes.
//
// # Test fixtures
//
// A binary in a test-fixture folder is graded on what reads it in the
// tree its commit leaves (guard.Pass.Tree), the class of the xz-utils
// backdoor (2024), whose payload was hidden in test files that no test
// read: a fixture that no test, build or script file refers to is
// medium, one that only build files name is medium too, one that a test
// or script names or whose folder it reads (a glob, a path to the
// folder) is low, and one that a test the same change adds or changes
// names is info. A build change in the same change raises it a step
// (the xz pattern: a fixture that no test reads added with a build
// change is high), as does a size or an entropy far beyond the files
// already beside it. For a fixture that a test reads only with its
// folder (a glob), its size counts when its content is dense (6 bits a
// byte or more): a glob carries whatever is dropped in its folder, as
// xz-utils' tests/files/good-*.lzma did; a test that names a fixture
// makes its size its own. Without a tree (a change set judged on its diff),
// or past the tree's bounds, what reads it is unknown and it is graded
// as one that nothing reads, on its diff.
//
// References are found by one pass over the text of the tree's test,
// build, script and CI files, cut into path-like tokens (see bisRefs in
// refs.go); an executable beside the source file of its name
// (seekable_compression beside seekable_compression.c) is taken for a
// build output committed by mistake and stepped down, as is a binary
// that the clean rule of a build file beside it deletes (`rm -f tmp*`
// in programs/Makefile for programs/tmp.zstd), unless a build change
// names it or the change adds that rule (see cleaned in clean.go).
//
// Its cases are testdata/*.txtar (see package detectortest).
package binaryinsource
