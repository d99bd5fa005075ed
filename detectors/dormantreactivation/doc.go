// Package dormantreactivation is the dormant-reactivation detector: it
// reports an author silent for months (in every repository) who returns with
// changes to sensitive paths or dependencies: the pattern of a taken-over or
// sold account. An author who came back from such a silence lately (at
// most habits.ReturnDays ago, with at most habits.ReturnCommits commits
// since) is still returning: a taken-over account makes more than one
// change, and the first can be harmless.
//
// Its cases are testdata/*.txtar (see package detectortest).
package dormantreactivation
