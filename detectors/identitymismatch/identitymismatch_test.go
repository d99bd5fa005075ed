package identitymismatch

import (
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

// TestIdentityMismatchKnownName covers what the testdata harness cannot
// build: an identity without a login, found by name, under a new email.
func TestIdentityMismatchKnownName(t *testing.T) {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	c := guard.Commit{Hash: strings.Repeat("a", 40),
		Author: guard.Person{Name: "Alice Meyer", Email: "alice@new.example", When: at}}
	c.Committer = c.Author
	for _, tt := range []struct {
		name, author, want string
	}{
		{"known name", "Alice Meyer", "low identity-mismatch: Known name \"Alice Meyer\" appears with a new email alice@new.example (known: alice@old.example); no login links them."},
		{"other name", "Someone Else", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c.Author.Name = tt.author
			p := guard.NewProfile("alice@old.example", "")
			for i := range 10 {
				old := guard.Commit{Author: guard.Person{Name: "Alice Meyer", Email: "alice@old.example", When: at.AddDate(0, 0, i-30)}}
				old.Committer = old.Author
				p.Learn(&old, nil)
			}
			b := &guard.Baseline{Author: p, AuthorAll: p, Org: p, Identity: &guard.Identity{
				Key: "alice@old.example", Emails: []string{"alice@old.example"}, Names: []string{"Alice Meyer"}}}
			eng := guard.Engine{Detectors: []*guard.Detector{Detector}, Classifier: detectortest.PrefixClassifier{}}
			fs, err := eng.Judge(guard.Subject{Commit: &c, Baseline: b})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, f := range fs {
				got += f.Severity.String() + " " + f.Detector + ": " + f.Message
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
