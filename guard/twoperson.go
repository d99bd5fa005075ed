package guard

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The two-person rule binds repoguard's own users: nobody releases
// (dismisses, resolves or suppresses) a finding about a change they took
// part in, by any of their logins or emails, and the release of a
// finding that fails a pull request's check needs a second triager.

// Actor is a user of repoguard as the two-person rule sees them: every
// login and email of their identity.
type Actor struct {
	// Name is how the audit log records them: a GitHub login,
	// "token:NAME" for an API token, or a local actor.
	Name string
	// Keys are lowercased logins and other identity keys; Emails are
	// normalized emails.
	Keys   []string
	Emails []string
}

// ActorLookup is what ResolveActor reads from an identity store.
type ActorLookup struct {
	// TokenOwners returns who created the API tokens named name.
	TokenOwners func(name string) ([]string, error)
	// EmailsOf returns the emails of the identity keyed key.
	EmailsOf func(key string) ([]string, error)
	// KeysOf returns the identity keys that used a normalized email.
	KeysOf func(email string) ([]string, error)
}

// ResolveActor returns who actor is: their login (or, for an API token
// "token:NAME", the logins of whoever created tokens of that name too),
// every email of those identities, and every identity key that used one
// of those emails (a second account on the same address).
func ResolveActor(actor string, look ActorLookup) (*Actor, error) {
	p := &Actor{Name: strings.TrimSpace(actor)}
	seeds := []string{strings.ToLower(p.Name)}
	if name, ok := strings.CutPrefix(p.Name, "token:"); ok {
		owners, err := look.TokenOwners(name)
		if err != nil {
			return nil, fmt.Errorf("owners of token %q: %w", name, err)
		}
		for _, o := range owners {
			seeds = append(seeds, strings.ToLower(strings.TrimSpace(o)))
		}
	}
	for _, k := range seeds {
		p.addKey(k)
		emails, err := look.EmailsOf(k)
		if err != nil {
			return nil, fmt.Errorf("emails of %s: %w", k, err)
		}
		for _, e := range emails {
			p.addEmail(e)
		}
	}
	for _, e := range slices.Clone(p.Emails) {
		keys, err := look.KeysOf(e)
		if err != nil {
			return nil, fmt.Errorf("identities of %s: %w", e, err)
		}
		for _, k := range keys {
			p.addKey(k)
		}
	}
	return p, nil
}

func (p *Actor) addKey(k string) {
	if k = strings.ToLower(strings.TrimSpace(k)); k != "" && !slices.Contains(p.Keys, k) {
		p.Keys = append(p.Keys, k)
	}
	if strings.Contains(k, "@") {
		p.addEmail(strings.TrimSuffix(k, "@"))
	}
}

func (p *Actor) addEmail(e string) {
	if e = NormalizeEmail(e); e != "" && !slices.Contains(p.Emails, e) {
		p.Emails = append(p.Emails, e)
	}
}

// Is reports whether key (a login or an identity key) or email is one of
// p's.
func (p *Actor) Is(key, email string) bool {
	key, email = strings.ToLower(strings.TrimSpace(key)), NormalizeEmail(email)
	return key != "" && (slices.Contains(p.Keys, key) || slices.Contains(p.Emails, strings.TrimSuffix(key, "@"))) ||
		email != "" && (slices.Contains(p.Emails, email) || slices.Contains(p.Keys, NoreplyLogin(email)))
}

// Same reports whether p and q share a login or an email: one person.
func (p *Actor) Same(q *Actor) bool {
	for _, k := range q.Keys {
		if p.Is(k, "") {
			return true
		}
	}
	for _, e := range q.Emails {
		if p.Is("", e) {
			return true
		}
	}
	return false
}

// PullFacts is what the two-person rule needs of a pull request's last
// evaluation.
type PullFacts struct {
	// Participants are the logins of its author, of the authors and
	// committers of its commits, and of everyone who pushed to it.
	Participants []string
	// Block is the severity at or above which a finding fails its check
	// (SeverityNone when unknown: Critical, the default, applies).
	Block Severity
}

// TookPart reports whether p took part in the change anomaly a is about:
// p is its author (by identity key, email or noreply address), or, for a
// pull request (pull nil when nothing is known of it), its author, a
// contributor or a pusher.
func (p *Actor) TookPart(a *Anomaly, pull *PullFacts) bool {
	if p.Is(a.Author, a.AuthorEmail) {
		return true
	}
	if pull != nil && a.PullRequest > 0 {
		for _, login := range pull.Participants {
			if p.Is(login, "") {
				return true
			}
		}
	}
	return false
}

// Blocks reports whether anomaly a, while not released, fails the check
// of its pull request: it belongs to one, and its severity reaches the
// block threshold the pull request was judged under (Critical when
// unknown).
func Blocks(a *Anomaly, pull *PullFacts) bool {
	block := Critical
	if pull != nil && pull.Block != SeverityNone {
		block = pull.Block
	}
	return a.PullRequest > 0 && a.Severity >= block
}

// Release is a dismissal or resolution of a blocking anomaly that waits
// for a second triager to confirm it.
type Release struct {
	// Kind is "dismiss" or "resolve".
	Kind string `json:"kind"`
	// By asked for it, with Reason, at At.
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// ReleaseStep is what a dismiss or resolve does (see DecideRelease).
type ReleaseStep int

// The steps of a release.
const (
	// ReleaseNow applies it at once: the anomaly blocks no check.
	ReleaseNow ReleaseStep = iota + 1
	// ReleaseRequest records it as a pending Release.
	ReleaseRequest
	// ReleaseConfirm applies the pending Release, confirmed by a second
	// triager.
	ReleaseConfirm
)

// DecideRelease decides what a dismiss or resolve (kind) of anomaly a by
// p does: nobody may release a finding about a change they took part in
// (guard.ErrForbidden); a blocking anomaly (see Blocks) is released only
// when a second triager, not the one who asked (requester, the Actor of
// a.Release.By), confirms with the same kind; another kind while one is
// pending is guard.ErrInvalid.
func DecideRelease(kind string, p *Actor, a *Anomaly, pull *PullFacts, requester *Actor) (ReleaseStep, error) {
	switch {
	case p.TookPart(a, pull):
		return 0, fmt.Errorf("%w: %s may not %s anomaly %d: they took part in the change (as its author, a contributor or a pusher)",
			ErrForbidden, p.Name, kind, a.ID)
	case a.Release == nil && !Blocks(a, pull):
		return ReleaseNow, nil
	case a.Release == nil:
		return ReleaseRequest, nil
	case a.Release.Kind != kind:
		return 0, fmt.Errorf("%w: a %s by %s awaits a second triager: %s anomaly %d to confirm it, or reopen it to withdraw it",
			ErrInvalid, a.Release.Kind, a.Release.By, a.Release.Kind, a.ID)
	case requester != nil && p.Same(requester):
		return 0, fmt.Errorf("%w: %s asked for this %s of anomaly %d: a second triager must confirm it",
			ErrForbidden, p.Name, kind, a.ID)
	}
	return ReleaseConfirm, nil
}

// Reviewed reports whether a second triager approved the suppression:
// only then does it release findings of pull requests.
func (s *Suppression) Reviewed() bool { return s.ApprovedBy != "" }

// Covers reports whether s covers a finding of detector in repo by
// author (an identity key) at path: the same detector, the repository
// when s names one, and the author or a path its glob matches (glob is
// the matcher of PathGlob's syntax).
func (s *Suppression) Covers(repo, detector, author, path string, glob func(pattern, name string) bool) bool {
	switch {
	case s.Detector != detector || (s.Repo != "" && !strings.EqualFold(s.Repo, repo)):
		return false
	case s.Author != "":
		return author != "" && strings.EqualFold(s.Author, author)
	}
	return path != "" && glob(s.PathGlob, path)
}

// CheckSuppressor refuses (ErrForbidden) to let who create or approve
// (verb) suppression s when its author is one of who's identity, or when
// it covers one of the anomalies open (those not closed) about a change
// who took part in; pull gives the facts of an anomaly's pull request
// and glob matches PathGlob's syntax.
func CheckSuppressor(s *Suppression, who *Actor, verb string, open []Anomaly,
	pull func(*Anomaly) (*PullFacts, error), glob func(pattern, name string) bool) error {
	if s.Author != "" && who.Is(s.Author, "") {
		return fmt.Errorf("%w: %s may not %s a suppression of findings about themselves", ErrForbidden, who.Name, verb)
	}
	for i := range open {
		a := &open[i]
		if a.Status.Closed() || !s.Covers(a.Repo, a.Detector, a.Author, a.Path, glob) {
			continue
		}
		facts, err := pull(a)
		if err != nil {
			return err
		}
		if who.TookPart(a, facts) {
			return fmt.Errorf("%w: %s may not %s this suppression: it covers anomaly %d, about a change they took part in",
				ErrForbidden, who.Name, verb, a.ID)
		}
	}
	return nil
}
