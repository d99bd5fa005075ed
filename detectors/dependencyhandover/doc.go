// Package dependencyhandover is the dependency-handover detector, a
// behaviour rule: it reports a dependency added, pointed at another
// source, given a wider version range or an install script, by an author
// new to the repository or returning after months of silence in every
// repository: the hand-over of a package to a stranger (event-stream
// 2018, where right9ctrl, the new maintainer, added flatmap-stream) or a
// taken-over dormant account (ua-parser-js 2021). Each signal alone is
// ordinary (dependency-change reports the change, new authors and
// returns are common); together they are medium whatever their base
// rate, and high when both author signals hold or the dependency comes
// from git, a URL or another registry, or runs an install script.
//
// Bots (dependabot, renovate: guard.IsBot) are never new authors here,
// nor is an author with a long history in the organization's other
// repositories (a colleague starting on a new repository); in a
// repository's first commits (fewer than min_org_commits in the
// organization) everyone is new and nothing is said. Manifests of tests,
// fixtures, examples, docs and vendored code are not read.
//
// Its cases are testdata/*.txtar (see package detectortest).
package dependencyhandover
