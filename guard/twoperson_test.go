package guard

import (
	"errors"
	"path"
	"slices"
	"testing"
)

// lookup is an identity store of a few people: mallory with a second
// address that a second account, mal2, also used; bob; the token "ci"
// created by mallory and one of the same name by root.
var lookup = ActorLookup{
	TokenOwners: func(name string) ([]string, error) {
		if name == "ci" {
			return []string{"Mallory", "root"}, nil
		}
		return nil, nil
	},
	EmailsOf: func(key string) ([]string, error) {
		return map[string][]string{"mallory": {"mallory@acme.test", "Mal@Home.Example"}, "bob": {"bob@acme.test"}}[key], nil
	},
	KeysOf: func(email string) ([]string, error) {
		return map[string][]string{"mal@home.example": {"mallory", "mal2"}}[email], nil
	},
}

func mustActor(t *testing.T, name string) *Actor {
	t.Helper()
	a, err := ResolveActor(name, lookup)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestResolveActor(t *testing.T) {
	for _, tc := range []struct {
		name         string
		keys, emails []string
	}{
		{"Mallory", []string{"mallory", "mal2"}, []string{"mallory@acme.test", "mal@home.example"}},
		{"token:ci", []string{"token:ci", "mallory", "root", "mal2"}, []string{"mallory@acme.test", "mal@home.example"}},
		{"carol", []string{"carol"}, nil},
		{"dave@old.example", []string{"dave@old.example"}, []string{"dave@old.example"}},
	} {
		a := mustActor(t, tc.name)
		if !slices.Equal(a.Keys, tc.keys) || !slices.Equal(a.Emails, tc.emails) || a.Name != tc.name {
			t.Errorf("ResolveActor(%q) = %+v, want keys %v emails %v", tc.name, a, tc.keys, tc.emails)
		}
	}
	fail := lookup
	fail.EmailsOf = func(string) ([]string, error) { return nil, errors.New("disk") }
	if _, err := ResolveActor("bob", fail); err == nil {
		t.Error("a failed lookup resolved")
	}
}

func TestTookPartAndSame(t *testing.T) {
	mallory, bob := mustActor(t, "mallory"), mustActor(t, "bob")
	pull := &PullFacts{Participants: []string{"alice", "Mallory"}}
	for _, tc := range []struct {
		what string
		a    Anomaly
		pull *PullFacts
		want bool
	}{
		{"author login", Anomaly{Author: "mallory"}, nil, true},
		{"author login, other case", Anomaly{Author: "MALLORY"}, nil, true},
		{"author key is an email of hers", Anomaly{Author: "mal@home.example"}, nil, true},
		{"author email", Anomaly{Author: "someone", AuthorEmail: "<Mallory@ACME.test>"}, nil, true},
		{"second account on her address", Anomaly{Author: "mal2"}, nil, true},
		{"noreply address", Anomaly{Author: "x@y", AuthorEmail: "123+mallory@users.noreply.github.com"}, nil, true},
		{"contributor of the pull request", Anomaly{Author: "alice", PullRequest: 4}, pull, true},
		{"participants of a push do not count", Anomaly{Author: "alice"}, pull, false},
		{"someone else", Anomaly{Author: "alice", AuthorEmail: "alice@acme.test", PullRequest: 4}, &PullFacts{Participants: []string{"alice"}}, false},
	} {
		if got := mallory.TookPart(&tc.a, tc.pull); got != tc.want {
			t.Errorf("%s: TookPart = %v, want %v", tc.what, got, tc.want)
		}
	}
	if !mallory.Same(mustActor(t, "token:ci")) || !mustActor(t, "mal2").Same(mallory) || mallory.Same(bob) {
		t.Error("Same: a token of mallory's, or her second account, is her; bob is not")
	}
}

func TestDecideRelease(t *testing.T) {
	mallory, bob, carol := mustActor(t, "mallory"), mustActor(t, "bob"), mustActor(t, "carol")
	pull := &PullFacts{Participants: []string{"alice"}, Block: High}
	blocking := Anomaly{ID: 1, Author: "alice", PullRequest: 4, Severity: High}
	pending := blocking
	pending.Release = &Release{Kind: "resolve", By: "bob"}
	for _, tc := range []struct {
		what      string
		kind      string
		by, asked *Actor
		a         Anomaly
		pull      *PullFacts
		want      ReleaseStep
		err       error
	}{
		{"push anomaly", "dismiss", bob, nil, Anomaly{Author: "alice", Severity: Critical}, nil, ReleaseNow, nil},
		{"below the block", "resolve", bob, nil, Anomaly{Author: "alice", PullRequest: 4, Severity: Medium}, pull, ReleaseNow, nil},
		{"critical, policy unknown", "resolve", bob, nil, Anomaly{Author: "alice", PullRequest: 4, Severity: Critical}, nil, ReleaseRequest, nil},
		{"high, policy unknown", "resolve", bob, nil, Anomaly{Author: "alice", PullRequest: 4, Severity: High}, nil, ReleaseNow, nil},
		{"blocking", "resolve", bob, nil, blocking, pull, ReleaseRequest, nil},
		{"own change", "dismiss", mallory, nil, Anomaly{Author: "mal@home.example", Severity: Low}, nil, 0, ErrForbidden},
		{"second triager", "resolve", carol, bob, pending, pull, ReleaseConfirm, nil},
		{"the same triager", "resolve", bob, bob, pending, pull, 0, ErrForbidden},
		{"another kind", "dismiss", carol, bob, pending, pull, 0, ErrInvalid},
		{"confirmer took part", "resolve", mallory, bob, pending, &PullFacts{Participants: []string{"mallory"}, Block: High}, 0, ErrForbidden},
	} {
		got, err := DecideRelease(tc.kind, tc.by, &tc.a, tc.pull, tc.asked)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: DecideRelease = %v, %v; want %v, %v", tc.what, got, err, tc.want, tc.err)
		}
	}
}

func TestSuppressionCovers(t *testing.T) {
	glob := func(p, n string) bool { ok, _ := path.Match(p, n); return ok }
	byPath := Suppression{Detector: "key-material", PathGlob: "testdata/*", Repo: "acme/vault"}
	byAuthor := Suppression{Detector: "unusual-time", Author: "bob"}
	for _, tc := range []struct {
		s                            Suppression
		repo, detector, author, path string
		want                         bool
	}{
		{byPath, "ACME/vault", "key-material", "x", "testdata/k.pem", true},
		{byPath, "acme/other", "key-material", "x", "testdata/k.pem", false},
		{byPath, "acme/vault", "obfuscation", "x", "testdata/k.pem", false},
		{byPath, "acme/vault", "key-material", "x", "deploy/k.pem", false},
		{byPath, "acme/vault", "key-material", "x", "", false},
		{byAuthor, "acme/any", "unusual-time", "Bob", "", true},
		{byAuthor, "acme/any", "unusual-time", "", "", false},
	} {
		if got := tc.s.Covers(tc.repo, tc.detector, tc.author, tc.path, glob); got != tc.want {
			t.Errorf("%+v covers %s %s %s %s = %v", tc.s, tc.repo, tc.detector, tc.author, tc.path, got)
		}
	}
}

func TestCheckSuppressor(t *testing.T) {
	glob := func(p, n string) bool { ok, _ := path.Match(p, n); return ok }
	mallory, bob := mustActor(t, "mallory"), mustActor(t, "bob")
	open := []Anomaly{
		{ID: 1, Repo: "acme/a", Detector: "key-material", Author: "alice", PullRequest: 3, Path: "deploy/k.pem", Status: StatusOpen},
		{ID: 2, Repo: "acme/a", Detector: "key-material", Author: "mallory", Path: "deploy/old.pem", Status: StatusDismissed},
	}
	pulls := func(a *Anomaly) (*PullFacts, error) {
		if a.PullRequest == 3 {
			return &PullFacts{Participants: []string{"alice", "mal2"}}, nil
		}
		return nil, nil
	}
	for _, tc := range []struct {
		what string
		s    Suppression
		who  *Actor
		err  error
	}{
		{"covers a pull request she pushed to under her second account", Suppression{Detector: "key-material", PathGlob: "deploy/*"}, mallory, ErrForbidden},
		{"covers only her closed anomaly", Suppression{Detector: "key-material", PathGlob: "deploy/old.pem"}, mallory, nil},
		{"another detector", Suppression{Detector: "obfuscation", PathGlob: "deploy/*"}, mallory, nil},
		{"her own address as author", Suppression{Detector: "unusual-time", Author: "mal@home.example"}, mallory, ErrForbidden},
		{"someone else's", Suppression{Detector: "key-material", PathGlob: "deploy/*"}, bob, nil},
	} {
		err := CheckSuppressor(&tc.s, tc.who, "create", open, pulls, glob)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tc.what, err, tc.err)
		}
	}
}
