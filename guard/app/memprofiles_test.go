package app

import (
	"context"
	"maps"
	"sort"
	"strings"
	"sync"

	"github.com/repoguard/repoguard/guard"
)

// MemProfiles is a Profiles in memory, the profiles of this package's
// tests. Identities resolve as the SQLite store's do, in
// short: a login when known, else the login that used the email most,
// else the normalized email; history under an email is not merged into a
// login learned later. It is safe for concurrent use.
type MemProfiles struct {
	// BatchSize is how many commits make a Commit due [1000].
	BatchSize int

	mu       sync.Mutex
	profiles map[[2]string]*guard.Profile
	idents   map[string]*guard.Identity
	emails   map[string]map[string]int // email -> identity key -> commits
	cursors  map[[2]string]guard.Cursor
	advanced map[[2]string]guard.Cursor // since the last Commit
	rates    map[[2]string]*guard.Rates // (repo or "", "bot" or "") -> rates
	judged   map[[2]string]*guard.Judgement
	pending  int
	commits  int
}

var _ Profiles = (*MemProfiles)(nil)

// NewMemProfiles returns empty profiles.
func NewMemProfiles() *MemProfiles {
	return &MemProfiles{profiles: map[[2]string]*guard.Profile{}, idents: map[string]*guard.Identity{},
		emails: map[string]map[string]int{}, cursors: map[[2]string]guard.Cursor{}, advanced: map[[2]string]guard.Cursor{},
		rates: map[[2]string]*guard.Rates{}, judged: map[[2]string]*guard.Judgement{}}
}

// ResolveIdentity implements Profiles.
func (m *MemProfiles) ResolveIdentity(ctx context.Context, login, email string) (string, error) {
	e := guard.NormalizeEmail(email)
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" {
		login = guard.NoreplyLogin(e)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if login != "" {
		m.index(e)[login] += 0
		return login, nil
	}
	best := ""
	for k, n := range m.emails[e] {
		if !strings.Contains(k, "@") && (best == "" || n > m.emails[e][best] || n == m.emails[e][best] && k < best) {
			best = k
		}
	}
	if best != "" {
		return best, nil
	}
	return e, nil
}

func (m *MemProfiles) index(e string) map[string]int {
	idx := m.emails[e]
	if idx == nil {
		idx = map[string]int{}
		m.emails[e] = idx
	}
	return idx
}

func (m *MemProfiles) profile(repo, key string) *guard.Profile {
	k := [2]string{repo, key}
	p := m.profiles[k]
	if p == nil {
		p = guard.NewProfile(key, repo)
		m.profiles[k] = p
	}
	return p
}

// Baseline implements Profiles.
func (m *MemProfiles) Baseline(ctx context.Context, repo, key, email string) (*guard.Baseline, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := &guard.Baseline{Author: m.profile(repo, key), AuthorAll: m.profile("", key), Org: m.profile("", guard.OrgKey),
		Repo: m.profile(repo, guard.OrgKey)}
	if id := m.idents[key]; id != nil {
		c := *id
		c.Emails, c.Names = append([]string(nil), id.Emails...), append([]string(nil), id.Names...)
		b.Identity = &c
	}
	for k := range m.emails[guard.NormalizeEmail(email)] {
		if k != key {
			b.EmailKeys = append(b.EmailKeys, k)
		}
	}
	sort.Strings(b.EmailKeys)
	return b, nil
}

// Learn implements Profiles.
func (m *MemProfiles) Learn(ctx context.Context, repo string, c *guard.Commit, categories [][]string, login string, j *guard.Judgement) error {
	key, err := m.ResolveIdentity(ctx, login, c.Author.Email)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if j != nil {
		for _, r := range []string{repo, ""} {
			m.ratesOf(r, j.Bot).Learn(j)
		}
	}
	for _, k := range [][2]string{{repo, key}, {"", key}, {repo, guard.OrgKey}, {"", guard.OrgKey}} {
		m.profile(k[0], k[1]).Learn(c, categories)
	}
	id := m.idents[key]
	if id == nil {
		id = &guard.Identity{Key: key}
		if !strings.Contains(key, "@") {
			id.Login = key
		}
		m.idents[key] = id
	}
	e := guard.NormalizeEmail(c.Author.Email)
	id.Emails = appendNew(id.Emails, e)
	id.Names = appendNew(id.Names, c.Author.Name)
	m.index(e)[key]++
	m.pending++
	m.commits++
	return nil
}

// Due implements Profiles.
func (m *MemProfiles) Due() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.BatchSize
	if n <= 0 {
		n = 1000
	}
	return m.pending >= n
}

// Advance implements Profiles.
func (m *MemProfiles) Advance(cur guard.Cursor) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advanced[[2]string{cur.Repo, cur.Ref}] = cur
}

// Commit implements Profiles: it records the cursors advanced and given.
func (m *MemProfiles) Commit(ctx context.Context, cursors ...guard.Cursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range cursors {
		m.advanced[[2]string{c.Repo, c.Ref}] = c
	}
	maps.Copy(m.cursors, m.advanced)
	clear(m.advanced)
	m.pending = 0
	return nil
}

// Cursor implements Profiles: the cursor advanced since the last Commit,
// else the one committed.
func (m *MemProfiles) Cursor(ctx context.Context, repo, ref string) (guard.Cursor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, cs := range []map[[2]string]guard.Cursor{m.advanced, m.cursors} {
		if c, ok := cs[[2]string{repo, ref}]; ok {
			return c, nil
		}
	}
	return guard.Cursor{Repo: repo, Ref: ref}, nil
}

// Profile returns a copy of the profile of key in repo ("" for the
// organization; guard.OrgKey for everyone).
func (m *MemProfiles) Profile(repo, key string) *guard.Profile {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.profile(repo, key).Clone()
}

// Learned returns how many commits were learned in all.
func (m *MemProfiles) Learned() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.commits
}

func (m *MemProfiles) ratesOf(repo string, bot bool) *guard.Rates {
	k := [2]string{repo, ""}
	if bot {
		k[1] = "bot"
	}
	r := m.rates[k]
	if r == nil {
		r = guard.NewRates()
		m.rates[k] = r
	}
	return r
}

// Rates implements Profiles.
func (m *MemProfiles) Rates(ctx context.Context, repo string, bot bool) (here, org *guard.Rates, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ratesOf(repo, bot), m.ratesOf("", bot), nil
}

// Judged implements Profiles.
func (m *MemProfiles) Judged(ctx context.Context, repo, sha string) (*guard.Judgement, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.judged[[2]string{repo, sha}], nil
}

// Keep implements Profiles.
func (m *MemProfiles) Keep(repo, sha string, j *guard.Judgement) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.judged[[2]string{repo, sha}]; !ok {
		m.judged[[2]string{repo, sha}] = j
	}
}
