package web

import (
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// heatmap is the hour-of-week grid of an author's commits, rendered as
// SVG on the server: 7 rows (Monday first) of 24 hours, UTC.
type heatmap struct {
	Width, Height int
	Cells         []heatCell
	Days          []axisLabel
	Hours         []axisLabel
	Max           int
	Total         int
}

// heatCell is one hour of the week; Level (0 to 4) sets its intensity.
type heatCell struct {
	X, Y  int
	Level int
	Title string
}

// axisLabel labels a row or a column.
type axisLabel struct {
	X, Y int
	Text string
}

// The grid's geometry in SVG units.
const (
	cellSize   = 16
	cellGap    = 3
	heatLeft   = 36
	heatTop    = 18
	heatLevels = 4
)

var dayNames = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// newHeatmap lays out the 168 cells of how.
func newHeatmap(how [guard.HoursPerWeek]int) *heatmap {
	step := cellSize + cellGap
	h := &heatmap{Width: heatLeft + 24*step, Height: heatTop + 7*step}
	for _, n := range how {
		h.Max = max(h.Max, n)
		h.Total += n
	}
	for i, n := range how {
		day, hour := i/24, i%24
		h.Cells = append(h.Cells, heatCell{
			X: heatLeft + hour*step, Y: heatTop + day*step, Level: level(n, h.Max),
			Title: fmt.Sprintf("%s %02d:00–%02d:59 UTC: %s", dayNames[day], hour, hour, plural(n, "commit")),
		})
	}
	for d, name := range dayNames {
		h.Days = append(h.Days, axisLabel{X: heatLeft - 6, Y: heatTop + d*step + cellSize - 4, Text: name})
	}
	for hour := 0; hour < 24; hour += 3 {
		h.Hours = append(h.Hours, axisLabel{X: heatLeft + hour*step, Y: heatTop - 6, Text: fmt.Sprintf("%02d", hour)})
	}
	return h
}

// level maps a count to 0 (none) or 1 to heatLevels by its share of the
// busiest hour.
func level(n, maxN int) int {
	if n <= 0 || maxN <= 0 {
		return 0
	}
	return min(heatLevels, 1+(n*heatLevels-1)/maxN)
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}
