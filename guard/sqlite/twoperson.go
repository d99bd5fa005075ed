package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// actorOf resolves who a triager is for the two-person rule (see
// guard.ResolveActor): their identity's emails, the identities that
// share one, and for an API token the people who created tokens of its
// name.
func actorOf(ctx context.Context, q rowQuerier, name string) (*guard.Actor, error) {
	list := func(query, arg string) ([]string, error) {
		rows, err := q.QueryContext(ctx, query, arg)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, rows.Err()
	}
	return guard.ResolveActor(name, guard.ActorLookup{
		TokenOwners: func(n string) ([]string, error) {
			return list(`SELECT DISTINCT created_by FROM api_tokens WHERE name = $1`, n)
		},
		EmailsOf: func(k string) ([]string, error) {
			return list(`SELECT email FROM identity_emails WHERE identity_key = $1`, k)
		},
		KeysOf: func(e string) ([]string, error) {
			return list(`SELECT identity_key FROM identity_emails WHERE email = $1`, e)
		},
	})
}

// pullState is the part of the App's saved evaluation of a pull request
// (the JSON of app.PullState) that the two-person rule reads.
type pullState struct {
	Author       string   `json:"author"`
	Contributors []string `json:"contributors"`
	Pusher       string   `json:"pusher"`
	Pushers      []string `json:"pushers"`
	// Commits are those whose pushers took part too; CoAuthors those
	// the commits' trailers name.
	Commits   []string         `json:"commits"`
	CoAuthors []guard.CoAuthor `json:"co_authors"`
	Policy    *struct {
		Thresholds struct {
			Block string `json:"block"`
		} `json:"thresholds"`
	} `json:"policy"`
}

// pullFacts reads who took part in a pull request (its author, the
// authors, committers and co-authors of its commits, whoever pushed to
// it or pushed one of its commits anywhere) and the severity that fails
// its check, from its last saved evaluation; nil when there is none
// (number 0 is a push).
func pullFacts(ctx context.Context, q rowQuerier, repo string, number int) (*guard.PullFacts, error) {
	if number <= 0 {
		return nil, nil
	}
	var state string
	err := q.QueryRowContext(ctx, `SELECT state FROM pull_requests WHERE repo = $1 AND number = $2`, repo, number).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st pullState
	if err := json.Unmarshal([]byte(state), &st); err != nil {
		return nil, fmt.Errorf("state of %s#%d: %w", repo, number, err)
	}
	f := &guard.PullFacts{}
	pushes, err := pushesOf(ctx, q, repo, st.Commits)
	if err != nil {
		return nil, fmt.Errorf("pushes of %s#%d: %w", repo, number, err)
	}
	people := append(append([]string{st.Author, st.Pusher}, st.Contributors...), st.Pushers...)
	for _, p := range pushes {
		people = append(people, p.Login)
	}
	for _, c := range st.CoAuthors {
		people = append(people, c.Login)
	}
	for _, l := range people {
		if l != "" {
			f.Participants = append(f.Participants, l)
		}
	}
	if st.Policy != nil && st.Policy.Thresholds.Block != "" {
		if f.Block, err = blockSeverity(st.Policy.Thresholds.Block); err != nil {
			return nil, fmt.Errorf("state of %s#%d: block threshold: %w", repo, number, err)
		}
	}
	return f, nil
}

// blockSeverity reads a policy's block threshold; "none" blocks every
// finding, as guard.Decide applies it.
func blockSeverity(s string) (guard.Severity, error) {
	if s == guard.SeverityNone.String() {
		return guard.Info, nil
	}
	return guard.ParseSeverity(s)
}

// twoPerson resolves actors and pull request facts once per transaction.
type twoPerson struct {
	ctx    context.Context
	q      rowQuerier
	actors map[string]*guard.Actor
	pulls  map[string]*guard.PullFacts
}

func newTwoPerson(ctx context.Context, q rowQuerier) *twoPerson {
	return &twoPerson{ctx: ctx, q: q, actors: map[string]*guard.Actor{}, pulls: map[string]*guard.PullFacts{}}
}

// actor returns who name is.
func (t *twoPerson) actor(name string) (*guard.Actor, error) {
	if a, ok := t.actors[name]; ok {
		return a, nil
	}
	a, err := actorOf(t.ctx, t.q, name)
	if err != nil {
		return nil, err
	}
	t.actors[name] = a
	return a, nil
}

// pull returns the facts of the pull request of anomaly a (nil for a
// push, or when nothing is saved).
func (t *twoPerson) pull(a *guard.Anomaly) (*guard.PullFacts, error) {
	k := fmt.Sprintf("%s#%d", a.Repo, a.PullRequest)
	if f, ok := t.pulls[k]; ok {
		return f, nil
	}
	f, err := pullFacts(t.ctx, t.q, a.Repo, a.PullRequest)
	if err != nil {
		return nil, err
	}
	t.pulls[k] = f
	return f, nil
}

// tookPart reports whether name took part in the change of a: by the
// saved evaluation of its pull request, or as one of participants (the
// logins a recorder knows of).
func (t *twoPerson) tookPart(name string, a *guard.Anomaly, participants ...string) (bool, error) {
	who, err := t.actor(name)
	if err != nil {
		return false, err
	}
	pull, err := t.pull(a)
	if err != nil {
		return false, err
	}
	if len(participants) > 0 {
		merged := &guard.PullFacts{Participants: participants}
		if pull != nil {
			merged.Block = pull.Block
			merged.Participants = append(append([]string{}, pull.Participants...), participants...)
		}
		pull = merged
	}
	return who.TookPart(a, pull), nil
}
