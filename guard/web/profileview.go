package web

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// profileSummary is an author's profile as the pages show it.
type profileSummary struct {
	Key            string
	Repo           string
	Commits        int
	Signed         int
	FirstSeen      time.Time
	LastSeen       time.Time
	UsualHours     string
	AuthorZones    []countRow
	CommitterZones []countRow
	Dirs           []countRow
	Categories     []countRow
	Heatmap        *heatmap
}

// countRow is one line of a "what and how often" table.
type countRow struct {
	Label string
	N     int
	Pct   string
}

// summarize turns a profile (nil: unknown) into its summary, keeping the
// top n directories.
func summarize(p *guard.Profile, n int) *profileSummary {
	if p == nil {
		return nil
	}
	return &profileSummary{
		Key: p.Key, Repo: p.Repo, Commits: p.Commits, Signed: p.Signed,
		FirstSeen: p.FirstSeen, LastSeen: p.LastSeen, UsualHours: usualHours(p.HourOfWeek),
		AuthorZones:    zoneRows(p.AuthorZones, p.Commits),
		CommitterZones: zoneRows(p.CommitterZones, p.Commits),
		Dirs:           topRows(p.Dirs, p.Commits, n),
		Categories:     topRows(p.Categories, p.Commits, 0),
		Heatmap:        newHeatmap(p.HourOfWeek),
	}
}

// topRows lists the most frequent keys of m (all when n is 0).
func topRows(m map[string]int, total, n int) []countRow {
	keys := guard.SortedKeys(m, func(a, b string) bool { return a < b })
	if n > 0 && len(keys) > n {
		keys = keys[:n]
	}
	rows := make([]countRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, countRow{Label: k, N: m[k], Pct: percent(m[k], total)})
	}
	return rows
}

// zoneRows lists time-zone offsets, most frequent first.
func zoneRows(m map[int]int, total int) []countRow {
	keys := guard.SortedKeys(m, func(a, b int) bool { return a < b })
	rows := make([]countRow, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, countRow{Label: zoneName(k), N: m[k], Pct: percent(m[k], total)})
	}
	return rows
}

func percent(n, total int) string {
	if total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(total))
}

// usualHours names the UTC hours of the day that hold 80% of the
// commits, as ranges: "08:00–12:00, 14:00–18:00 UTC".
func usualHours(how [guard.HoursPerWeek]int) string {
	var day [24]int
	total := 0
	for i, n := range how {
		day[i%24] += n
		total += n
	}
	if total == 0 {
		return ""
	}
	hours := make([]int, 24)
	for i := range hours {
		hours[i] = i
	}
	slices.SortStableFunc(hours, func(a, b int) int { return cmp.Compare(day[b], day[a]) })
	var usual [24]bool
	for run, i := 0, 0; run*10 < total*8 && i < 24; i++ {
		usual[hours[i]] = true
		run += day[hours[i]]
	}
	var ranges []string
	for h := 0; h < 24; h++ {
		if !usual[h] {
			continue
		}
		end := h
		for end+1 < 24 && usual[end+1] {
			end++
		}
		ranges = append(ranges, fmt.Sprintf("%02d:00–%02d:00", h, (end+1)%24))
		h = end
	}
	return strings.Join(ranges, ", ") + " UTC"
}
