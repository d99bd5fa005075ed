package unusualtime

import (
	"fmt"
	"math"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.unusual-time.settings.
type Settings struct {
	// min_commits is the author history below which the model leans
	// on the organization and findings are low.
	MinCommits int `setting:"min_commits"`
	// max_tail fires when the hours of the week no more likely than
	// this one hold less than this share of the model: a p-value.
	MaxTail float64 `setting:"max_tail"`
	// prior_weight is the weight, in commits, of the organization's
	// hours in the author's model.
	PriorWeight float64 `setting:"prior_weight"`
	// cross_day is the kernel weight that a commit gives to the same
	// hour on each other day of the week (1 for its own day).
	CrossDay float64 `setting:"cross_day"`
	// new_commits: an author with fewer earlier commits (in every
	// repository) is also judged against everyone's hours of the day
	// here, each commit in its author's own zone: reported when the
	// hours within local_window of this one's hold at most local_quiet
	// times their even share of the repository's commits (once it has
	// min_repo_commits): an hour when the repository is quiet.
	NewCommits     int     `setting:"new_commits"`
	LocalQuiet     float64 `setting:"local_quiet"`
	LocalWindow    int     `setting:"local_window"`
	MinRepoCommits int     `setting:"min_repo_commits"`
	// night_start and night_end: the hours of the day (where the author
	// is, end excluded) that a new author's commit is judged in: few
	// people anywhere work then, while a quiet morning or evening in a
	// repository only says where its few regulars live.
	NightStart int `setting:"night_start"`
	NightEnd   int `setting:"night_end"`
	// rare_zone: a new author at a quiet hour in a zone at most this
	// share of the repository's commits used (one commit always) is its
	// own, rarer event.
	RareZone float64 `setting:"rare_zone"`
}

// Detector is the unusual-time detector.
var Detector = &guard.Detector{
	Name: "unusual-time",
	Doc: "Reports a commit authored at an hour of the week that is improbable for its author, under " +
		"a smoothed model of their past hours with the organization's hours as prior. With little " +
		"history the organization's hours dominate the model and the finding is low.",
	Severity:  guard.Medium,
	Behaviour: true,
	Settings: &Settings{
		MinCommits:  30,
		MaxTail:     0.003,
		PriorWeight: 3.0,
		CrossDay:    0.1,

		NewCommits:     5,
		LocalQuiet:     0.5,
		LocalWindow:    1,
		MinRepoCommits: 100,
		RareZone:       0.001,
		NightStart:     0,
		NightEnd:       6,
	},
	Run: run,
}

// utHourKernel spreads a commit over its hour and the two hours either side.
var utHourKernel = [5]float64{0.25, 0.6, 1, 0.6, 0.25}

// utSmooth spreads each commit of the hour-of-week histogram over the
// neighbouring hours (±2h) of its day and, with weight crossDay, the same
// hours of the other six days. Each commit keeps a total mass of 1.
func utSmooth(h *[guard.HoursPerWeek]int, crossDay float64) [guard.HoursPerWeek]float64 {
	var out [guard.HoursPerWeek]float64
	total := 0.0
	for _, w := range utHourKernel {
		total += w * (1 + 6*crossDay)
	}
	for k, n := range h {
		if n == 0 {
			continue
		}
		for d := range 7 {
			dw := crossDay
			if d == 0 {
				dw = 1
			}
			for i, w := range utHourKernel {
				j := ((k+d*24+i-2)%guard.HoursPerWeek + guard.HoursPerWeek) % guard.HoursPerWeek
				out[j] += float64(n) * dw * w / total
			}
		}
	}
	return out
}

// utModel returns the probability of each hour of the week: the smoothed
// counts plus weight pseudo-commits distributed as prior, normalized.
func utModel(smoothed *[guard.HoursPerWeek]float64, n int, prior *[guard.HoursPerWeek]float64, weight float64) [guard.HoursPerWeek]float64 {
	var p [guard.HoursPerWeek]float64
	for i := range p {
		p[i] = (smoothed[i] + weight*prior[i]) / (float64(n) + weight)
	}
	return p
}

// utOrgPrior is the organization's smoothed hours with one pseudo-commit
// spread uniformly (a Laplace prior), so that no hour has probability 0.
func utOrgPrior(org *guard.Profile, crossDay float64) [guard.HoursPerWeek]float64 {
	s := utSmooth(&org.HourOfWeek, crossDay)
	uniform := [guard.HoursPerWeek]float64{}
	for i := range uniform {
		uniform[i] = 1.0 / guard.HoursPerWeek
	}
	return utModel(&s, org.Commits, &uniform, 1)
}

// utTail returns the total probability of the hours no more likely than
// hour w: how often the model produces an hour at least this unusual.
func utTail(p *[guard.HoursPerWeek]float64, w int) float64 {
	t := 0.0
	for _, q := range p {
		if q <= p[w]*(1+1e-9) {
			t += q
		}
	}
	return t
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || b.AuthorAll == nil || b.Org == nil {
		return
	}
	if f, ok := utNewAuthorHour(set, b, c); ok {
		pass.Report(f)
	}
	a, weight := b.AuthorAll, set.PriorWeight
	if weight <= 0 && a.Commits == 0 {
		return
	}
	cross := set.CrossDay
	prior := utOrgPrior(b.Org, cross)
	smoothed := utSmooth(&a.HourOfWeek, cross)
	p := utModel(&smoothed, a.Commits, &prior, max(weight, 0))
	w := guard.HourOfWeek(c.Author.When)
	tail, maxTail := utTail(&p, w), set.MaxTail
	if tail >= maxTail {
		return
	}
	f := guard.Finding{
		Score: utScore(tail, maxTail),
		Evidence: []string{
			fmt.Sprintf("author's commits at this hour of the week (%s): %d of %s (smoothed probability %s)",
				utHourName(w), a.HourOfWeek[w], guard.Thousands(a.Commits), utPercent(p[w])),
			fmt.Sprintf("hours of the week this quiet hold %s of the author's smoothed activity (threshold %s)",
				utPercent(tail), utPercent(maxTail)),
			"usual hours: " + utUsualHours(a),
			fmt.Sprintf("organization commits at this hour of the week: %d of %s", b.Org.HourOfWeek[w], guard.Thousands(b.Org.Commits)),
		},
	}
	if minN := set.MinCommits; a.Commits < minN {
		f.Severity, f.Score = guard.Low, min(f.Score, 0.5)
		own := "With no commits of their own yet"
		if a.Commits > 0 {
			own = fmt.Sprintf("With only %s of their own (fewer than %d)", explain.Plural(a.Commits, "commit"), minN)
		}
		f.Message = fmt.Sprintf("%s %s, the author is judged mostly against the organization's hours.",
			utMessage(b.Org, c.Author, "organization commits"), own)
	} else {
		f.Message = utMessage(a, c.Author, "commits")
	}
	pass.Report(f)
}

// utScore maps the tail probability to a score: 0.5 at the threshold,
// 1 at a hundredth of it.
func utScore(tail, maxTail float64) float64 {
	if tail <= 0 {
		return 1
	}
	return math.Min(1, 0.5+0.25*math.Log10(maxTail/tail))
}

// utMessage explains the commit's hour with the profile's commits in the
// five-hour window around it, on any day of the week.
func utMessage(p *guard.Profile, author guard.Person, noun string) string {
	at := author.When
	u := at.UTC()
	n, window := habits.NearHour(p, at, 2), habits.Window(at, 2)
	when := fmt.Sprintf("authored %s %s UTC, %s at %s", u.Format("Mon"), u.Format("15:04"),
		at.Format("15:04"), explain.Offset(author.Offset()))
	span := strings.Replace(explain.History(p), "commits", noun, 1)
	if n == 0 {
		return fmt.Sprintf("First commit %s in %s (%s).", window, span, when)
	}
	return fmt.Sprintf("Only %d of %s fell %s (%s).", n, span, window, when)
}

// utUsualHours renders the shortest run of hours of the day (UTC) that
// holds at least 80% of the author's commits.
func utUsualHours(a *guard.Profile) string {
	if a.Commits == 0 {
		return "none yet"
	}
	var byHour [24]int
	for w, n := range a.HourOfWeek {
		byHour[w%24] += n
	}
	need := int(math.Ceil(0.8 * float64(a.Commits)))
	for length := 1; length <= 24; length++ {
		best, bestStart := -1, 0
		for start := range 24 {
			s := 0
			for i := range length {
				s += byHour[(start+i)%24]
			}
			if s > best {
				best, bestStart = s, start
			}
		}
		if best >= need {
			return fmt.Sprintf("%d%% of commits between %02d:00 and %02d:00 UTC",
				100*best/max(a.Commits, 1), bestStart, (bestStart+length)%24)
		}
	}
	return "spread over the whole day"
}

var utDays = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// utHourName renders an hour of the week as "Tue 03:00 UTC".
func utHourName(w int) string { return fmt.Sprintf("%s %02d:00 UTC", utDays[w/24], w%24) }

// utPercent renders a probability as a percentage with two significant
// digits or so.
func utPercent(p float64) string {
	switch {
	case p >= 0.1:
		return fmt.Sprintf("%.0f%%", 100*p)
	case p >= 0.01:
		return fmt.Sprintf("%.1f%%", 100*p)
	case p >= 0.001:
		return fmt.Sprintf("%.2f%%", 100*p)
	case p < 0.00001:
		return "under 0.001%"
	}
	return fmt.Sprintf("%.3f%%", 100*p)
}
