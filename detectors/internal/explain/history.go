package explain

import (
	"fmt"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// History renders how much history a profile holds, "412 commits over
// 3.1 years"; the behaviour detectors quote it.
func History(p *guard.Profile) string {
	s := guard.Thousands(p.Commits) + " commits"
	if p.Commits == 1 {
		return "1 commit"
	}
	if p.Commits < 2 {
		return s
	}
	return s + " over " + Duration(p.LastSeen.Sub(p.FirstSeen))
}

// Duration renders a long duration in days, months or years.
func Duration(d time.Duration) string {
	days := d.Hours() / 24
	switch {
	case days < 1:
		return "less than a day"
	case days < 60:
		return Plural(int(days), "day")
	case days < 730:
		return Plural(int(days/30.44), "month")
	}
	return fmt.Sprintf("%.1f years", days/365.25)
}

// Offset renders a time-zone offset in seconds east of UTC as "+05:30".
func Offset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
}
