package citampering

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

var (
	ciVersionRef = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+)*$`)
)

// ciIsCommitSHA reports whether s is a full SHA-1 or SHA-256 commit name
// in lowercase hex.
func ciIsCommitSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// actions reports actions and reusable workflows referenced by a tag or a
// branch rather than a full commit SHA, one finding per reference: medium
// when the change replaces a commit pin (the repository pinned it), low
// otherwise.
func (c *ciFile) actions(allow []string) {
	seen := map[string]*ciUse{}
	var order []*ciUse
	for _, l := range c.file.AddedLines {
		if !strings.Contains(l.Text, "uses:") {
			continue
		}
		code := strings.TrimPrefix(ciCode(l.Text), "- ")
		ref, ok := strings.CutPrefix(code, "uses:")
		if !ok {
			continue
		}
		ref = strings.Trim(strings.TrimSpace(ref), `'"`)
		if u := seen[ref]; u != nil {
			u.lines = append(u.lines, l.Number)
			continue
		}
		if !c.isNew(l) || ciPinned(ref) || ciAllowed(ref, allow) || c.deleted.Contains(ref) {
			continue
		}
		u := &ciUse{ref: ref, lines: []int{l.Number}}
		seen[ref] = u
		order = append(order, u)
	}
	for _, u := range order {
		c.reportUse(u)
	}
}

type ciUse struct {
	ref   string
	lines []int
}

func (c *ciFile) reportUse(u *ciUse) {
	ev := []string{"uses: " + u.ref}
	if len(u.lines) > 1 {
		ev = append(ev, fmt.Sprintf("also at %s %s", map[bool]string{true: "line", false: "lines"}[len(u.lines) == 2],
			ciJoinInts(u.lines[1:])))
	}
	if img, ok := strings.CutPrefix(u.ref, "docker://"); ok {
		c.report(guard.Low, u.lines[0], fmt.Sprintf("Runs the container image %s by tag rather than by "+
			"@sha256 digest: whoever controls the tag controls this step.", img), ev...)
		return
	}
	name, tag, _ := strings.Cut(u.ref, "@")
	if old := ciOldPin(c.deleted, name); old != "" {
		c.report(guard.Medium, u.lines[0], fmt.Sprintf("Replaces the commit pin of %s (%s) with the mutable "+
			"reference %q.", name, guard.ShortHash(old), tag), ev...)
		return
	}
	what := "tag"
	if tag == "" || !ciVersionRef.MatchString(tag) {
		what = "branch"
	}
	c.report(guard.Low, u.lines[0], fmt.Sprintf("Uses %s at the %s %q rather than a full commit SHA: "+
		"whoever can move that %s can change what this workflow runs.", name, what, tag, what), ev...)
}

// ciPinned reports whether a uses: value cannot change under the
// workflow: a local action, an image by digest, or a full commit SHA.
func ciPinned(ref string) bool {
	switch {
	case ref == "", strings.HasPrefix(ref, "./"), strings.HasPrefix(ref, "../"), strings.Contains(ref, "${{"):
		return true
	case strings.HasPrefix(ref, "docker://"):
		return strings.Contains(ref, "@sha256:")
	}
	_, tag, _ := strings.Cut(ref, "@")
	return ciIsCommitSHA(tag)
}

func ciAllowed(ref string, allow []string) bool {
	for _, a := range allow {
		a = strings.TrimSuffix(a, "/")
		if a != "" && (ref == a || strings.HasPrefix(ref, a+"/") || strings.HasPrefix(ref, a+"@")) {
			return true
		}
	}
	return false
}

// ciOldPin finds the commit SHA that the deleted lines pinned name to.
func ciOldPin(deleted *textscan.Index, name string) string {
	i := deleted.First(name + "@")
	if i < 0 {
		return ""
	}
	rest := deleted.Text()[i+len(name)+1:]
	if len(rest) >= 40 && ciIsCommitSHA(rest[:40]) {
		return rest[:40]
	}
	return ""
}

func ciJoinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return explain.List(s, 5)
}
