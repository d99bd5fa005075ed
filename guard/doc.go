// Package guard holds repoguard's domain: the commits and change sets it
// judges, the policy that names sensitive paths, the detectors and the
// findings they report, and the engine that runs detectors over a change;
// the records the stores share (Cursor, FindingRecord), the cases of the
// anomaly queue (Case: the anomalies of one commit or pull request), and
// the one learning loop (LearnWalk) by which the command line and the
// App judge commits against their authors' profiles and then learn them.
//
// It imports only the standard library. Every other package depends on it:
// gitrepo produces Commits, configs produces Policies, detectors produce
// Detectors, and cmd wires them together.
package guard
