package configs

import (
	"maps"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// merge applies a file's layer over base (which it may modify) and returns
// the effective policy.
func (r *reader) merge(base *guard.Policy, l *layer, known []*guard.Detector) *guard.Policy {
	p := base
	r.mergeCategories(p, l.categories)
	p.Assets = r.mergeList(p.Assets, l.assets, "assets")
	p.Ignore = r.mergeList(p.Ignore, l.ignore, "ignore")
	r.mergeThresholds(&p.Thresholds, l.thresholds)
	mergeDetectors(p, l.detectors, known)
	return p
}

// mergeCategories merges entries by name: an entry naming an inherited
// category replaces the fields it sets, disabled removes it, and a new
// name adds a category at the end.
func (r *reader) mergeCategories(p *guard.Policy, entries []*catEntry) {
	for _, e := range entries {
		if e.bad {
			continue
		}
		idx := slices.IndexFunc(p.Categories, func(c guard.Category) bool { return c.Name == e.name })
		switch {
		case e.disabled && idx < 0:
			names := categoryNames(p)
			r.errs.at(e.node, "category %q is disabled but not inherited (%sinherited: %s)", e.name, suggest(e.name, names), orNone(names))
		case e.disabled:
			p.Categories = slices.Delete(p.Categories, idx, idx+1)
		case idx >= 0:
			e.apply(&p.Categories[idx])
		case e.paths == nil:
			r.errs.at(e.node, "category %q is new and needs paths", e.name)
		case len(p.Categories) >= maxCategories:
			r.errs.at(e.node, "category %q is one too many (at most %d categories)", e.name, maxCategories)
		default:
			c := guard.Category{Name: e.name, Approvals: 1, Severity: guard.Medium}
			e.apply(&c)
			p.Categories = append(p.Categories, c)
		}
	}
}

// apply sets the fields the entry sets.
func (e *catEntry) apply(c *guard.Category) {
	if e.description != nil {
		c.Description = *e.description
	}
	if e.paths != nil {
		c.Paths = nilIfEmpty(*e.paths)
	}
	if e.exclude != nil {
		c.Exclude = nilIfEmpty(*e.exclude)
	}
	if e.teams != nil {
		c.Teams = nilIfEmpty(*e.teams)
	}
	if e.approvals != nil {
		c.Approvals = *e.approvals
	}
	if e.severity != nil {
		c.Severity = *e.severity
	}
}

// mergeList appends the file's entries to an inherited list, skipping
// duplicates; an entry "!x" removes the inherited entry x.
func (r *reader) mergeList(base []string, e listEntry, what string) []string {
	out := slices.Clone(base)
	for i, v := range e.vals {
		if target, ok := strings.CutPrefix(v, "!"); ok {
			j := slices.Index(out, target)
			if j < 0 {
				r.errs.at(e.nodes[i], "%q removes nothing: no inherited %s entry is %q", v, what, target)
				continue
			}
			out = slices.Delete(out, j, j+1)
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return nilIfEmpty(out)
}

func categoryNames(p *guard.Policy) []string {
	names := make([]string, len(p.Categories))
	for i, c := range p.Categories {
		names[i] = c.Name
	}
	return names
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// clonePolicy returns a deep copy of p.
func clonePolicy(p *guard.Policy) *guard.Policy {
	q := *p
	q.Categories = make([]guard.Category, len(p.Categories))
	for i, c := range p.Categories {
		c.Paths = slices.Clone(c.Paths)
		c.Exclude = slices.Clone(c.Exclude)
		c.Teams = slices.Clone(c.Teams)
		q.Categories[i] = c
	}
	if p.Categories == nil {
		q.Categories = nil
	}
	q.Assets = slices.Clone(p.Assets)
	q.Ignore = slices.Clone(p.Ignore)
	q.Detectors = make(map[string]guard.DetectorPolicy, len(p.Detectors))
	for name, dp := range p.Detectors {
		dp.Settings = cloneSettings(dp.Settings)
		q.Detectors[name] = dp
	}
	return &q
}

// cloneSettings copies a settings map, including its list values.
func cloneSettings(s map[string]any) map[string]any {
	if s == nil {
		return nil
	}
	out := maps.Clone(s)
	for k, v := range out {
		if l, ok := v.([]string); ok {
			out[k] = append([]string{}, l...)
		}
	}
	return out
}
