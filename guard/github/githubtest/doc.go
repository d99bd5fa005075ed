// Package githubtest is a fake GitHub REST API for tests of package
// github, served by httptest.
//
// It issues installation tokens for App JWTs it verifies against its own
// RSA key (AppKeyPEM), and serves the endpoints the client uses: check
// runs (create, update, list for a ref), pull requests with their commits
// and reviews, the pull requests of a commit, team memberships and
// repository contents. It also plays both halves of the manifest flow
// that registers an App: the web form that takes a manifest and
// redirects back with a code, and the code's exchange for the App
// (ManifestApps), which is the fake's own App. Tests set up
// state with AddPullRequest, AddReview, SetTeamMember and SetFile, inject
// faults (server errors, rate limits) with FailNext or Inject, and read
// back what arrived with CheckRuns and Requests. It validates input the
// way GitHub does where that is cheap: at most 50 annotations per
// request, a conclusion with status completed, summaries within 65535.
package githubtest
