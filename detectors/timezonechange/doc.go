// Package timezonechange is the timezone-change detector: it reports an
// author time-zone offset the author never used, or a sudden switch to one
// they rarely use. The committer zone is judged apart and only at low (info
// when someone else committed, as when a maintainer applies a patch). A
// shift of exactly one hour from a known offset is taken for daylight saving
// (info).
//
// Its cases are testdata/*.txtar (see package detectortest).
package timezonechange
