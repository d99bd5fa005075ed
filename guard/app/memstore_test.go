package app

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// MemStore is a Store in memory, the store of this package's tests.
// States are kept as JSON, so that what is saved is what a database would
// give back; anomalies are recorded as the SQLite store records them,
// without suppressions, and the audit log is a list without a hash chain.
// It is safe for concurrent use.
type MemStore struct {
	mu        sync.Mutex
	pulls     map[string][]byte // "repo#n" -> JSON of PullState
	heads     map[[2]string]string
	pushes    map[guard.Push]string // push (lowercased login) -> repo
	anomalies []*guard.Anomaly      // by ID - 1
	byKey     map[string]*guard.Anomaly
	audit     []guard.AuditEntry
	now       func() time.Time
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{pulls: map[string][]byte{}, heads: map[[2]string]string{}, pushes: map[guard.Push]string{},
		byKey: map[string]*guard.Anomaly{}, now: time.Now}
}

func pullKey(repo string, n int) string { return fmt.Sprintf("%s#%d", repo, n) }

// PullState implements Store.
func (m *MemStore) PullState(ctx context.Context, repo string, number int) (*PullState, error) {
	m.mu.Lock()
	b, ok := m.pulls[pullKey(repo, number)]
	m.mu.Unlock()
	if !ok {
		return nil, nil
	}
	var st PullState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("memstore: decode state of %s#%d: %w", repo, number, err)
	}
	return &st, nil
}

// SavePullState implements Store.
func (m *MemStore) SavePullState(ctx context.Context, s *PullState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("memstore: encode state of %s#%d: %w", s.Repo, s.Number, err)
	}
	m.mu.Lock()
	m.pulls[pullKey(s.Repo, s.Number)] = b
	m.mu.Unlock()
	return nil
}

// PullForCommit implements Store.
func (m *MemStore) PullForCommit(ctx context.Context, repo, sha string) (int, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, b := range m.pulls {
		var st struct {
			Repo     string `json:"repo"`
			Number   int    `json:"number"`
			HeadSHA  string `json:"head_sha"`
			MergeSHA string `json:"merge_sha"`
		}
		if json.Unmarshal(b, &st) == nil && st.Repo == repo && (st.HeadSHA == sha || st.MergeSHA == sha) {
			return st.Number, true, nil
		}
	}
	return 0, false, nil
}

// PullsWithHead implements Store.
func (m *MemStore) PullsWithHead(ctx context.Context, repo, sha string) ([]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []int
	for _, b := range m.pulls {
		var st struct {
			Repo    string `json:"repo"`
			Number  int    `json:"number"`
			HeadSHA string `json:"head_sha"`
		}
		if json.Unmarshal(b, &st) == nil && st.Repo == repo && st.HeadSHA == sha {
			out = append(out, st.Number)
		}
	}
	sort.Ints(out)
	return out, nil
}

// RecordPushes implements Store.
func (m *MemStore) RecordPushes(ctx context.Context, repo, branch string, pushers, commits []string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range pushers {
		if login := strings.ToLower(strings.TrimSpace(p)); login != "" {
			for _, c := range commits {
				m.pushes[guard.Push{Login: login, Branch: branch, Commit: c}] = repo
			}
		}
	}
	return nil
}

// PushesOf implements Store.
func (m *MemStore) PushesOf(ctx context.Context, repo string, commits []string) ([]guard.Push, error) {
	want := map[string]bool{}
	for _, c := range commits {
		want[c] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []guard.Push
	for p, r := range m.pushes {
		if r == repo && want[p.Commit] {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Commit < b.Commit || a.Commit == b.Commit && (a.Branch < b.Branch || a.Branch == b.Branch && a.Login < b.Login)
	})
	return out, nil
}

// RefHead implements Store.
func (m *MemStore) RefHead(ctx context.Context, repo, ref string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.heads[[2]string{repo, ref}], nil
}

// SetRefHead implements Store.
func (m *MemStore) SetRefHead(ctx context.Context, repo, ref, sha string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.heads[[2]string{repo, ref}] = sha
	return nil
}

// AppendAudit implements Store.
func (m *MemStore) AppendAudit(ctx context.Context, actor, action, subject, detail string) (guard.AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := guard.AuditEntry{Seq: int64(len(m.audit) + 1), At: m.now(), Actor: actor, Action: action, Subject: subject, Detail: detail}
	m.audit = append(m.audit, e)
	return e, nil
}

// Audit returns the audit log, oldest first.
func (m *MemStore) Audit() []guard.AuditEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]guard.AuditEntry(nil), m.audit...)
}
