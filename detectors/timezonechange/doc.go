// Package timezonechange is the timezone-change detector: it reports an
// author time-zone offset the author never used, or a sudden switch to one
// they rarely use. The committer zone is judged apart and only at low (info
// when someone else committed, as when a maintainer applies a patch). A
// shift of exactly one hour from a known offset is taken for daylight saving
// (info).
//
// An author with fewer than min_switch_commits commits has no zone of
// their own: once the repository has min_repo_commits, a zone strange to
// it (not UTC, used by at most rare_zone of its commits, or by one) is
// reported low with its own event, timezone-change/new-author-zone,
// calibrated like every behaviour event.
//
// Its cases are testdata/*.txtar (see package detectortest).
package timezonechange
