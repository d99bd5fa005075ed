package featureprobe

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// maxPaired is the most lines of a block whose deleted and added lines
// are paired by similarity when their counts differ.
const maxPaired = 8

// pairs compares each changed line of a block with the line it
// replaces: a feature's name damaged in place is a probe broken.
func (c *checker) pairs(b block) {
	if len(b.del) == 0 || len(b.add) == 0 {
		return
	}
	if len(b.del) == len(b.add) {
		for k := range b.add {
			c.damage(b.del[k], b.add[k])
		}
		return
	}
	if len(b.del) > maxPaired || len(b.add) > maxPaired {
		return
	}
	for _, a := range b.add {
		for _, d := range b.del {
			if _, _, ok := smallEdit(d.Text, a.Text); ok {
				c.damage(d, a)
				break
			}
		}
	}
}

// smallEdit returns where two lines differ, when by at most two bytes on
// each side: the common prefix and suffix lengths.
func smallEdit(d, a string) (pre, suf int, ok bool) {
	n := min(len(d), len(a))
	for pre < n && d[pre] == a[pre] {
		pre++
	}
	for suf < n-pre && d[len(d)-1-suf] == a[len(a)-1-suf] {
		suf++
	}
	dm, am := len(d)-pre-suf, len(a)-pre-suf
	return pre, suf, dm <= 2 && am <= 2 && dm+am > 0
}

// strayBytes are the bytes that, added next to a feature's name, make a
// flag or a symbol unknown.
const strayBytes = ".`@~^"

// damage reports a line whose change damages a feature's name (a
// misspelling, a stray byte) or turns a known identifier of a feature
// into an unknown one.
func (c *checker) damage(d, a guard.Line) {
	pre, suf, ok := smallEdit(d.Text, a.Text)
	if !ok || c.isProse(d.Text, pre) {
		return
	}
	dEnd, aEnd := len(d.Text)-suf, len(a.Text)-suf
	dm, am := d.Text[pre:dEnd], a.Text[pre:aEnd]
	if onlyDigits(dm) && onlyDigits(am) {
		return
	}
	wd, wa := nameAround(d.Text, pre, dEnd), nameAround(a.Text, pre, aEnd)
	for _, f := range features {
		for _, loc := range f.keyword.FindAllStringIndex(d.Text, -1) {
			if loc[0] > dEnd || loc[1] < pre {
				continue
			}
			kw := d.Text[loc[0]:loc[1]]
			switch {
			case dm == "" && len(am) == 1 && strings.IndexByte(strayBytes, am[0]) >= 0 && (loc[0] == pre || loc[1] == pre):
				c.reportDamage(f, d, a, fmt.Sprintf("Adds a stray %q to %q", am, kw))
				return
			case !strings.EqualFold(wd, wa) && !f.keyword.MatchString(wa) && !c.vocab.isKnown(wa) && !pluralOf(wd, wa):
				c.reportDamage(f, d, a, fmt.Sprintf("Misspells %q as %q", wd, wa))
				return
			}
		}
	}
	if f := c.vocab.known[wd]; f != nil && !c.vocab.isKnown(wa) && !strings.EqualFold(wd, wa) && !pluralOf(wd, wa) {
		c.reportDamage(f, d, a, fmt.Sprintf("Misspells %q as %q", wd, wa))
	}
}

func (c *checker) reportDamage(f *feature, d, a guard.Line, what string) {
	c.report(problem{line: a.Number, feature: f,
		what: fmt.Sprintf("%s on line %d, where the build checks for the %s (a name no compiler, header or "+
			"build variable knows)", what, a.Number, f.name),
		evidence: []string{explain.Line(a), quoteLine("was old line ", d)}})
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// proseCalls start lines whose text is read by people, not compilers:
// messages, option and cache descriptions.
var proseCalls = []string{"message(", "AC_MSG_", "AS_HELP_STRING", "AS_ECHO", "option(", "summary(", "description",
	"add_feature_info(", "set_property(", "echo "}

// isProse reports whether the change at off of a line is in a comment or
// in text for people (a message, an option's description).
func (c *checker) isProse(line string, off int) bool {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "#") && !isDirectiveLine(t) || c.lang == autoconf && strings.HasPrefix(t, "dnl") {
		return true
	}
	if i := strings.Index(line, " #"); i >= 0 && i < off && strings.Count(line[:i], `"`)%2 == 0 && !isDirectiveLine(line[i+1:]) {
		return true
	}
	if i := strings.Index(line, "/*"); i >= 0 && i < off {
		return true
	}
	for _, p := range proseCalls {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// directives are the C preprocessor's.
var directives = words(`include if ifdef ifndef elif else endif define undef error warning pragma line`)

// isDirectiveLine reports whether t (trimmed, starting with '#') is a C
// preprocessor directive rather than a build-file comment.
func isDirectiveLine(t string) bool {
	rest := strings.TrimLeft(strings.TrimPrefix(t, "#"), " \t")
	for _, d := range directives {
		if strings.HasPrefix(rest, d) && (len(rest) == len(d) || !textscan.IsIdent(rest[len(d)])) {
			return true
		}
	}
	return false
}
