// Package detectors lists repoguard's detectors. Each lives in a package
// of its own below this one, as golang.org/x/tools/go/analysis has one
// package per analyzer: its doc, its code, a Detector value with its
// typed Settings, and its testdata/*.txtar cases, which a test of a few
// lines runs with package detectortest. All, in all.go, lists them with
// one line per detector; that list is the only registry.
//
// Adding a detector is a new package plus one line in All:
//
//  1. create detectors/NAME (the detector's kebab-case name without the
//     dashes) with a doc.go and a Detector variable, its Settings struct
//     if it has any, and its run function;
//  2. add testdata/*.txtar cases, at least one that expects a finding
//     and one that expects none, and cases_test.go calling
//     detectortest.Run;
//  3. add NAME.Detector to All, in the order of names.
//
// Detectors are pure functions of a guard.Pass: they do no I/O, and they
// report findings rather than return errors. Helpers they share live in
// detectors/internal: explain (wording of numbers, lists and changes),
// textscan (text indexes, byte classes, URL bounds) and testpath.
package detectors
