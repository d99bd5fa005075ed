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
// queue threshold is the behaviour score that only a budget share of its
// earlier commits reach, each scored with the rates as they are now
// (Rates.Threshold), and never less than -log2 budget: behaviour findings
// are medium (they enter the anomaly queue) only on a commit at or above
// it, so that behaviour alone fills at most the budget however the rates
// drift as the history grows.

// PriorRate and PriorWeight make the prior of every event: before any
// history an event is taken to happen in one commit in ten, with the
// weight of 20 commits.
const (
	PriorRate   = 0.1
	PriorWeight = 20.0
)

// DefaultBudget is the share of commits that behaviour findings may bring
// into the anomaly queue when the policy sets none.
const DefaultBudget = 0.005

// Rates counts what happened in the commits of a repository (or of the
// organization) as they were learned: how many, in how many each
// behaviour event happened, and how many had each set of events. The
// commits of bots are counted apart from people's (see IsBot).
type Rates struct {
	Commits int            `json:"commits"`
	Events  map[string]int `json:"events"`
	// Sets counts the commits by the set of events they had, the events
	// sorted and joined by "|" ("" for none): what Threshold scores.
	// A commit that entered the queue whatever its score is counted in
	// Queued instead.
	Sets map[string]int `json:"sets"`
	// Queued counts the commits that content findings or behaviour rules
	// (Detector.Rule) brought into the anomaly queue whatever their score
	// (Judgement.Queued): they take their place in the budget before
	// behaviour scores do.
	Queued int `json:"queued,omitempty"`
	// Flagged counts the commits (Queued aside) whose behaviour score
	// reached the threshold of their time: the share the budget holds
	// down.
	Flagged int `json:"flagged"`
}

// NewRates returns empty rates.
func NewRates() *Rates { return &Rates{Events: map[string]int{}, Sets: map[string]int{}} }

func (r *Rates) maps() {
	if r.Events == nil {
		r.Events = map[string]int{}
	}
	if r.Sets == nil {
		r.Sets = map[string]int{}
	}
}

// Learn counts one commit judged as j.
func (r *Rates) Learn(j *Judgement) {
	r.maps()
	r.Commits++
	seen := map[string]bool{}
	for _, e := range j.Events {
		r.Events[e]++
		// A kind ("name/kind") counts for its detector too, once.
		if det, _, ok := strings.Cut(e, "/"); ok && !seen[det] {
			seen[det] = true
			r.Events[det]++
		}
	}
	if j.inQueue() {
		r.Queued++
		return
	}
	r.Sets[strings.Join(j.Events, "|")]++
	if j.Threshold > 0 && j.Score >= j.Threshold {
		r.Flagged++
	}
}

// MinBehaviourShare is the part of the budget that behaviour scores keep
// however many commits content findings and rules bring into the queue:
// a repository whose rules fill its budget still hears of its rarest
// behaviour.
const MinBehaviourShare = 0.25

// Threshold returns the lowest score such that at most budget of the
// learned commits enter the queue: the commits content findings or rules
// brought there (Queued) first, whatever their score, then those that
// score more, each commit scored as the sum of bits(e) over its events:
// with the rates as they are now, not as they were when it was judged
// (bits should leave the commit's own event out, so that earlier commits
// are scored as a new one is). Scores keep at least MinBehaviourShare of
// the budget.
// When that is less than one commit, the threshold lies above the top
// score by the bits the budget is short of one commit. 0 when none is
// learned or none scores above 0.
func (r *Rates) Threshold(budget float64, bits func(event string) float64) float64 {
	type scored struct {
		score float64
		n     int
	}
	memo := map[string]float64{}
	sets := make([]scored, 0, len(r.Sets))
	for set, n := range r.Sets {
		s := 0.0
		if set != "" {
			for _, e := range strings.Split(set, "|") {
				b, ok := memo[e]
				if !ok {
					b = bits(e)
					memo[e] = b
				}
				s += b
			}
		}
		sets = append(sets, scored{s, n})
	}
	sort.Slice(sets, func(i, j int) bool { return sets[i].score > sets[j].score })
	n := float64(r.Commits)
	share := max(budget*n-float64(r.Queued), MinBehaviourShare*budget*n)
	if share < 1 && len(sets) > 0 && sets[0].score > 0 {
		// Less than one of the learned commits may score more: the top
		// score is one commit in n, and each bit above it halves that,
		// so the threshold is as many bits above it as the budget is
		// short of one commit. A young repository's every new record
		// does not enter the queue, only one far beyond them.
		return math.Round((sets[0].score+math.Log2(1/share))*100)/100 + 0.01
	}
	allowed := int(math.Floor(share))
	above := 0
	for _, s := range sets {
		if above+s.n > allowed {
			return math.Round(s.score*100)/100 + 0.01
		}
		above += s.n
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
	// DetectorEvents counts, for a kind of a detector's findings, the
	// repository's commits with any kind of them; Capped says P is
	// KindSpread times below their rate (see EventRate).
	DetectorEvents int  `json:"detector_events,omitempty"`
	Capped         bool `json:"capped,omitempty"`
}

// RateOf returns the base rate of an event in repo, with org the
// organization's rates (repo's included; nil: repo's alone).
func RateOf(event string, repo, org *Rates) BaseRate {
	return rateOf(event, repo, org, 0)
}

// rateOf is RateOf with the commit counted in the rates taken out of
// them (out 1), or not (out 0).
func rateOf(event string, repo, org *Rates, out int) BaseRate {
	if repo == nil {
		repo = NewRates()
	}
	if org == nil || org.Commits < repo.Commits {
		org = repo
	}
	br := BaseRate{Events: max(repo.Events[event]-out, 0), Commits: max(repo.Commits-out, 0),
		OrgEvents: max(org.Events[event]-out, 0), OrgCommits: max(org.Commits-out, 0)}
	restK := float64(max(br.OrgEvents-br.Events, 0))
	restN := float64(max(br.OrgCommits-br.Commits, 0))
	prior := (restK + PriorWeight*PriorRate) / (restN + PriorWeight)
	br.P = (float64(br.Events) + PriorWeight*prior) / (float64(br.Commits) + PriorWeight)
	return br
}

// KindSpread is how many times rarer than its detector's findings at
// large a kind of them ("name/kind") may be taken to be.
const KindSpread = 4

// EventRate returns the base rate of an event: RateOf, except that a kind
// of a detector's findings is never taken as more than KindSpread times
// rarer than the detector's findings at large (Capped then). A detector
// has many kinds, and the first of each would otherwise be as surprising
// as a detector never seen to fire: one of them is new every so often.
func EventRate(event string, repo, org *Rates) BaseRate {
	return eventRate(event, repo, org, 0)
}

// eventRate is EventRate with a commit that had the event taken out of
// the rates (out 1), or not (out 0).
func eventRate(event string, repo, org *Rates, out int) BaseRate {
	br := rateOf(event, repo, org, out)
	det, _, ok := strings.Cut(event, "/")
	if !ok {
		return br
	}
	d := rateOf(det, repo, org, out)
	br.DetectorEvents = d.Events
	if br.P*KindSpread < d.P {
		br.P, br.Capped = d.P/KindSpread, true
	}
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
	if b.Capped {
		s += fmt.Sprintf(", any finding of this detector %s", Thousands(b.DetectorEvents))
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
	// Threshold is the score from which the repository's queue started
	// then (see Rates.Threshold), in bits.
	Threshold float64 `json:"threshold"`
	// Bot is set for a commit by a bot, counted apart from people's.
	Bot bool `json:"bot,omitempty"`
	// Rules are the findings of behaviour rules (Detector.Rule): judged
	// with the baseline, they keep their own severity and count as
	// content findings do.
	Rules []Finding `json:"rules,omitempty"`
	// Queued says that the commit's content findings or rules brought
	// it into the queue whatever its score (one at medium or high; a
	// critical one is outside the budget; Assessment.Queued): set by
	// whoever learns the commit, before it is learned, it takes its
	// place in the budget before behaviour does (see Rates.Threshold).
	Queued bool `json:"queued,omitempty"`
	// Baseline is a copy of the baseline the judgement was made against,
	// for the content detectors that weigh who makes a change (see
	// Engine.Assess); nil for a judgement the store kept. Not stored.
	Baseline *Baseline `json:"-"`
}

// inQueue reports whether the commit entered the queue whatever its
// score: Queued, or a rule's finding at medium or high (for a judgement
// learned before it was assessed).
func (j *Judgement) inQueue() bool { return j.Queued || queues(j.Rules) }

// queues reports whether the most severe of fs is medium or high: it
// brings its commit into the queue within the budget (a commit with a
// critical one is outside the budget).
func queues(fs []Finding) bool {
	worst := MaxSeverity(fs)
	return worst >= Medium && worst < Critical
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
		br := EventRate(f.Event, repo, org)
		f.BaseRate, f.Surprise = &br, math.Round(br.Bits()*100)/100
		f.Evidence = append(f.Evidence, "base rate: "+br.String())
		j.Findings = append(j.Findings, f)
		if f.Severity == Info {
			// A note: the detector itself says this is no anomaly (a
			// daylight-saving shift of the author's zone). It is counted
			// in the rates, so its base rate is known, but however rare
			// it is it adds no surprise to the commit.
			best[f.Event] = max(best[f.Event], 0)
			continue
		}
		best[f.Event] = max(best[f.Event], f.Surprise)
	}
	for e, bits := range best {
		j.Events = append(j.Events, e)
		j.Score += bits
	}
	sort.Strings(j.Events)
	j.Score = math.Round(j.Score*100) / 100
	j.Threshold = QueueThreshold(repo, org, budget)
	return j
}

// QueueThreshold returns the score in bits from which a commit's
// behaviour findings enter the queue of the repository of rates repo
// (org: the organization's, nil for repo's alone) under budget: the
// score that only the budget's share of its earlier commits reach, each
// scored as a new commit is, with today's rates and its own events left
// out; where more than the budget's share of them reached the threshold
// of their time (a history whose habits change), the quantile tightens
// in proportion. Never less than -log2 budget.
func QueueThreshold(repo, org *Rates, budget float64) float64 {
	if budget <= 0 {
		budget = DefaultBudget
	}
	if repo == nil {
		repo = NewRates()
	}
	q := budget
	if share := (float64(repo.Flagged) + 1) / (float64(repo.Commits) + 1/budget); share > budget {
		q = budget * budget / share
	}
	past := repo.Threshold(q, func(e string) float64 { return eventRate(e, repo, org, 1).Bits() })
	return math.Round(max(-math.Log2(budget), past)*100) / 100
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
	// Queued says that content findings or rules at medium or high bring
	// the commit into the queue whatever its score: what the one who
	// learns the commit sets in its Judgement (Judgement.Queued).
	Queued bool
}

// Assess combines a commit's behaviour judgement (nil: none) with its
// content findings. Its score adds the judgement's to the content
// findings' SeverityBits (the highest of each detector). Its behaviour
// findings are medium when the judgement's score, with the content
// findings at medium or above (those reach the queue anyway), reaches the
// threshold (high six bits above it, 64 times rarer), otherwise low from
// 4 bits of surprise and info below: the threshold was set from the
// behaviour of earlier commits alone. A policy's severity override of a
// detector still applies (override: nil for none).
func Assess(j *Judgement, content []Finding, override func(detector string) Severity) Assessment {
	if j != nil && len(j.Rules) > 0 {
		content = append(append([]Finding(nil), content...), j.Rules...)
	}
	a := Assessment{Score: ScoreOf(content)}
	var severe []Finding
	for _, f := range content {
		if f.Severity >= Medium {
			severe = append(severe, f)
		}
	}
	flag := ScoreOf(severe)
	a.Queued = queues(severe)
	if j != nil {
		a.Score += j.Score
		a.Threshold = j.Threshold
		flag += j.Score
	}
	a.Score = math.Round(a.Score*100) / 100
	if j != nil {
		for _, f := range j.Findings {
			switch {
			case f.Severity == Info:
				// A note (see Calibrate) stays one, whatever the score.
			case flag >= j.Threshold+6:
				f.Severity = High
			case flag >= j.Threshold:
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
