// Package guard holds repoguard's domain: the commits and change sets it
// judges, the policy that names sensitive paths, the detectors and the
// findings they report, and the engine that runs detectors over a change.
//
// It imports only the standard library. Every other package depends on it:
// gitrepo produces Commits, configs produces Policies, detectors produce
// Detectors, and cmd wires them together.
package guard
