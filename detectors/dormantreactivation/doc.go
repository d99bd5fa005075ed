// Package dormantreactivation is the dormant-reactivation detector: it
// reports an author silent for months (in every repository) who returns with
// changes to sensitive paths or dependencies: the pattern of a taken-over or
// sold account.
//
// Its cases are testdata/*.txtar (see package detectortest).
package dormantreactivation
