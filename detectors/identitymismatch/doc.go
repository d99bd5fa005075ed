// Package identitymismatch is the identity-mismatch detector: it reports
// identity changes of a known author, one finding per kind: a new email
// under a known login (low for a known name without login), an email used by
// two identities (high), a committer never seen with this author (low), an
// author date far before the commit date or after it (backdating), and an
// unsigned commit from an author who always signs.
//
// Its cases are testdata/*.txtar (see package detectortest).
package identitymismatch
