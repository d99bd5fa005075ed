package configs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"gopkg.in/yaml.v3"
)

// Limits on categories.
const (
	maxCategories = 100
	maxApprovals  = 10
)

var categoryKeys = []string{"name", "description", "paths", "exclude", "approvals", "teams", "severity", "disabled"}

var (
	kebabRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	// teamRE matches "slug" or "org/slug", with an optional "@" as in
	// CODEOWNERS. Organization logins are case-insensitive; team slugs are
	// always lowercase.
	teamRE = regexp.MustCompile(`^@?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/)?[a-z0-9][a-z0-9_-]{0,99}$`)
)

// catEntry is one entry under categories. A nil pointer field was not set.
type catEntry struct {
	node        *yaml.Node
	name        string
	description *string
	paths       *[]string
	exclude     *[]string
	teams       *[]string
	approvals   *int
	severity    *guard.Severity
	disabled    bool
	// bad is set when the entry has a problem of its own; it is then
	// left out of the merge so that it causes no follow-on errors.
	bad bool
}

// categories reads the categories list.
func (r *reader) categories(n *yaml.Node) []*catEntry {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.errs.at(n, "categories must be a list of mappings, each with a name, got %s", describe(n))
		return nil
	}
	if len(n.Content) > maxCategories {
		r.errs.at(n, "categories has %d entries (at most %d allowed)", len(n.Content), maxCategories)
		return nil
	}
	var out []*catEntry
	firstLine := map[string]int{}
	for i, item := range n.Content {
		e := r.category(item, i)
		if !e.bad {
			if line, dup := firstLine[e.name]; dup {
				r.errs.at(e.node, "category %q is defined twice (first at line %d)", e.name, line)
				e.bad = true
			} else {
				firstLine[e.name] = e.node.Line
			}
		}
		out = append(out, e)
	}
	return out
}

// category reads one entry of the categories list.
func (r *reader) category(n *yaml.Node, idx int) *catEntry {
	n = resolve(n)
	e := &catEntry{node: n}
	before := len(r.errs.errs)
	what := fmt.Sprintf("category #%d", idx+1)
	if v := lookup(n, "name"); v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
		what = fmt.Sprintf("category %q", v.Value)
	}
	hasName := false
	r.fields(n, what, categoryKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "name":
			hasName = true
			if s, ok := r.text(v, "name of "+what); ok {
				if !kebabRE.MatchString(s) || len(s) > 40 {
					r.errs.at(v, "category name %q must be lowercase kebab-case of at most 40 characters, like \"hot-wallets\"", s)
				}
				e.name = s
			}
		case "description":
			if s, ok := r.text(v, "description of "+what); ok {
				e.description = &s
			}
		case "paths":
			e.paths = r.patterns(v, "paths of "+what)
			if e.paths != nil && len(*e.paths) == 0 {
				r.errs.at(v, "paths of %s must not be empty (to drop an inherited category, write disabled: true)", what)
			}
		case "exclude":
			e.exclude = r.patterns(v, "exclude of "+what)
		case "approvals":
			if a, ok := r.integer(v, "approvals of "+what); ok {
				if a < 0 || a > maxApprovals {
					r.errs.at(v, "approvals of %s must be between 0 and %d, got %d", what, maxApprovals, a)
				}
				e.approvals = &a
			}
		case "teams":
			e.teams = r.teams(v, "teams of "+what)
		case "severity":
			e.severity = r.severity(v, "severity of "+what)
		case "disabled":
			e.disabled, _ = r.boolean(v, "disabled of "+what)
		}
	})
	if !hasName && n != nil && n.Kind == yaml.MappingNode {
		r.errs.at(n, "%s has no name", what)
	}
	e.bad = len(r.errs.errs) > before
	return e
}

// lookup returns the value of key in mapping n, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// patterns reads a list of glob patterns; nil when the list is invalid.
func (r *reader) patterns(n *yaml.Node, what string) *[]string {
	before := len(r.errs.errs)
	l := r.globList(n, what, false)
	if len(r.errs.errs) > before {
		return nil
	}
	return &l.vals
}

// teams reads a list of GitHub teams, dropping a leading "@".
func (r *reader) teams(n *yaml.Node, what string) *[]string {
	vals, nodes, ok := r.strs(n, what)
	if !ok {
		return nil
	}
	var out []string
	for i, t := range vals {
		if !teamRE.MatchString(t) {
			r.errs.at(nodes[i], "invalid team %q in %s: want \"slug\" or \"org/slug\" (a slug has lowercase letters, digits, '-' and '_')", t, what)
			ok = false
			continue
		}
		if t[0] == '@' {
			t = t[1:]
		}
		out = append(out, t)
	}
	if !ok {
		return nil
	}
	return &out
}

// severity reads a severity name.
func (r *reader) severity(n *yaml.Node, what string) *guard.Severity {
	s, ok := r.text(n, what)
	if !ok {
		return nil
	}
	sev, err := guard.ParseSeverity(s)
	if err != nil {
		r.errs.at(n, "%s must be one of %s, got %q", what, strings.Join(guard.SeverityNames(), ", "), s)
		return nil
	}
	return &sev
}
