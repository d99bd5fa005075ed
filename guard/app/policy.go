package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
)

// OrgPolicyRepo is the repository of an organization whose policy file
// (guard.PolicyPath, ".github/repoguard.yml", on its default branch) is
// the default of every repository of the organization without one: the
// organization's ".github" repository is configured like any other.
const OrgPolicyRepo = ".github"

// policy is an effective policy with its engine.
type policy struct {
	pol    *guard.Policy
	eng    *guard.Engine
	source string
	// invalid is set when the policy that should apply does not parse:
	// the check fails with it. pol and eng are then the defaults, so
	// that findings can still be shown.
	invalid error
}

// loadPolicy returns the policy at rev of the repository: its own policy
// file, else the organization's default, else the built-in defaults. It
// is read from the base of a change, never from its head.
func (a *App) loadPolicy(ctx context.Context, c GitHubClient, r Repository, owner, name, rev string) (*policy, error) {
	data, err := r.ReadFile(ctx, rev, guard.PolicyPath)
	switch {
	case err == nil:
		return a.parsePolicy(fmt.Sprintf("%s/%s:%s@%s", owner, name, guard.PolicyPath, guard.ShortHash(rev)), data)
	case !errors.Is(err, gitrepo.ErrFileNotFound):
		return nil, fmt.Errorf("read policy at %s: %w", guard.ShortHash(rev), err)
	}
	if name != OrgPolicyRepo {
		data, found, err := c.FileContent(ctx, owner, OrgPolicyRepo, "", guard.PolicyPath)
		if err != nil {
			return nil, fmt.Errorf("read organization policy: %w", transient(err))
		}
		if found {
			return a.parsePolicy(fmt.Sprintf("%s/%s:%s (organization default)", owner, OrgPolicyRepo, guard.PolicyPath), data)
		}
	}
	return a.parsePolicy("built-in defaults", nil)
}

// readMailmap reads .mailmap at rev; a repository without one, or with
// one that does not parse (logged), maps nothing.
func (a *App) readMailmap(ctx context.Context, r Repository, rev string) *guard.Mailmap {
	data, err := r.ReadFile(ctx, rev, ".mailmap")
	if err != nil {
		if !errors.Is(err, gitrepo.ErrFileNotFound) {
			a.logger(ctx).Warn("read .mailmap", "rev", guard.ShortHash(rev), "err", err)
		}
		return nil
	}
	m, err := guard.ParseMailmap(data)
	if err != nil {
		a.logger(ctx).Warn("invalid .mailmap, ignored", "rev", guard.ShortHash(rev), "err", err)
		return nil
	}
	return m
}

// parsePolicy parses a policy file (nil for the defaults) and builds its
// engine. Policies are cached by content.
func (a *App) parsePolicy(source string, data []byte) (*policy, error) {
	key := sha256.Sum256(append([]byte(source+"\x00"), data...))
	if p, ok := a.policies.get(key); ok {
		return p, nil
	}
	p := &policy{source: source}
	pol, perr := configs.ParsePolicy(source, data, a.Detectors)
	if perr != nil {
		p.invalid = perr
		if pol, perr = configs.ParsePolicy("built-in defaults", nil, a.Detectors); perr != nil {
			return nil, fmt.Errorf("built-in policy: %w", perr)
		}
	}
	cls, err := configs.NewClassifier(pol)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", source, err)
	}
	p.pol = pol
	p.eng = &guard.Engine{Detectors: a.Detectors, Policy: pol, Classifier: cls}
	a.policies.put(key, p)
	return p, nil
}

// snapshot is the part of the policy a later decision needs: the
// categories touched and the thresholds.
func (p *policy) snapshot(categories []string) *guard.Policy {
	s := &guard.Policy{Thresholds: p.pol.Thresholds}
	for _, name := range categories {
		if c := p.pol.Category(name); c != nil {
			s.Categories = append(s.Categories, guard.Category{Name: c.Name, Description: c.Description,
				Approvals: c.Approvals, Teams: c.Teams, Severity: c.Severity})
		}
	}
	return s
}

const maxCachedPolicies = 256

// policies caches parsed policies and their classifiers (which cache
// path classifications), keyed by source and content.
type policies struct {
	mu sync.Mutex
	m  map[[32]byte]*policy
}

func (c *policies) get(k [32]byte) (*policy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[k]
	return p, ok
}

func (c *policies) put(k [32]byte, p *policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedPolicies {
		clear(c.m)
	}
	c.m[k] = p
}
