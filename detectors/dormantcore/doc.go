// Package dormantcore is the dormant-core detector, a behaviour rule: it
// reports a maintainer silent for months in every repository who returns
// with a change to the repository's core code at an hour of the day they
// never committed at: the shape of colors.js 2022 (Marak, quiet for long,
// pushing a change to the library's entry point at night) and of a
// dormant maintainer's account taken over. dormant-reactivation watches
// such returns to the sensitive categories; this rule watches the code
// that every user of the package runs, whatever its category.
//
// An author who came back from such a silence lately (habits.Returns:
// at most 30 days and 3 commits before) is still returning.
//
// # What is core
//
// What the baseline and the diff can tell: a changed file is core when
// it is source code (by extension), not a test, fixture, example, doc,
// tool, script, benchmark or vendored file, and either the package's
// entry point by name (index.js, main.go, lib.rs, __init__.py, ...) or
// in a top-level directory that at least core_share of the repository's
// commits change, in a language (extension) that as many of them
// change. The repository's profile counts both (guard.Profile Dirs and
// Extensions); which files others import is not known to a profile.
//
// # What is an unusual hour
//
// The author's commits (in every repository) within hour_window hours of
// the commit's UTC hour, on any day, are at most max_hour_share of them:
// none for an author with fewer than a hundred commits at the default.
//
// Its cases are testdata/*.txtar (see package detectortest).
package dormantcore
