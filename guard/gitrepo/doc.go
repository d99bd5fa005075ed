// Package gitrepo reads Git repositories for repoguard with go-git: it opens
// a local repository or keeps a bare clone of a remote one in a cache, walks
// history and turns every commit into a guard.Commit with per-file changes
// and numbered added and deleted lines. It is the only package of repoguard
// that imports go-git (a test in cmd/repoguard checks it).
//
// # Clones
//
// Fetch brings named refs of a remote into a bare clone, cloning into a
// temporary directory renamed into place when complete, and discovers
// the remote's default branch when asked for "HEAD" (Repo.HeadBranch then
// names it). CloneName names a clone's directory after its URL;
// ListClones lists the clones of a cache directory and removes what
// interrupted clones left. Credentials, in the URL or given as an Auth,
// never reach the disk, an error message or a log: RedactURL strips them
// from a URL.
//
// # How changes are computed
//
// A commit is compared with its first parent (a root commit with the empty
// tree; a merge commit with its first parent only, as `git log
// --first-parent -p` shows it). The two trees are compared by this package
// itself, descending only into subtrees whose hashes differ, which is several
// times faster than object.DiffTree on large trees; the walk keeps its own
// stack and one path buffer, so that it costs time and memory in the number
// of entries, not in the square of their depth (trees nested more than
// 65,536 levels deep are reported as corrupt). Files whose blob hashes are
// equal are never read. Text files are line-diffed on a rune-per-line
// encoding made here (common leading and trailing lines are trimmed
// first) by myers.go: github.com/sergi/go-diff's DiffMainRunes carried over
// to rune slices, the same edits (TestMyersMatchesGoDiff and a fuzz
// target compare them) without go-diff's string conversions; files with a NUL byte in
// their first 8000 bytes (Git's rule) are binary and blobs over
// Options.MaxBlobSize are not diffed, but both are reported with their sizes.
// Only the first 8000 bytes of a large blob are read, to classify it; a
// blob stored in a pack as a delta is read only when the size it declares
// is within the limit, and its bases within 32 times the limit (see
// packs.go): otherwise it is reported as too large, of its declared size,
// without being resolved, whatever it is.
//
// Rename detection is exact only: a deleted and an added file with the same
// blob hash are paired into one Renamed change. Renames with edits show as a
// deletion and an addition, as with `git log --no-renames`. Empty files are
// never paired. Pairing is linear in the number of changes, however many
// copies of one blob move.
//
// go-diff v1.4.0 was checked (TestGoDiffLineMode): its DiffLinesToChars is
// correct for more than 55,296 distinct lines (past the surrogate range,
// where older releases went wrong) and for invalid UTF-8. This package does
// not use it anyway: it maps lines to runes itself, skipping surrogates,
// calls DiffMainRunes, and reads line positions off the result, which
// avoids joining and re-splitting the texts.
//
// # Trees
//
// Each commit a walk yields carries its tree (guard.Commit.Tree), and
// Repo.Tree gives that of any commit (a change set's head): a guard.Tree
// that reads nothing until a detector asks, through the repository's
// main handle. Only commits that a detector must know more of than their
// diff pay for it (binary-in-source asks for commits that add binaries
// to test-fixture folders). Its work is bounded, however large the tree:
// Texts lists at most treeMaxEntries (262,144) entries, reads only the
// files its caller keeps, each within Options.MaxBlobSize and not binary,
// and at most treeMaxText (64 MiB) of text in all; Dir lists at most
// treeMaxDir (256) files of a folder, their sizes read from pack entry
// headers without inflating them; Head reads one blob, or the first 8000
// bytes of one over the limit. Past a bound a method returns what it has
// with guard.ErrTreeLimit. A tree keeps its listing once made; the
// methods take no context, the bounds keeping each call short.
//
// # Performance
//
// Storage is built with filesystem.Options{KeepDescriptors: true} and opened
// with git.Open: the default git.PlainOpen reopens the pack file for every
// object read. Walk computes changes on Options.Workers goroutines, each with
// its own repository handle (go-git storage is not safe for concurrent
// reads) taking batches of consecutive commits, while the caller receives
// commits in order. The worker handles share one cache of resolved
// objects of Options.CacheSize bytes, so that a delta base resolved by one
// serves all.
// Packed commits, trees and blobs are read by this package itself
// (packread.go): a delta chain is resolved from the nearest object of it
// that a cache keyed by pack offset holds (Options.CacheSize bytes, shared
// by the handles), and nothing read is hashed again; go-git reads what
// that reader leaves (loose objects, objects over the size bounds, corrupt
// entries), with a small cache of its own.
// Count keeps its list of commits for a Walk with the same options that
// follows, so that counting for a progress bar costs nothing extra.
//
// # Contexts
//
// Every call that can take long takes a context and stops with its error:
// MergeBase, ReadFile, DiffCommits, Count, Hashes, Walk and Fetch.
// Resolve does not: a name or a hash resolves in a few object reads, and
// the revision expressions that walk history are resolved inside go-git,
// which a context cannot stop.
//
// # Errors
//
// Errors are one line and match, with errors.Is, one of the sentinels
// ErrNotRepository, ErrRefNotFound, ErrBadRange, ErrEmpty, ErrCorrupt,
// ErrFileNotFound, ErrTooLarge, ErrNoMergeBase and ErrRemoteNotFound.
// go-git panics on some corrupt packs; those panics are recovered and
// reported as ErrCorrupt. Permanent says which errors retrying cannot
// cure.
package gitrepo
