package main

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/repoguard/repoguard/guard/gitrepo"
)

// queueName is how a scanned repository is named in the anomaly queue:
// its name in the store (the owner/name of its origin remote, or
// --repo), unless that is the path of its folder, then the folder's
// name alone. The store keeps the path, so that two folders of one name
// keep their baselines apart; the queue never shows it.
func queueName(name string) string {
	if filepath.IsAbs(name) {
		return filepath.Base(name)
	}
	return name
}

// githubWeb returns https://github.com/OWNER/NAME when the origin remote
// of repo is on github.com, else "": the queue links commits and files
// only of repositories known to be on GitHub.
func githubWeb(repo *gitrepo.Repo) string {
	return githubWebOf(originURL(filepath.Join(repo.GitDir(), "config")))
}

// githubWebOf returns https://github.com/OWNER/NAME for the URL of a
// remote on github.com, else "".
func githubWebOf(u string) string {
	name := ownerName(u)
	if name == "" || !strings.EqualFold(remoteHost(u), "github.com") {
		return ""
	}
	return "https://github.com/" + name
}

// remoteHost returns the host of a remote URL: https://host/...,
// ssh://user@host:port/... or the scp form user@host:path; "" for a
// path.
func remoteHost(u string) string {
	if strings.Contains(u, "://") {
		p, err := url.Parse(u)
		if err != nil {
			return ""
		}
		return p.Hostname()
	}
	at := strings.Index(u, "@")
	colon := strings.Index(u, ":")
	if at < 0 || colon < at {
		return ""
	}
	return u[at+1 : colon]
}
