// Package web serves the security team's anomaly queue: HTML pages
// rendered on the server (html/template, embedded CSS and a few lines of
// JavaScript for keyboard shortcuts only) and a JSON API under /api/v1
// that does everything the pages do.
//
// Every page and API call needs a session (a cookie, after signing in
// with GitHub or a local one-time link) or an API token
// (Authorization: Bearer rgt_...). State changes need the "triage" role,
// and a cookie-authenticated state change also needs the session's CSRF
// token and a same-origin request.
//
// The queue lists cases (guard.Case): the anomalies of one commit or pull
// request, riskiest first. A case page triages the case, each of its
// findings the action applies to, or one finding; an anomaly page shows
// one finding. Commits and files link to GitHub only when their recorder
// gave a GitHub URL (see webBase): a repository scanned locally, not
// known to be on GitHub, gets no made-up link.
//
// The stores apply the two-person rule (guard.DecideRelease,
// guard.CheckSuppressor): the pages and the API show a release waiting
// for a second triager (the API answers 202 Accepted to the first) and
// offer to confirm or withdraw it, and list suppressions waiting for a
// second triager's approval.
//
// Setup is a separate handler, for /setup, that serves while the server
// has no GitHub App: the browser that opened its one-time link posts the
// App's manifest to GitHub (GitHub's manifest flow) with a state bound to
// its session, and the way back with GitHub's code hands the code to
// Register, which cmd/repoguard wires to the exchange and the switch to
// the App. No secret of the App passes through this package.
//
// The package depends only on guard: the store, the pull request source
// and the sign-in methods are interfaces that cmd/repoguard wires.
package web
