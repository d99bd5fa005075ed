package sqlite

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Defaults of a Learner's batching.
const (
	DefaultBatchSize = 5000
	DefaultInterval  = 5 * time.Second
	DefaultMaxCached = 20000
)

// Learner learns commits into profiles and identities in memory and
// writes them to the database in batches: Commit stores everything
// learned since the last Commit together with the learning cursors in one
// transaction. A Learner abandoned without Commit loses only what it
// learned since its last Commit, and the cursors say where to resume.
//
// Baseline serves the profiles as they are in memory, unflushed learning
// included, so a scan can judge each commit and then learn it without a
// round trip to the database. Profiles and identities are loaded lazily,
// once each, and the cache is trimmed after a Commit when it exceeds
// MaxCached entries.
//
// A Learner is not safe for concurrent use, and a database should have at
// most one Learner at a time: the last to commit a profile wins.
type Learner struct {
	// BatchSize and Interval say when Due reports that a Commit is due:
	// after that many commits or that much time since the last Commit.
	BatchSize int
	Interval  time.Duration
	// MaxCached is the number of cached profiles and identities above
	// which a Commit empties the cache.
	MaxCached int
	// Sole says that no one else writes the database's judgements while
	// this Learner lives (a scan or a backfill): a repository without
	// any when first looked at then has only the ones this Learner
	// writes, and Judged asks the database of no other commit. A
	// server, one of several replicas or long-lived, leaves it false.
	Sole bool

	db       *DB
	profiles map[profileID]*cachedProfile
	idents   map[string]*identState // nil: known to be absent
	emails   map[string]map[string]int
	merged   map[string]string          // email keys merged away -> login key
	pending  map[string]int             // commits learned per repo since Commit
	cursors  map[[2]string]guard.Cursor // (repo, ref) -> advanced since Commit
	// rateCache holds the rates loaded; judged the judgements kept since
	// the last Commit, by (repo, commit).
	rateCache map[ratesID]*cachedRates
	judged    map[[2]string]*guard.Judgement
	// kept is what is known of the judgements in the database, by repo
	// (not emptied by reset: it follows what this Learner writes).
	kept    map[string]*keptJudgements
	learned int
	since   time.Time
}

// NewLearner returns a Learner writing to db.
func NewLearner(db *DB) *Learner {
	l := &Learner{BatchSize: DefaultBatchSize, Interval: DefaultInterval, MaxCached: DefaultMaxCached, db: db,
		kept: map[string]*keptJudgements{}}
	l.reset()
	return l
}

// reset empties the caches; only valid when nothing is dirty.
func (l *Learner) reset() {
	l.profiles = map[profileID]*cachedProfile{}
	l.idents = map[string]*identState{}
	l.emails = map[string]map[string]int{}
	l.merged = map[string]string{}
	l.pending = map[string]int{}
	l.cursors = map[[2]string]guard.Cursor{}
	l.rateCache = map[ratesID]*cachedRates{}
	l.judged = map[[2]string]*guard.Judgement{}
	l.learned = 0
	l.since = time.Now()
}

// Learn learns commit c of repo: it resolves the author's identity (login
// is the author's GitHub login, "" when unknown) and adds the commit to
// the author's profiles in repo and across the organization, to the
// profiles of everyone in repo and in the organization, and to the
// identity's emails and names. categories[i] are the sensitive
// categories of c.Files[i]. j, when not nil, is the commit's judgement:
// the repository's and the organization's rates count its events.
func (l *Learner) Learn(ctx context.Context, repo string, c *guard.Commit, categories [][]string, login string, j *guard.Judgement) error {
	if repo == "" {
		return errors.New("learn: empty repo")
	}
	key, err := l.ResolveIdentity(ctx, login, c.Author.Email)
	if err != nil {
		return err
	}
	e := guard.NormalizeEmail(c.Author.Email)
	idx, err := l.emailIndex(ctx, e)
	if err != nil {
		return err
	}
	id, err := l.ident(ctx, key)
	if err != nil {
		return err
	}
	// Load all before changing any, so a failed load changes nothing.
	var cps [4]*cachedProfile
	for i, pid := range [...]profileID{{repo, key}, {"", key}, {repo, guard.OrgKey}, {"", guard.OrgKey}} {
		if cps[i], err = l.profile(ctx, pid.repo, pid.key); err != nil {
			return err
		}
	}
	if j != nil {
		if err := l.learnRates(ctx, repo, j); err != nil {
			return err
		}
	}
	for _, cp := range cps {
		cp.p.Learn(c, categories)
		cp.dirty = true
	}
	if id == nil {
		id = l.newIdent(key)
	}
	at := c.Author.When.Unix()
	use(id.emails, e).add(1, at, at)
	use(id.names, c.Author.Name).add(1, at, at)
	idx[key]++
	l.pending[repo]++
	l.learned++
	return nil
}

// Pending returns the number of commits learned since the last Commit.
func (l *Learner) Pending() int { return l.learned }

// Due reports whether a Commit is due: BatchSize commits learned or
// judgements kept, or Interval, have passed since the last one.
func (l *Learner) Due() bool {
	n := l.learned + len(l.judged)
	return n > 0 && (n >= l.BatchSize || time.Since(l.since) >= l.Interval)
}

// Baseline returns the author's baseline as it is now, learning not yet
// committed included.
//
// The profiles are the Learner's own, not copies (a copy of the
// organization's profile costs more than learning a commit): read them,
// do not modify them, and Clone what must outlive the next Learn,
// LinkLogin or ResolveIdentity.
func (l *Learner) Baseline(ctx context.Context, repo, key, email string) (*guard.Baseline, error) {
	var ps [4]*guard.Profile
	for i, pid := range [...]profileID{{repo, key}, {"", key}, {"", guard.OrgKey}, {repo, guard.OrgKey}} {
		cp, err := l.profile(ctx, pid.repo, pid.key)
		if err != nil {
			return nil, err
		}
		ps[i] = cp.p
	}
	id, err := l.identity(ctx, key)
	if err != nil {
		return nil, err
	}
	keys, err := l.EmailKeys(ctx, email)
	if err != nil {
		return nil, err
	}
	others := keys[:0]
	for _, k := range keys {
		if k != key {
			others = append(others, k)
		}
	}
	return &guard.Baseline{Author: ps[0], AuthorAll: ps[1], Org: ps[2], Repo: ps[3], Identity: id, EmailKeys: others}, nil
}

// EmailKeys returns the keys of every identity that has used email,
// sorted, learning not yet committed included.
func (l *Learner) EmailKeys(ctx context.Context, email string) ([]string, error) {
	idx, err := l.emailIndex(ctx, guard.NormalizeEmail(email))
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(idx))
	for k := range idx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

// Identity returns the identity of key, learning not yet committed
// included, or nil when there is none.
func (l *Learner) Identity(ctx context.Context, key string) (*guard.Identity, error) {
	return l.identity(ctx, key)
}

// Profile returns a copy of the profile of key in repo ("" for the
// organization), learning not yet committed included.
func (l *Learner) Profile(ctx context.Context, repo, key string) (*guard.Profile, error) {
	cp, err := l.profile(ctx, repo, key)
	if err != nil {
		return nil, err
	}
	return cp.p.Clone(), nil
}
