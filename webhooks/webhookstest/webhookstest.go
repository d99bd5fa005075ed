// Package webhookstest holds GitHub's webhook payload examples for tests:
// real bodies of the events repoguard stores, one folder per event and one
// file per action or variant (testdata/github-webhooks, from the
// octokit/webhooks project under the MIT licence; its README says more).
// They are embedded, so that a test reads them wherever it runs.
package webhookstest

import (
	"embed"
	"io/fs"
	"path"
	"testing"
)

//go:embed testdata/github-webhooks
var files embed.FS

// Payloads returns the examples: EVENT/NAME.json files, the bodies of
// deliveries of event EVENT.
func Payloads() fs.FS {
	sub, _ := fs.Sub(files, "testdata/github-webhooks") // fails only on an invalid path
	return sub
}

// Payload returns the example name (such as "created.payload.json") of
// event, and fails the test when there is none.
func Payload(t testing.TB, event, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(Payloads(), path.Join(event, name))
	if err != nil {
		t.Fatalf("webhook payload example %s/%s: %v", event, name, err)
	}
	return b
}
