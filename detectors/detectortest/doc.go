// Package detectortest runs a detector over the cases in its testdata
// folder, as golang.org/x/tools/go/analysis/analysistest does for an
// analyzer, and holds the helpers the detectors' own tests share. Every
// detector package has a test of a few lines:
//
//	func TestCases(t *testing.T) { detectortest.Run(t, "testdata", keymaterial.Detector) }
//
// and `go test ./detectors/keymaterial -update` rewrites the want sections
// of its cases from what the detector reports; read every change before
// committing it.
//
// # Cases
//
// A case is a txtar-like file, NAME.txtar, describing one commit:
//
//	# comment               lines starting with # are comments
//	key: value              header lines: message, author, committer, signed,
//	                        date, committer-date (RFC 3339), login
//	-- path (attrs) --      one changed file; body lines start with '+', '-' or ' '
//	-- tree: path (attrs) -- a file of the tree the commit leaves; the body is its content
//	-- policy.yml --        optional policy overriding the defaults
//	-- history --           optional commits learned into a baseline first
//	-- want --              the expected findings
//
// File attributes, comma separated: added, deleted, binary, size=N,
// mode=100755, from=OLDPATH (a rename), skipped=REASON, bytes=KIND (the
// content of a binary in the tree: random, zeros, text or utf16; see
// Content).
//
// A case with a tree section gives its commit a tree (guard.Commit.Tree,
// a MemTree): the tree files, and the files the commit changes (their
// added lines, or their bytes) but those it deletes. A tree file takes
// bytes=KIND and size=N instead of a body. Without a tree section the
// commit has no tree, as a change set judged on its diff alone. The author is
// Alice <alice@example.com>, committing on 2024-03-05 at 14:00 UTC,
// unless the header says otherwise; the committer is the author.
//
// Each history line learns a run of commits into the author's, the
// organization's and the identities' baselines:
//
//	N email TIME [every=DURATION] [files=a,b] [lines=N] [signed]
//	  [committer=EMAIL] [committer-zone=+HH:MM] [gap=DURATION] [login=L] [name=NAME]
//
// TIME is RFC 3339 with the author's zone; commit k of the run is dated
// TIME + k*every (every defaults to 24h). An author's identity key is
// login= when given, else the email. Without a history section the
// detector sees no baseline.
//
// The want section lists each finding as "severity detector
// path:line: message", then its evidence lines indented by a tab; it is
// empty when the detector must report nothing. A detector's cases must
// include at least one of each.
package detectortest
