package main

import (
	"encoding/json"
	"io"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// jsonReporter writes one JSON document at the end of the scan.
type jsonReporter struct {
	w       io.Writer
	job     *scanJob
	commits []jsonCommit
}

type jsonPerson struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	Time  time.Time `json:"time"`
}

type jsonCommit struct {
	Hash      string          `json:"hash"`
	Parents   []string        `json:"parents"`
	Author    jsonPerson      `json:"author"`
	Committer jsonPerson      `json:"committer"`
	Signed    bool            `json:"signed"`
	Subject   string          `json:"subject"`
	Findings  []guard.Finding `json:"findings"`
}

type jsonReport struct {
	Repository string         `json:"repository"`
	Policy     string         `json:"policy"`
	Commits    int            `json:"commits_scanned"`
	Files      int            `json:"files_changed"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"findings_by_severity"`
	Results    []jsonCommit   `json:"results"`
}

func person(p guard.Person) jsonPerson { return jsonPerson{p.Name, p.Email, p.When} }

func (r *jsonReporter) commit(c *guard.Commit, fs []guard.Finding) error {
	r.commits = append(r.commits, jsonCommit{
		Hash: c.Hash, Parents: c.Parents, Author: person(c.Author), Committer: person(c.Committer),
		Signed: c.Signed, Subject: c.Subject(), Findings: append([]guard.Finding(nil), fs...),
	})
	return nil
}

func (r *jsonReporter) finish(s *scanSummary) error {
	rep := jsonReport{
		Repository: r.job.path, Policy: r.job.policySource,
		Commits: s.commits, Files: s.files, Findings: s.findings,
		BySeverity: map[string]int{}, Results: r.commits,
	}
	if rep.Results == nil {
		rep.Results = []jsonCommit{}
	}
	for sev, n := range s.bySeverity {
		rep.BySeverity[sev.String()] = n
	}
	enc := json.NewEncoder(r.w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
