package guard

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Calibration. A behaviour signal (a detector that compares a commit with
// its author's baseline: Detector.Behaviour) is an anomaly only if it is
// rare here. Each of its findings names an event (Finding.Event, by
// default the detector's name and the severity it graded the finding
// with); the repository counts in how many of its
// commits each event happened (Rates), and the finding's surprise is
//
//	bits = -log2 p,   p = (k + w·q) / (n + w)
//
// where k of the repository's n commits had the event, and q, the prior,
// is the same share in the rest of the organization smoothed towards
// PriorRate with the weight PriorWeight: q = (K + w·PriorRate) / (N + w).
// A short history keeps p near the prior (an event is never surprising in
// a repository's first commits), and an event that happens in a fifth of
// the commits here (2.3 bits) stays ordinary however rare it is elsewhere.
//
// A commit's score is the sum of the surprise of its events (each counted
// once) and of its content findings (SeverityBits): independent evidence
// adds up, and 2^score says "one commit in so many". The repository's
// queue threshold is the score that only a Budget share of its earlier
// commits reached (Rates.Threshold), and never less than -log2 Budget:
// behaviour findings are medium (they enter the anomaly queue) only on a
// commit at or above it, so that behaviour alone fills at most the budget.

// PriorRate and PriorWeight make the prior of every event: before any
// history an event is taken to happen in one commit in ten, with the
// weight of 20 commits.
const (
	PriorRate   = 0.1
	PriorWeight = 20.0
)

// ScoreResolution is the number of score buckets per bit, and ScoreBuckets
// the number of buckets of Rates.Scores (the last holds 40 bits and more).
const (
	ScoreResolution = 4
	ScoreBuckets    = 40*ScoreResolution + 1
)

// DefaultBudget is the share of commits that behaviour findings may bring
// into the anomaly queue when the policy sets none.
const DefaultBudget = 0.005

// Rates counts what happened in the commits of a repository (or of the
// organization) as they were learned: how many, in how many each
// behaviour event happened, and how their behaviour scores spread. The
// commits of bots are counted apart from people's (see IsBot).
type Rates struct {
	Commits int            `json:"commits"`
	Events  map[string]int `json:"events"`
	// Scores is the histogram of the commits' behaviour scores: bucket i
	// holds scores from i/ScoreResolution bits, up to the next.
	Scores [ScoreBuckets]int `json:"scores"`
}

// NewRates returns empty rates.
func NewRates() *Rates { return &Rates{Events: map[string]int{}} }

// Learn counts one commit judged as j.
func (r *Rates) Learn(j *Judgement) {
	if r.Events == nil {
		r.Events = map[string]int{}
	}
	r.Commits++
	for _, e := range j.Events {
		r.Events[e]++
	}
	r.Scores[scoreBucket(j.Score)]++
}

// Merge adds the counts of q into r.
func (r *Rates) Merge(q *Rates) {
	if r.Events == nil {
		r.Events = map[string]int{}
	}
	r.Commits += q.Commits
	for e, n := range q.Events {
		r.Events[e] += n
	}
	for i, n := range q.Scores {
		r.Scores[i] += n
	}
}

// Clone returns a deep copy.
func (r *Rates) Clone() *Rates {
	q := NewRates()
	q.Merge(r)
	return q
}

func scoreBucket(bits float64) int {
	if math.IsNaN(bits) || bits <= 0 {
		return 0
	}
	return min(int(bits*ScoreResolution), ScoreBuckets-1)
}

// Threshold returns the lowest score s such that at most budget of the
// learned commits scored s or more; 0 when none is learned. A commit at or
// above it is among the budget's share of the most unusual.
func (r *Rates) Threshold(budget float64) float64 {
	if r.Commits == 0 {
		return 0
	}
	allowed := int(math.Floor(budget * float64(r.Commits)))
	tail := 0
	for i := ScoreBuckets - 1; i >= 0; i-- {
		if tail+r.Scores[i] > allowed {
			return float64(i+1) / ScoreResolution
		}
		tail += r.Scores[i]
	}
	return 0
}

// BaseRate is how often an event happened before a commit: in Events of
// the repository's Commits, and in OrgEvents of the organization's
// OrgCommits (this repository included); P is the smoothed probability of
// the event in this repository.
type BaseRate struct {
	Events     int     `json:"events"`
	Commits    int     `json:"commits"`
	OrgEvents  int     `json:"org_events"`
	OrgCommits int     `json:"org_commits"`
	P          float64 `json:"p"`
}

// RateOf returns the base rate of an event in repo, with org the
// organization's rates (repo's included; nil: repo's alone).
func RateOf(event string, repo, org *Rates) BaseRate {
	if repo == nil {
		repo = NewRates()
	}
	if org == nil || org.Commits < repo.Commits {
		org = repo
	}
	br := BaseRate{Events: repo.Events[event], Commits: repo.Commits,
		OrgEvents: org.Events[event], OrgCommits: org.Commits}
	restK := float64(max(br.OrgEvents-br.Events, 0))
	restN := float64(max(br.OrgCommits-br.Commits, 0))
	prior := (restK + PriorWeight*PriorRate) / (restN + PriorWeight)
	br.P = (float64(br.Events) + PriorWeight*prior) / (float64(br.Commits) + PriorWeight)
	return br
}

// Bits is the surprise of the event: -log2 P.
func (b BaseRate) Bits() float64 {
	if b.P <= 0 {
		return 0
	}
	return -math.Log2(b.P)
}

// String explains the base rate: "here 775 of 4,185 commits (18.5%)".
func (b BaseRate) String() string {
	s := fmt.Sprintf("here %s of %s earlier commits", Thousands(b.Events), Thousands(b.Commits))
	if b.Events == 0 {
		s = fmt.Sprintf("here none of %s earlier commits", Thousands(b.Commits))
	} else if b.Commits > 0 {
		s += fmt.Sprintf(" (%s)", percent(float64(b.Events)/float64(b.Commits)))
	}
	if b.OrgCommits > b.Commits {
		s += fmt.Sprintf(", in the organization %s of %s", Thousands(b.OrgEvents), Thousands(b.OrgCommits))
	}
	return s + fmt.Sprintf(": about 1 in %s (%.1f bits)", Thousands(int(math.Round(1/b.P))), b.Bits())
}

// SeverityBits is what a content finding adds to its commit's score: a
// low finding is as surprising as a one-in-four event, a high one as a
// one-in-500 event; a critical one always reaches the queue.
func SeverityBits(s Severity) float64 {
	switch {
	case s >= Critical:
		return 20
	case s >= High:
		return 9
	case s >= Medium:
		return 5
	case s >= Low:
		return 2
	}
	return 0
}

// Judgement is the behaviour part of a commit's judgement, made once
// against the baseline as it was before the commit and kept: later scans
// report the same findings.
type Judgement struct {
	// Findings are the behaviour findings, each with its Event, BaseRate
	// and Surprise; their severities are set by Assess.
	Findings []Finding `json:"findings,omitempty"`
	// Events are the events the commit had, each once, sorted.
	Events []string `json:"events,omitempty"`
	// Score is the behaviour score in bits: the sum of the events'
	// surprise.
	Score float64 `json:"score"`
	// Threshold is the score at which the repository's queue started
	// then (see Rates.Threshold), in bits.
	Threshold float64 `json:"threshold"`
	// Bot is set for a commit by a bot, counted apart from people's.
	Bot bool `json:"bot,omitempty"`
}

// Calibrate turns the raw findings of a commit's behaviour detectors into
// its Judgement: each finding gets the base rate of its event here and
// its surprise, the commit its score, and the repository's queue
// threshold under budget (DefaultBudget when 0).
func Calibrate(raw []Finding, b *Baseline, budget float64) *Judgement {
	if budget <= 0 {
		budget = DefaultBudget
	}
	j := &Judgement{}
	var repo, org *Rates
	if b != nil {
		repo, org, j.Bot = b.Rates, b.OrgRates, b.Bot
	}
	if repo == nil {
		repo = NewRates()
	}
	best := map[string]float64{}
	for _, f := range raw {
		if f.Event == "" {
			// A detector's own grading names the event: a daylight-saving
			// shift (info) is not a new time zone (medium).
			f.Event = f.Detector + "/" + f.Severity.String()
		}
		br := RateOf(f.Event, repo, org)
		f.BaseRate, f.Surprise = &br, math.Round(br.Bits()*100)/100
		f.Evidence = append(f.Evidence, "base rate: "+br.String())
		best[f.Event] = max(best[f.Event], f.Surprise)
		j.Findings = append(j.Findings, f)
	}
	for e, bits := range best {
		j.Events = append(j.Events, e)
		j.Score += bits
	}
	sort.Strings(j.Events)
	j.Score = math.Round(j.Score*100) / 100
	j.Threshold = max(-math.Log2(budget), repo.Threshold(budget))
	return j
}

// Assessment is a commit's whole judgement: its behaviour findings with
// the severity its score gives them, its content findings, its score and
// its risk.
type Assessment struct {
	Findings []Finding
	// Score is the commit's score in bits: behaviour and content.
	Score float64
	// Threshold is the repository's queue threshold the judgement used.
	Threshold float64
	// Risk is the score on a 0-100 scale (RiskOf).
	Risk float64
}

// Assess combines a commit's behaviour judgement (nil: none) with its
// content findings. Its score adds the judgement's to the content
// findings' SeverityBits (the highest of each detector); its behaviour
// findings are medium when the score reaches the threshold (high six bits
// above it, 64 times rarer), otherwise low from 4 bits of surprise and
// info below. A policy's severity override of a detector still applies
// (override: nil for none).
func Assess(j *Judgement, content []Finding, override func(detector string) Severity) Assessment {
	a := Assessment{Score: contentBits(content)}
	if j != nil {
		a.Score += j.Score
		a.Threshold = j.Threshold
	}
	a.Score = math.Round(a.Score*100) / 100
	if j != nil {
		for _, f := range j.Findings {
			switch {
			case a.Score >= j.Threshold+6:
				f.Severity = High
			case a.Score >= j.Threshold:
				f.Severity = Medium
			case f.Surprise >= 4:
				f.Severity = Low
			default:
				f.Severity = Info
			}
			if override != nil {
				if s := override(f.Detector); s != SeverityNone {
					f.Severity = s
				}
			}
			a.Findings = append(a.Findings, f)
		}
	}
	a.Findings = append(a.Findings, content...)
	SortFindings(a.Findings)
	a.Risk = RiskOf(a.Score, MaxSeverity(a.Findings))
	return a
}

// contentBits sums, over the detectors of the findings, the SeverityBits
// of each detector's most severe finding.
func contentBits(fs []Finding) float64 {
	best := map[string]Severity{}
	for _, f := range fs {
		best[f.Detector] = max(best[f.Detector], f.Severity)
	}
	bits := 0.0
	for _, s := range best {
		bits += SeverityBits(s)
	}
	return bits
}

// RiskOf puts a score in bits on the 0-100 scale of risk: five points a
// bit, so that every five points is twice as rare ("risk 50" is one
// commit in 1,024), capped at 100, which a critical finding always is.
func RiskOf(bits float64, worst Severity) float64 {
	if worst >= Critical {
		return 100
	}
	return math.Min(100, math.Round(5*bits*10)/10)
}

// IsBot reports whether a commit author is a bot: a GitHub App's
// "[bot]" account, or the automation addresses of GitHub and the common
// dependency bots. Their commits are counted apart from people's.
func IsBot(p Person) bool {
	name, email := strings.ToLower(p.Name), NormalizeEmail(p.Email)
	if strings.Contains(name, "[bot]") || strings.Contains(email, "[bot]@") {
		return true
	}
	for _, b := range []string{"dependabot", "renovate", "github-actions", "greenkeeper", "snyk-bot", "pre-commit-ci"} {
		if strings.HasPrefix(email, b) || strings.HasPrefix(name, b) {
			return true
		}
	}
	return false
}

// Thousands renders n with thousands separators: 12,345.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// percent renders a share: "18.5%", "0.04%".
func percent(x float64) string {
	switch {
	case x >= 0.1:
		return fmt.Sprintf("%.0f%%", 100*x)
	case x >= 0.001:
		return fmt.Sprintf("%.1f%%", 100*x)
	}
	return fmt.Sprintf("%.2f%%", 100*x)
}
