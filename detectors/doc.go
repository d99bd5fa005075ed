// Package detectors holds repoguard's detectors, one per file. Each file
// registers its detector with guard.Register in an init function, so adding
// a detector is a one-file change plus its testdata folder
// (testdata/<detector-name>/*.txtar), which TestDetectors runs.
//
// Detectors are pure functions of a guard.Pass: they do no I/O, and they
// report findings rather than return errors.
package detectors

import "github.com/repoguard/repoguard/guard"

// All returns every detector this package registers, sorted by name.
func All() []*guard.Detector { return guard.Registered() }
