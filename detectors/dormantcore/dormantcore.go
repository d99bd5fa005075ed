package dormantcore

import (
	"fmt"
	"math"
	"regexp"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/habits"
	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/detectors/internal/vendorpath"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.dormant-core.settings.
type Settings struct {
	// dormant_days of silence in every repository, after min_commits or
	// more, make a maintainer dormant.
	DormantDays int `setting:"dormant_days"`
	MinCommits  int `setting:"min_commits"`
	// hour_window and max_hour_share: the hour is unusual when at most
	// this share of the author's commits fell within hour_window hours
	// of it (UTC, any day).
	HourWindow   int     `setting:"hour_window"`
	MaxHourShare float64 `setting:"max_hour_share"`
	// core_dir_share and core_ext_share: source in a top-level
	// directory and of an extension that at least these shares of the
	// repository's commits change is core.
	CoreDirShare float64 `setting:"core_dir_share"`
	CoreExtShare float64 `setting:"core_ext_share"`
}

// Detector is the dormant-core detector.
var Detector = &guard.Detector{
	Name: "dormant-core",
	Doc: "Reports a maintainer silent for months in every repository who returns with a change to " +
		"the repository's core code (its entry point, or source in the directories and language most " +
		"of its commits change) at an hour of the day they never committed at: colors.js 2022.",
	Severity:  guard.Medium,
	Behaviour: true,
	Rule:      true,
	Settings: &Settings{
		DormantDays:  180,
		MinCommits:   10,
		HourWindow:   0,
		MaxHourShare: 0.01,
		CoreDirShare: 0.01,
		CoreExtShare: 0.05,
	},
	Run: run,
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	b, c := pass.Baseline, pass.Commit
	if b == nil || c == nil || c.IsMerge() || b.Bot || guard.IsBot(c.Author) || b.Org == nil {
		return
	}
	back, ok := habits.Returns(b.AuthorAll, c, set.DormantDays, set.MinCommits)
	if !ok {
		return
	}
	a, at := b.AuthorAll, c.Author.When
	near := habits.NearHour(a, at, set.HourWindow)
	if float64(near) > math.Floor(set.MaxHourShare*float64(a.Commits)) {
		return
	}
	files, why, first := dcCore(pass.Files, b.Everyone(), set)
	if len(files) == 0 {
		return
	}
	hour := explain.Few(near) + " of their " + guard.Thousands(a.Commits)
	u := at.UTC()
	pass.Report(guard.Finding{
		Score: 0.7,
		Path:  first,
		Message: fmt.Sprintf("%s with a change to core code at %s %s UTC (%s at %s), an hour unusual for them (%s commits %s): %s.",
			explain.Capital(back.String()), u.Format("Mon"), u.Format("15:04"), at.Format("15:04"),
			explain.Offset(c.Author.Offset()), hour, habits.Window(at, set.HourWindow), explain.List(files, 3)),
		Evidence: append(why,
			fmt.Sprintf("dormant means no commit in any repository for %d days, after %d or more", set.DormantDays, set.MinCommits),
			fmt.Sprintf("unusual means at most %s of the author's commits %s, on any day",
				dcPercent(set.MaxHourShare), dcWithin(set.HourWindow))),
	})
}

// dcWithin words the hour window: "in the same hour (UTC)", "within 2
// hours of the hour (UTC)".
func dcWithin(w int) string {
	if w <= 0 {
		return "in the same hour (UTC)"
	}
	return fmt.Sprintf("within %s of the hour (UTC)", explain.Plural(w, "hour"))
}

// dcPercent renders a share: "1%".
func dcPercent(x float64) string { return fmt.Sprintf("%g%%", math.Round(1000*x)/10) }

var (
	// dcEntry matches the files a package starts from.
	dcEntry = regexp.MustCompile(`(^|/)((index|main)\.(js|mjs|cjs|ts)|main\.(go|rs|c|cc|cpp|py)|lib\.rs|__init__\.py|__main__\.py)$`)
	// dcOutside matches folders whose code is not the package's: examples,
	// docs, tools, scripts, benchmarks, fuzzers (vendored code: vendorpath).
	dcOutside = regexp.MustCompile(`(^|/)(examples?|docs?|documentation|contrib|tools?|scripts?|` +
		`benches|benchmarks?|fuzz|hack|\.github)/`)
	// dcSource are the extensions of source code.
	dcSource = map[string]bool{"go": true, "rs": true, "c": true, "h": true, "cc": true, "cpp": true, "cxx": true,
		"hpp": true, "hh": true, "js": true, "mjs": true, "cjs": true, "jsx": true, "ts": true, "tsx": true, "py": true,
		"sol": true, "vy": true, "java": true, "kt": true, "scala": true, "rb": true, "php": true, "swift": true,
		"m": true, "mm": true, "cs": true, "move": true, "cairo": true, "zig": true, "ex": true, "exs": true, "lua": true}
)

// dcCore returns the changed files of the repository's core, why each is
// core, and the first one's path.
func dcCore(files []guard.FileChange, repo *guard.Profile, set *Settings) (core, why []string, first string) {
	for i := range files {
		f := &files[i]
		if f.Status == guard.Deleted || !dcSource[guard.Ext(f.Path)] || testpath.Match(f.Path) || vendorpath.Match(f.Path) || dcOutside.MatchString(f.Path) {
			continue
		}
		reason, ok := dcWhy(f.Path, repo, set)
		if !ok {
			continue
		}
		if first == "" {
			first = f.Path
		}
		core, why = append(core, explain.Change(f)), append(why, f.Path+": "+reason)
	}
	return core, why, first
}

// dcWhy says why a source file is core: it is the package's entry point,
// or in a directory and language that share of the repository's commits
// change.
func dcWhy(p string, repo *guard.Profile, set *Settings) (string, bool) {
	if dcEntry.MatchString(p) {
		return "the package's entry point", true
	}
	if repo == nil || repo.Commits == 0 {
		return "", false
	}
	dir, ext := guard.TopDir(p), guard.Ext(p)
	d, e := float64(repo.Dirs[dir])/float64(repo.Commits), float64(repo.Extensions[ext])/float64(repo.Commits)
	if d < set.CoreDirShare || e < set.CoreExtShare {
		return "", false
	}
	where := dir + "/"
	if dir == "." {
		where = "the root folder"
	}
	return fmt.Sprintf("%s is changed by %s of this repository's %s commits, .%s files by %s",
		where, dcPercent(math.Round(d*100)/100), guard.Thousands(repo.Commits), ext, dcPercent(math.Round(e*100)/100)), true
}
