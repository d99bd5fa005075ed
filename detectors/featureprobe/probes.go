package featureprobe

import (
	"fmt"

	"github.com/repoguard/repoguard/detectors/internal/explain"
)

// probeFault is a fault of a probe the added lines hold, with what it
// is found in.
type probeFault struct {
	fault
	feature *feature
	prog    *program // nil for a fault in a probe's arguments
	call    *probeCall
}

// probes judges the probes and test programs that a block's added lines
// hold. Faults that the replaced lines had already are left out: they
// are not this change's.
func (c *checker) probes(b block) {
	if len(b.add) == 0 {
		return
	}
	t := newText(b.add)
	faults := c.probeFaults(t.s)
	if len(faults) == 0 {
		return
	}
	old := map[string]bool{}
	if len(b.del) > 0 {
		for _, f := range c.probeFaults(newText(b.del).s) {
			old[f.key()] = true
		}
	}
	for _, f := range faults {
		if !old[f.key()] {
			c.reportFault(t, f)
		}
	}
}

// Limits that keep a pathological change linear: at most maxProbes
// programs and probe calls of a block are judged, a program longer than
// maxProgram is no test program, and a probe's arguments are read up to
// maxProgram bytes.
const (
	maxProbes  = 32
	maxProgram = 16 << 10
)

// probeFaults scans a text of build-file lines and returns the faults
// of the feature probes and test programs in it.
func (c *checker) probeFaults(s string) []probeFault {
	sc := scanText(c.lang, s)
	sc.programs = sc.programs[:min(len(sc.programs), maxProbes)]
	sc.calls = sc.calls[:min(len(sc.calls), maxProbes)]
	for k := range sc.calls {
		sc.calls[k].end = min(sc.calls[k].end, sc.calls[k].start+maxProgram)
	}
	var out []probeFault
	for k := range sc.programs {
		p := &sc.programs[k]
		if len(p.s) > maxProgram {
			continue
		}
		call := enclosing(sc.calls, p.base)
		fs := programFeatures(s, p, call)
		if len(fs) == 0 {
			continue
		}
		lx := lexC(*p)
		for _, f := range lx.faults {
			out = append(out, probeFault{fault: f, feature: fs[0], prog: p, call: call})
		}
		for _, tk := range append(lx.headers, lx.idents...) {
			if f, ft, ok := c.misspelling(tk, fs[0]); ok {
				out = append(out, probeFault{fault: f, feature: ft, prog: p, call: call})
			}
		}
	}
	for k := range sc.calls {
		call := &sc.calls[k]
		fs := featuresIn(s[call.start:call.end])
		if len(fs) == 0 {
			continue
		}
		for _, tk := range names(blankOut(s, call.span, sc)) {
			tk.off += call.start
			if f, ft, ok := c.misspelling(tk, fs[0]); ok {
				out = append(out, probeFault{fault: f, feature: ft, call: call})
			}
		}
	}
	return out
}

// misspelling returns a fault for a token that misspells one of the
// features' known names, and the feature it belongs to (fallback when
// the name is common to several).
func (c *checker) misspelling(tk token, fallback *feature) (fault, *feature, bool) {
	near, f := c.vocab.misspelt(tk.text)
	if near == "" {
		return fault{}, nil, false
	}
	if f == nil {
		f = fallback
	}
	return fault{off: tk.off, text: tk.text, why: fmt.Sprintf("misspells %s, a spelling no compiler, header "+
		"or library knows", near)}, f, true
}

// enclosing returns the innermost probe call holding offset off, or nil.
func enclosing(calls []probeCall, off int) *probeCall {
	var best *probeCall
	for k := range calls {
		cl := &calls[k]
		if cl.start <= off && off < cl.end && (best == nil || cl.start > best.start) {
			best = cl
		}
	}
	return best
}

// programFeatures returns the features a program probes: named in the
// probe call around it, or in the program itself.
func programFeatures(s string, p *program, call *probeCall) []*feature {
	if call != nil {
		if fs := featuresIn(s[call.start:call.end]); len(fs) > 0 {
			return fs
		}
	}
	return featuresIn(p.s)
}

// blankOut returns the text of a call with its programs and comments
// replaced by spaces, so that only its own arguments are left.
func blankOut(s string, sp span, sc *scanned) string {
	b := []byte(s[sp.start:sp.end])
	cut := func(o span) {
		for i := max(o.start, sp.start); i < min(o.end, sp.end); i++ {
			b[i-sp.start] = ' '
		}
	}
	for _, p := range sc.programs {
		cut(span{p.base, p.base + len(p.s)})
	}
	for _, cm := range sc.comments {
		cut(cm)
	}
	return string(b)
}

// reportFault words a fault of a probe as a finding.
func (c *checker) reportFault(t *text, f probeFault) {
	line := t.number(f.off)
	where := "its arguments"
	if f.prog != nil {
		first := t.number(f.prog.base)
		if f.prog.base < len(t.s) && t.s[f.prog.base] == '\n' {
			first++
		}
		where = fmt.Sprintf("line %d of its test program", line-first+1)
	}
	probe := ""
	if f.call != nil {
		probe = fmt.Sprintf(" %s (line %d)", f.call.name, t.number(f.call.start))
	}
	idx := t.line(f.off)
	c.report(problem{line: line, feature: f.feature,
		what: fmt.Sprintf("Breaks the %s probe%s: %q on line %d (%s) %s", f.feature.name, probe,
			f.text, line, where, f.why),
		evidence: []string{explain.Line(t.lines[idx])}})
}
