package guard

import (
	"context"
	"fmt"
	"sync"
)

// History is the part of a repository the learning loop reads: the
// commits of a revision ("main") or a range ("A..B"), oldest first, with
// their changes. gitrepo.History adapts a repository.
type History interface {
	// Walk calls fn for each commit of rev, oldest first.
	Walk(ctx context.Context, rev string, fn func(*Commit) error) error
	// Count returns the number of commits Walk visits.
	Count(ctx context.Context, rev string) (int, error)
}

// Baselines resolves commit authors to identities and serves their
// baselines: the read side of a ProfileStore.
type Baselines interface {
	// ResolveIdentity returns the identity key of a commit author: the
	// login when known (from GitHub or a noreply address), else the
	// login that used the email most, else the normalized email.
	ResolveIdentity(ctx context.Context, login, email string) (string, error)
	// Baseline returns the author's baseline as it is now. Its profiles
	// are the store's own: read them only until the next call.
	Baseline(ctx context.Context, repo, key, email string) (*Baseline, error)
	// Rates returns how often each behaviour event happened in the
	// commits of repo and of the organization, of people or of bots.
	Rates(ctx context.Context, repo string, bot bool) (here, org *Rates, err error)
}

// Judgements keeps the behaviour judgement of each commit, made once.
type Judgements interface {
	// Judged returns the judgement kept for a commit of repo, nil when
	// there is none.
	Judged(ctx context.Context, repo, sha string) (*Judgement, error)
	// Keep keeps the judgement of a commit of repo (the first kept
	// stands).
	Keep(repo, sha string, j *Judgement)
}

// JudgementStore is where a commit's behaviour judgement comes from:
// kept, or made from the baselines and kept.
type JudgementStore interface {
	Baselines
	Judgements
}

// ProfileStore is where the learning loop learns: *sqlite.Learner. It
// learns in memory and writes in batches, each with the cursors of the
// walks in progress, so that a run that stops loses at most a batch and
// the next resumes where the last batch ended.
type ProfileStore interface {
	JudgementStore
	// Learn adds commit c of repo to the author's and everyone's
	// profiles; categories[i] are those of c.Files[i], login is the
	// author's GitHub login ("" when unknown). j, when not nil, is the
	// commit's judgement, counted in the rates of its events.
	Learn(ctx context.Context, repo string, c *Commit, categories [][]string, login string, j *Judgement) error
	// Advance records cur as the cursor of its ref, written by the next
	// Commit with what was learned up to it.
	Advance(cur Cursor)
	// Due reports whether enough was learned to be worth a Commit.
	Due() bool
	// Commit writes what was learned since the last Commit and the
	// cursors advanced (and those given) in one transaction.
	Commit(ctx context.Context, cursors ...Cursor) error
}

// BaselineOf resolves the author of c (login is their GitHub login, ""
// when unknown) and returns their identity key and baseline in repo as
// the store has them now.
func BaselineOf(ctx context.Context, p Baselines, repo string, c *Commit, login string) (string, *Baseline, error) {
	key, err := p.ResolveIdentity(ctx, login, c.Author.Email)
	if err != nil {
		return "", nil, fmt.Errorf("resolve identity of %s: %w", c.Author.Email, err)
	}
	b, err := p.Baseline(ctx, repo, key, c.Author.Email)
	if err != nil {
		return "", nil, fmt.Errorf("baseline of %s: %w", key, err)
	}
	b.Bot = IsBot(c.Author)
	if b.Rates, b.OrgRates, err = p.Rates(ctx, repo, b.Bot); err != nil {
		return "", nil, fmt.Errorf("rates of %s: %w", repo, err)
	}
	return key, b, nil
}

// BehaviourOf returns the behaviour judgement of commit c of repo (login
// is its author's GitHub login, "" when unknown): the one the store
// kept, else one eng makes now against the author's baseline as the
// store has it, which the store keeps. detErr reports detectors that
// failed; err the store.
func BehaviourOf(ctx context.Context, st JudgementStore, eng *Engine, repo string, c *Commit, login string) (j *Judgement, detErr, err error) {
	if j, err = st.Judged(ctx, repo, c.Hash); err != nil || j != nil {
		return j, nil, err
	}
	_, b, err := BaselineOf(ctx, st, repo, c, login)
	if err != nil {
		return nil, nil, err
	}
	j, detErr = eng.Behaviour(Subject{Commit: c, Baseline: b})
	st.Keep(repo, c.Hash, j)
	return j, detErr, nil
}

// LearnWalk learns the history of one ref of a repository into a
// ProfileStore, oldest first and resumably: the one learning loop of the
// command line's scan and backfill and of the App's pushes and
// backfills. Each commit not learned yet is mapped through the Mailmap,
// judged (when Judge is set) against its author's baseline as it was
// before the commit, then learned; the ref's cursor advances with it, and
// each segment ends with a Commit of its target. Set the fields, then
// Count and Run the segments Cursor.Plan returns.
type LearnWalk struct {
	// Repo and Ref name what is learned, as the cursors record it.
	Repo, Ref string
	History   History
	Profiles  ProfileStore
	// Lock, when set, is held while a commit is judged and learned (the
	// App shares one ProfileStore among its walks).
	Lock sync.Locker
	// Mailmap maps authors and committers to their canonical names and
	// emails; nil maps nothing. Classifier files changes in the policy's
	// sensitive categories; nil files them in none.
	Mailmap    *Mailmap
	Classifier Classifier
	// Logins are the authors' GitHub logins by commit hash, where known.
	Logins map[string]string
	// Engine, when set, judges each commit's behaviour before it is
	// learned (BehaviourOf: the judgement kept, or made against the
	// baseline as it was before the commit and kept), and the rates learn
	// its events. Without it the rates learn nothing.
	Engine *Engine
	// Judge, when set, is called for each commit before it is learned,
	// under Lock, with its behaviour judgement (nil without Engine) and
	// the error of detectors that failed. Merge commits are judged only
	// with JudgeMerges (the App does not judge them: their first-parent
	// diff is other people's work), and never counted in the rates.
	Judge       func(c *Commit, j *Judgement, detErr error) error
	JudgeMerges bool
	// Seen, when set, is called for each commit of an interrupted walk
	// that was learned already, instead of learning it again.
	Seen func(c *Commit) error
	// Step, when set, is called after each commit learned, outside Lock,
	// with the number learned so far.
	Step func(c *Commit, n int) error
}

// Count returns the number of commits Run learns of segs.
func (w *LearnWalk) Count(ctx context.Context, segs []LearnSegment) (int, error) {
	n := 0
	for _, s := range segs {
		c, err := w.History.Count(ctx, s.Rev())
		if err != nil {
			return 0, err
		}
		n += max(c-s.Skip, 0)
	}
	return n, nil
}

// Run learns segs in order and returns how many commits it learned.
func (w *LearnWalk) Run(ctx context.Context, segs []LearnSegment) (int, error) {
	n := 0
	for _, s := range segs {
		i := 0
		err := w.History.Walk(ctx, s.Rev(), func(c *Commit) error {
			i++
			w.Mailmap.Apply(c)
			if i <= s.Skip {
				return w.seen(c)
			}
			if err := w.learn(ctx, c, Cursor{Repo: w.Repo, Ref: w.Ref, Hash: s.Base, Target: s.Target, Done: i}); err != nil {
				return err
			}
			n++
			if w.Step != nil {
				return w.Step(c, n)
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("learn %s %s: %w", w.Ref, s.Rev(), err)
		}
		if err := w.commit(ctx, Cursor{Repo: w.Repo, Ref: w.Ref, Hash: s.Target}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Revisit calls Seen for each commit reachable from hash (the tip a
// cursor says is learned), oldest first, mapped through the Mailmap.
func (w *LearnWalk) Revisit(ctx context.Context, hash string) error {
	return w.History.Walk(ctx, hash, func(c *Commit) error {
		w.Mailmap.Apply(c)
		return w.seen(c)
	})
}

func (w *LearnWalk) seen(c *Commit) error {
	if w.Seen == nil {
		return nil
	}
	return w.Seen(c)
}

// learn judges c when asked, learns it, advances the ref's cursor to
// cur and commits when a Commit is due.
func (w *LearnWalk) learn(ctx context.Context, c *Commit, cur Cursor) error {
	defer w.lock()()
	login := w.Logins[c.Hash]
	judge := w.JudgeMerges || !c.IsMerge()
	var j *Judgement
	var detErr error
	if w.Engine != nil && judge {
		var err error
		if j, detErr, err = BehaviourOf(ctx, w.Profiles, w.Engine, w.Repo, c, login); err != nil {
			return err
		}
	}
	if w.Judge != nil && judge {
		if err := w.Judge(c, j, detErr); err != nil {
			return err
		}
	}
	if c.IsMerge() {
		j = nil
	}
	if err := w.Profiles.Learn(ctx, w.Repo, c, CategoriesOf(w.Classifier, c.Files), login, j); err != nil {
		return fmt.Errorf("learn %s: %w", c.ShortHash(), err)
	}
	w.Profiles.Advance(cur)
	if !w.Profiles.Due() {
		return nil
	}
	if err := w.Profiles.Commit(ctx); err != nil {
		return fmt.Errorf("commit learning: %w", err)
	}
	return nil
}

// commit advances the ref's cursor to cur and commits.
func (w *LearnWalk) commit(ctx context.Context, cur Cursor) error {
	defer w.lock()()
	w.Profiles.Advance(cur)
	if err := w.Profiles.Commit(ctx); err != nil {
		return fmt.Errorf("commit learning: %w", err)
	}
	return nil
}

// lock takes Lock, when set, and returns what releases it.
func (w *LearnWalk) lock() (unlock func()) {
	if w.Lock == nil {
		return func() {}
	}
	w.Lock.Lock()
	return w.Lock.Unlock
}
