package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
)

// progress is an Observer that keeps what it is told.
type progress struct {
	mu   sync.Mutex
	done []BackfillProgress
}

func (p *progress) Backfill(b BackfillProgress) {
	if b.Done {
		p.mu.Lock()
		p.done = append(p.done, b)
		p.mu.Unlock()
	}
}

func (p *progress) Evaluated(kind, conclusion string, d time.Duration) {}

func installationEvent(action string) map[string]any {
	return map[string]any{
		"action": action, "installation": map[string]any{"id": apptest.Installation, "account": user(apptest.Owner)},
		"repositories": []any{map[string]any{"id": 1296269, "name": apptest.Name, "full_name": apptest.FullName}},
		"sender":       user("admin"),
	}
}

func TestInstallationBackfillsProfiles(t *testing.T) {
	e := newEnv(t)
	obs := &progress{}
	e.app.Observer = obs
	for i, who := range []string{"alice", "bob", "alice", "carol"} {
		e.Commit(who, "Change", map[string]string{"src/f.go": "package src // " + string(rune('a'+i)) + "\n"})
	}
	e.Push("main")
	tip := e.Head()
	if err := e.deliver("installation", installationEvent("created")); err != nil {
		t.Fatal(err)
	}
	e.app.WaitBackfills()
	if len(obs.done) != 1 || obs.done[0].Err != nil || obs.done[0].Learned != 5 {
		t.Fatalf("backfill reports %+v, want one done with 5 commits learned", obs.done)
	}
	if n := e.profiles.Profile(apptest.FullName, guard.OrgKey).Commits; n != 5 {
		t.Errorf("repository profile has %d commits, want 5", n)
	}
	if n := e.profiles.Profile(apptest.FullName, "alice@acme.test").Commits; n != 3 {
		t.Errorf("alice's profile has %d commits, want 3", n)
	}
	if cur, _ := e.profiles.Cursor(context.Background(), apptest.FullName, "refs/heads/main"); cur.Hash != tip || cur.Target != "" {
		t.Errorf("cursor %+v, want %s", cur, tip)
	}

	// A second installation event learns nothing twice.
	if err := e.deliver("installation_repositories", map[string]any{"action": "added",
		"installation": installation(), "repositories_added": installationEvent("")["repositories"],
		"sender": user("admin")}); err != nil {
		t.Fatal(err)
	}
	e.app.WaitBackfills()
	if n := e.profiles.Learned(); n != 5 {
		t.Errorf("learned %d commits in all, want 5", n)
	}
}

func TestInstallationDeletedStopsBackfills(t *testing.T) {
	e := newEnv(t)
	obs := &progress{}
	e.app.Observer = obs
	block := make(chan struct{})
	e.app.Repos = blockingRepos{Repos: e.repos, block: block}
	if err := e.deliver("installation", installationEvent("created")); err != nil {
		t.Fatal(err)
	}
	if err := e.deliver("installation", installationEvent("deleted")); err != nil {
		t.Fatal(err)
	}
	e.app.WaitBackfills()
	close(block)
	if len(obs.done) != 1 || obs.done[0].Err == nil {
		t.Fatalf("backfill reports %+v, want one stopped with an error", obs.done)
	}
}

// blockingRepos waits in Fetch until block is closed or the context ends.
type blockingRepos struct {
	Repos
	block chan struct{}
}

func (b blockingRepos) Fetch(ctx context.Context, inst int64, url string, refs []string) (Repository, func(), error) {
	select {
	case <-b.block:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	return b.Repos.Fetch(ctx, inst, url, refs)
}
