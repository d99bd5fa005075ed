// Package gittest builds Git repositories for tests with the git command
// line, and serves them over smart HTTP (git http-backend) as GitHub
// does.
//
// Every command runs in a fixed environment, so that what a test builds
// does not depend on the machine: no system or user configuration, an
// empty HOME, no terminal prompt, the C locale and UTC, no automatic gc,
// no signing, and "main" as the first branch. A test states the rest: who
// commits and when (Signature, Repo.Env), and what (Repo.Write,
// Repo.Commit, or many commits at once with an Import stream).
//
// A test that uses it is skipped where git (or, for a Server, git
// http-backend) is not installed. It imports nothing of this module, so
// that the tests of any package, gitrepo's own included, can use it.
package gittest
