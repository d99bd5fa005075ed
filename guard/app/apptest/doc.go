// Package apptest is the world the GitHub App's tests run in: a fake
// GitHub (githubtest) on which the App is installed (Installation) on
// acme/widgets, the repository's Git served over smart HTTP by git
// http-backend (gittest) to the fake's installation tokens, and a working
// clone in which the people of acme.test commit, push and open pull
// requests.
//
// The tests of package app and the end-to-end tests of `repoguard serve`
// share it. It does not import package app, so that app's own tests can
// use it.
package apptest
