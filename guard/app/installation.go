package app

import (
	"context"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/webhooks"
)

// onInstallation starts backfilling the profiles of every repository of
// a new installation, and stops the backfills of an installation that is
// deleted or suspended.
func (a *App) onInstallation(ctx context.Context, d *webhooks.Delivery, e *gh.InstallationEvent) error {
	switch e.GetAction() {
	case "created":
		a.startBackfills(ctx, d.InstallationID, e.Repositories)
	case "deleted", "suspend":
		n := a.backfills.stop(func(inst int64, _ string) bool { return inst == d.InstallationID })
		a.logger(ctx).Info("installation gone: backfills stopped", "stopped", n)
	}
	return nil
}

// onInstallationRepositories backfills repositories added to an
// installation and stops the backfills of those removed.
func (a *App) onInstallationRepositories(ctx context.Context, d *webhooks.Delivery, e *gh.InstallationRepositoriesEvent) error {
	switch e.GetAction() {
	case "added":
		a.startBackfills(ctx, d.InstallationID, e.RepositoriesAdded)
	case "removed":
		gone := map[string]bool{}
		for _, r := range e.RepositoriesRemoved {
			gone[r.GetFullName()] = true
		}
		n := a.backfills.stop(func(inst int64, repo string) bool { return inst == d.InstallationID && gone[repo] })
		a.logger(ctx).Info("repositories removed: backfills stopped", "removed", len(gone), "stopped", n)
	}
	return nil
}

func (a *App) startBackfills(ctx context.Context, inst int64, repos []*gh.Repository) {
	for _, r := range repos {
		name := r.GetFullName()
		if name == "" {
			continue
		}
		if a.backfills.start(ctx, inst, name, func(ctx context.Context) { a.runBackfill(ctx, inst, name) }) {
			a.logger(ctx).Info("backfill started", "repo", name)
		}
	}
}
