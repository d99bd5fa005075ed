package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// ratesID names a rates row: repo "" is the organization, bot the kind
// of authors counted.
type ratesID struct {
	repo string
	bot  bool
}

func (id ratesID) kind() string {
	if id.bot {
		return "bot"
	}
	return "human"
}

// cachedRates are rates held by a Learner; dirty means they changed
// since they were loaded or last committed.
type cachedRates struct {
	r     *guard.Rates
	dirty bool
}

// Rates returns the rates of repo and of the organization for authors of
// the kind (bot or not), learning not yet committed included. They are
// the Learner's own: read them only until the next Learn.
func (l *Learner) Rates(ctx context.Context, repo string, bot bool) (here, org *guard.Rates, err error) {
	h, err := l.rates(ctx, ratesID{repo, bot})
	if err != nil {
		return nil, nil, err
	}
	o, err := l.rates(ctx, ratesID{"", bot})
	if err != nil {
		return nil, nil, err
	}
	return h.r, o.r, nil
}

func (l *Learner) rates(ctx context.Context, id ratesID) (*cachedRates, error) {
	if cr := l.rateCache[id]; cr != nil {
		return cr, nil
	}
	r := guard.NewRates()
	var data string
	err := l.db.db.QueryRowContext(ctx, `SELECT data FROM rates WHERE repo = $1 AND kind = $2`, id.repo, id.kind()).Scan(&data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, l.db.wrap(fmt.Sprintf("load rates %q %s", id.repo, id.kind()), err)
	default:
		if err := json.Unmarshal([]byte(data), r); err != nil {
			return nil, fmt.Errorf("decode rates %q %s: %w", id.repo, id.kind(), err)
		}
		if r.Events == nil {
			r.Events = map[string]int{}
		}
	}
	cr := &cachedRates{r: r}
	l.rateCache[id] = cr
	return cr, nil
}

// learnRates counts a commit of repo judged as j in the repository's and
// the organization's rates of its kind. A failed load changes nothing.
func (l *Learner) learnRates(ctx context.Context, repo string, j *guard.Judgement) error {
	var crs [2]*cachedRates
	for i, id := range [...]ratesID{{repo, j.Bot}, {"", j.Bot}} {
		cr, err := l.rates(ctx, id)
		if err != nil {
			return err
		}
		crs[i] = cr
	}
	for _, cr := range crs {
		cr.r.Learn(j)
		cr.dirty = true
	}
	return nil
}

// Judged returns the judgement kept for a commit of repo, or nil when
// there is none; kept judgements not yet committed included.
func (l *Learner) Judged(ctx context.Context, repo, sha string) (*guard.Judgement, error) {
	if j, ok := l.judged[[2]string{repo, sha}]; ok {
		return j, nil
	}
	if l.Sole {
		if kept, err := l.keptOf(ctx, repo); err != nil || !kept.foreign && !kept.own[sha] {
			return nil, err
		}
	}
	var data string
	err := l.db.db.QueryRowContext(ctx, `SELECT data FROM judgements WHERE repo = $1 AND commit_sha = $2`, repo, sha).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, l.db.wrap("load judgement of "+guard.ShortHash(sha), err)
	}
	j := &guard.Judgement{}
	if err := json.Unmarshal([]byte(data), j); err != nil {
		return nil, fmt.Errorf("decode judgement of %s %s: %w", repo, guard.ShortHash(sha), err)
	}
	return j, nil
}

// keptJudgements is what a Sole Learner knows of the judgements of a
// repository in the database: foreign when it held some when first
// looked at, else own lists those this Learner wrote since. A scan of a
// new repository judges every commit: knowing that none is kept saves a
// query per commit.
type keptJudgements struct {
	foreign bool
	own     map[string]bool
}

// keptOf returns what is known of the judgements of repo in the
// database, asking the database the first time.
func (l *Learner) keptOf(ctx context.Context, repo string) (*keptJudgements, error) {
	if k := l.kept[repo]; k != nil {
		return k, nil
	}
	var any bool
	err := l.db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM judgements WHERE repo = $1)`, repo).Scan(&any)
	if err != nil {
		return nil, l.db.wrap("look for judgements of "+repo, err)
	}
	k := &keptJudgements{foreign: any, own: map[string]bool{}}
	l.kept[repo] = k
	return k, nil
}

// Keep keeps the judgement of a commit of repo, written by the next
// Commit. A commit is judged once: a second Keep of the same commit is
// ignored.
func (l *Learner) Keep(repo, sha string, j *guard.Judgement) {
	k := [2]string{repo, sha}
	if _, ok := l.judged[k]; !ok {
		l.judged[k] = j
	}
}

func (l *Learner) writeCalibration(ctx context.Context, tx *sql.Tx) error {
	for id, cr := range l.rateCache {
		if !cr.dirty {
			continue
		}
		data, err := json.Marshal(cr.r)
		if err != nil {
			return fmt.Errorf("encode rates %q: %w", id.repo, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rates (repo, kind, commits, data) VALUES ($1, $2, $3, $4)
			ON CONFLICT (repo, kind) DO UPDATE SET commits = excluded.commits, data = excluded.data`,
			id.repo, id.kind(), cr.r.Commits, string(data)); err != nil {
			return fmt.Errorf("rates %q %s: %w", id.repo, id.kind(), err)
		}
	}
	now := l.db.now().Unix()
	for k, j := range l.judged {
		data, err := json.Marshal(j)
		if err != nil {
			return fmt.Errorf("encode judgement of %s: %w", guard.ShortHash(k[1]), err)
		}
		// The first judgement of a commit stands.
		if _, err := tx.ExecContext(ctx, `INSERT INTO judgements (repo, commit_sha, data, created) VALUES ($1, $2, $3, $4)
			ON CONFLICT (repo, commit_sha) DO NOTHING`, k[0], k[1], string(data), now); err != nil {
			return fmt.Errorf("judgement of %s: %w", guard.ShortHash(k[1]), err)
		}
		if kept := l.kept[k[0]]; l.Sole && kept != nil && !kept.foreign {
			kept.own[k[1]] = true // kept too when the transaction fails: then looked up in vain
		}
	}
	return nil
}
