package guard

import "strings"

// Identity is one person as repoguard knows them: a GitHub login when known
// and every email and name they commit under.
type Identity struct {
	// Key is the login when known, otherwise the normalized email.
	Key    string   `json:"key"`
	Login  string   `json:"login,omitempty"`
	Emails []string `json:"emails"`
	Names  []string `json:"names"`
}

// NormalizeEmail lowercases an email and trims spaces and angle brackets.
func NormalizeEmail(e string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(e), "<>"))
}

// NoreplyLogin returns the GitHub login encoded in a GitHub noreply
// address ("123+login@users.noreply.github.com" or
// "login@users.noreply.github.com"), or "".
func NoreplyLogin(email string) string {
	e := NormalizeEmail(email)
	local, ok := strings.CutSuffix(e, "@users.noreply.github.com")
	if !ok || local == "" {
		return ""
	}
	if _, after, found := strings.Cut(local, "+"); found {
		return after
	}
	return local
}

// Baseline is what behaviour detectors compare a change with: the author's
// profiles and identity as they were before the change.
type Baseline struct {
	// Author is the author's profile in this repository, AuthorAll across
	// every repository, Org that of everyone in the organization. Each is
	// non-nil, with zero commits when nothing is known.
	Author    *Profile
	AuthorAll *Profile
	Org       *Profile
	// Repo is the profile of everyone in this repository: its main
	// directories and languages, its hours and zones. Nil where no one
	// keeps it; detectors then use Org.
	Repo *Profile
	// Identity is the author's known identity (nil when new).
	Identity *Identity
	// EmailKeys are the identity keys other than the author's that have
	// used the commit's author email (one email, two logins).
	EmailKeys []string
	// Rates and OrgRates count what happened in the repository's and the
	// organization's commits of the author's kind (bots apart, Bot set),
	// for Calibrate; nil when nothing is counted.
	Rates, OrgRates *Rates
	Bot             bool
}

// Everyone returns the profile of everyone in this repository, or the
// organization's where none is kept (Repo nil or empty).
func (b *Baseline) Everyone() *Profile {
	if b.Repo != nil && b.Repo.Commits > 0 {
		return b.Repo
	}
	return b.Org
}

// snapshot returns a copy of b whose profiles keep their counts and
// dates when the store's profiles learn later commits (their maps are
// shared); nil for nil.
func (b *Baseline) snapshot() *Baseline {
	if b == nil {
		return nil
	}
	c := *b
	for _, p := range []**Profile{&c.Author, &c.AuthorAll, &c.Org, &c.Repo} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	return &c
}
