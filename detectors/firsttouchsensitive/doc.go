// Package firsttouchsensitive is the first-touch-sensitive detector: it
// reports an author with an established history who changes a sensitive
// category, or a top-level directory others work in, for the first time.
// Brand-new authors are new-author-sensitive's concern; merge commits are
// left to the commits they merge.
//
// Its cases are testdata/*.txtar (see package detectortest).
package firsttouchsensitive
