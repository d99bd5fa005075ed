package main

import (
	"errors"
	"os"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/app"
)

// runAppCmd runs the GitHub App helpers.
func runAppCmd(e *env, args []string) int {
	const usage = "usage: repoguard app manifest [--url PUBLIC_URL] [--name NAME]"
	return dispatch(e, "app", usage, args, []subcommand{{"manifest", runAppManifest}})
}

// runAppManifest prints the GitHub App manifest for the manifest flow.
func runAppManifest(e *env, args []string) int {
	fs := newFlagSet(e, "app manifest", "app manifest [--url PUBLIC_URL] [--name NAME]")
	url := fs.String("url", os.Getenv("REPOGUARD_PUBLIC_URL"), "public `URL` of the server (default $REPOGUARD_PUBLIC_URL)")
	name := fs.String("name", "repoguard", "`NAME` of the App")
	if _, code, ok := parseArgs(fs, args); !ok {
		return code
	}
	if *url == "" {
		return fail(e, errors.New("app manifest: give the server's public URL with --url or REPOGUARD_PUBLIC_URL"))
	}
	m, err := configs.NewAppManifest(*name, *url, app.Events().Names())
	if err != nil {
		return fail(e, err)
	}
	b, err := m.JSON()
	if err != nil {
		return fail(e, err)
	}
	e.stdout.Write(b)
	return exitOK
}
