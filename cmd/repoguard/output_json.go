package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// jsonReporter writes one JSON document, streaming the results as the
// scan goes so that memory stays flat however many findings there are.
type jsonReporter struct {
	w       io.Writer
	job     *scanJob
	started bool
	n       int
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
	Risk      float64         `json:"risk"`
	Findings  []guard.Finding `json:"findings"`
}

func person(p guard.Person) jsonPerson { return jsonPerson{p.Name, p.Email, p.When} }

// start writes the head of the document.
func (r *jsonReporter) start() error {
	if r.started {
		return nil
	}
	r.started = true
	repo, _ := json.Marshal(r.job.path)
	pol, _ := json.Marshal(r.job.policySource)
	_, err := fmt.Fprintf(r.w, "{\n  \"repository\": %s,\n  \"policy\": %s,\n  \"results\": [", repo, pol)
	return err
}

func (r *jsonReporter) commit(c *guard.Commit, fs []guard.Finding, risk float64) error {
	if err := r.start(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(jsonCommit{
		Hash: c.Hash, Parents: c.Parents, Author: person(c.Author), Committer: person(c.Committer),
		Signed: c.Signed, Subject: c.Subject(), Risk: math.Round(risk*10) / 10, Findings: fs,
	}, "    ", "  ")
	if err != nil {
		return err
	}
	sep := ",\n    "
	if r.n == 0 {
		sep = "\n    "
	}
	r.n++
	_, err = fmt.Fprintf(r.w, "%s%s", sep, b)
	return err
}

func (r *jsonReporter) finish(s *scanSummary) error {
	if err := r.start(); err != nil {
		return err
	}
	by := map[string]int{}
	for sev, n := range s.bySeverity {
		by[sev.String()] = n
	}
	bySev, err := json.Marshal(by)
	if err != nil {
		return err
	}
	end := "\n  ],\n"
	if r.n == 0 {
		end = "],\n"
	}
	_, err = fmt.Fprintf(r.w, "%s  \"commits_scanned\": %d,\n  \"files_changed\": %d,\n  \"findings\": %d,\n  \"findings_by_severity\": %s\n}\n",
		end, s.commits, s.files, s.findings, bySev)
	return err
}
