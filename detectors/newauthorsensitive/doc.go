// Package newauthorsensitive is the new-author-sensitive detector: it
// reports an author with little or no history (in any repository) who
// changes keys, contracts, deploy, CI or build files: the first weeks of a
// false-identity hire.
//
// Its cases are testdata/*.txtar (see package detectortest).
package newauthorsensitive
