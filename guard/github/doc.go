// Package github talks to the GitHub REST API as a GitHub App: it
// authenticates with the App's private key, exchanges it for installation
// tokens, and reads and writes what repoguard needs on an installation:
// check runs, pull requests with their commits and reviews, team
// membership, and file contents such as the organization's default policy.
//
// Every request goes through a retrying transport that sits under the
// installation-token transport, so token exchanges are retried too. It
// retries server errors with exponential backoff and jitter, waits out
// primary and secondary rate limits when the wait is short enough
// (RetryConfig.MaxWait) and otherwise fails fast with a *RateLimitError.
//
// The package name clashes with go-github's; importers that need both
// alias one of them, e.g. ghapp "github.com/repoguard/repoguard/guard/github".
//
// The fake API server in package githubtest serves the same endpoints for
// tests.
package github
