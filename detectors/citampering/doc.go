// Package citampering is the ci-tampering detector: it reports risky changes
// to CI workflows: a pull_request_target trigger (critical when it checks
// out the pull request's code), new secrets, wider token permissions,
// actions not pinned to a commit, self-hosted runners, re-enabled unsafe
// commands, and piping a download into a shell (also in build and deploy
// scripts).
//
// Its cases are testdata/*.txtar (see package detectortest).
package citampering
