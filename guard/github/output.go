package github

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard"
)

// LevelFor maps a finding's severity to an annotation level: high and
// critical are failures, medium a warning, the rest notices.
func LevelFor(s guard.Severity) Level {
	switch {
	case s >= guard.High:
		return LevelFailure
	case s == guard.Medium:
		return LevelWarning
	}
	return LevelNotice
}

// FindingAnnotation turns a finding into an annotation. Findings that do
// not point at a line of a file cannot be annotations (ok is false);
// they belong in the summary.
func FindingAnnotation(f guard.Finding) (a Annotation, ok bool) {
	if f.Path == "" || f.Line < 1 {
		return Annotation{}, false
	}
	return Annotation{
		Path:       f.Path,
		StartLine:  f.Line,
		EndLine:    max(f.EndLine, f.Line),
		Level:      LevelFor(f.Severity),
		Title:      fmt.Sprintf("%s (%s)", f.Detector, f.Severity),
		Message:    f.Message,
		RawDetails: strings.Join(f.Evidence, "\n"),
	}, true
}

// FindingAnnotations converts the findings that point at lines, in order.
func FindingAnnotations(fs []guard.Finding) []Annotation {
	var out []Annotation
	for _, f := range fs {
		if a, ok := FindingAnnotation(f); ok {
			out = append(out, a)
		}
	}
	return out
}

// truncateOutput cuts Markdown to at most max bytes on a rune boundary,
// closes a code fence left open by the cut, and ends with a note saying
// how long the full text was.
func truncateOutput(s string, max int) string {
	if len(s) <= max {
		return s
	}
	note := fmt.Sprintf("\n\n**… truncated: the full text is %d bytes, over GitHub's limit of %d.**", len(s), max)
	const fence = "\n```"
	cut := runeFloor(s, max-len(note)-len(fence))
	head := s[:cut]
	if strings.Count(head, "```")%2 == 1 {
		head += fence
	}
	return head + note
}

// cutUTF8 cuts s to at most max bytes on a rune boundary, ending with
// suffix when it cuts.
func cutUTF8(s string, max int, suffix string) string {
	if len(s) <= max {
		return s
	}
	return s[:runeFloor(s, max-len(suffix))] + suffix
}

// runeFloor returns the largest rune boundary of s not after n.
func runeFloor(s string, n int) int {
	if n <= 0 {
		return 0
	}
	if n >= len(s) {
		return len(s)
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optTime(t time.Time) *gh.Timestamp {
	if t.IsZero() {
		return nil
	}
	return &gh.Timestamp{Time: t}
}
