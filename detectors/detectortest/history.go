package detectortest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// buildBaseline learns the case's history (see the package
// documentation) into profiles and returns the baseline of the case's
// commit author.
func buildBaseline(tc *testCase, cls guard.Classifier) (*guard.Baseline, error) {
	authorKey := keyOf(tc.login, tc.commit.Author.Email)
	b := &guard.Baseline{
		Author:    guard.NewProfile(authorKey, "repo"),
		AuthorAll: guard.NewProfile(authorKey, ""),
		Org:       guard.NewProfile(guard.OrgKey, ""),
	}
	b.Repo = b.Org // the case's history is the organization's one repository
	idents := map[string]*guard.Identity{}
	emailKeys := map[string]map[string]bool{}
	for n, line := range tc.history {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		commits, login, err := historyRun(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		for i := range commits {
			c := &commits[i]
			key := keyOf(login, c.Author.Email)
			cats := make([][]string, len(c.Files))
			for j, f := range c.Files {
				cats[j] = cls.Categories(f.Path)
			}
			if key == authorKey {
				b.Author.Learn(c, cats)
				b.AuthorAll.Learn(c, cats)
			}
			b.Org.Learn(c, cats)
			id := idents[key]
			if id == nil {
				id = &guard.Identity{Key: key, Login: login}
				idents[key] = id
			}
			id.Emails = appendNew(id.Emails, guard.NormalizeEmail(c.Author.Email))
			id.Names = appendNew(id.Names, c.Author.Name)
			em := guard.NormalizeEmail(c.Author.Email)
			if emailKeys[em] == nil {
				emailKeys[em] = map[string]bool{}
			}
			emailKeys[em][key] = true
		}
	}
	b.Identity = idents[authorKey]
	for k := range emailKeys[guard.NormalizeEmail(tc.commit.Author.Email)] {
		if k != authorKey {
			b.EmailKeys = append(b.EmailKeys, k)
		}
	}
	return b, nil
}

// keyOf is the identity key of an author: the login when known, else
// the normalized email.
func keyOf(login, email string) string {
	if login != "" {
		return login
	}
	return guard.NormalizeEmail(email)
}

// appendNew appends s to list unless it is there already.
func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// historyRun expands one history line into its commits.
func historyRun(line string) ([]guard.Commit, string, error) {
	f := strings.Fields(line)
	if len(f) < 3 {
		return nil, "", fmt.Errorf("want: N email TIME [options], got %q", line)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 1 {
		return nil, "", fmt.Errorf("bad count %q", f[0])
	}
	start, err := time.Parse(time.RFC3339, f[2])
	if err != nil {
		return nil, "", fmt.Errorf("bad time: %v", err)
	}
	tmpl := guard.Commit{Author: guard.Person{Name: strings.Split(f[1], "@")[0], Email: f[1]}}
	tmpl.Committer = tmpl.Author
	every, gap, lines := 24*time.Hour, time.Duration(0), 10
	files := []string{"src/main.go"}
	var login string
	var committerZone *time.Location
	for _, opt := range f[3:] {
		k, v, _ := strings.Cut(opt, "=")
		switch k {
		case "every":
			every, err = time.ParseDuration(v)
		case "gap":
			gap, err = time.ParseDuration(v)
		case "files":
			files = strings.Split(v, ",")
		case "lines":
			lines, err = strconv.Atoi(v)
		case "signed":
			tmpl.Signed = true
		case "committer":
			tmpl.Committer = guard.Person{Name: strings.Split(v, "@")[0], Email: v}
		case "committer-zone":
			var t time.Time
			t, err = time.Parse("-07:00", v)
			committerZone = t.Location()
		case "login":
			login = v
		case "name":
			tmpl.Author.Name = strings.ReplaceAll(v, "_", " ")
		default:
			err = fmt.Errorf("unknown option %q", k)
		}
		if err != nil {
			return nil, "", fmt.Errorf("option %s: %v", opt, err)
		}
	}
	out := make([]guard.Commit, n)
	for i := range out {
		c := tmpl
		c.Hash = fmt.Sprintf("%040x", i+1)
		c.Author.When = start.Add(time.Duration(i) * every)
		c.Committer.When = c.Author.When.Add(gap)
		if committerZone != nil {
			c.Committer.When = c.Committer.When.In(committerZone)
		}
		for j, p := range files {
			fc := guard.FileChange{Path: p, Status: guard.Modified}
			if j == 0 {
				fc.Added = lines
			}
			c.Files = append(c.Files, fc)
		}
		out[i] = c
	}
	return out, login, nil
}
