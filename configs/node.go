package configs

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"gopkg.in/yaml.v3"
)

// maxListLen bounds every list in a policy file.
const maxListLen = 1000

// reader walks the yaml.Node tree of one policy file and records every
// problem it meets instead of stopping at the first.
type reader struct {
	errs *errList
	// known are the detectors by name; nil turns detector checks off.
	known map[string]*guard.Detector
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 32; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names what a node holds, for "got ..." in messages.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return fmt.Sprintf("%q", v)
	}
	return "an alias"
}

// fields calls fn for each key of mapping n, in order, after checking that
// the key is a string, is not repeated and is one of allowed (any key when
// allowed is nil). what names the mapping in messages ("category
// \"keys\""). It returns false when n is not a mapping.
func (r *reader) fields(n *yaml.Node, what string, allowed []string, fn func(key string, k, v *yaml.Node)) bool {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		keys := ""
		if len(allowed) > 0 {
			keys = " with keys " + strings.Join(allowed, ", ")
		}
		r.errs.at(n, "%s must be a mapping%s, got %s", what, keys, describe(n))
		return false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			r.errs.at(k, "keys of %s must be strings, got %s", what, describe(k))
			continue
		}
		key := k.Value
		if line, dup := seen[key]; dup {
			r.errs.at(k, "duplicate key %q in %s (first at line %d)", key, what, line)
			continue
		}
		seen[key] = k.Line
		if allowed != nil && !slices.Contains(allowed, key) {
			if key == "<<" && k.ShortTag() == "!!merge" {
				r.errs.at(k, "YAML merge keys (<<) are not supported in %s: repeat the keys, or use an alias (*name) for a whole value", what)
			} else if len(allowed) == 0 {
				r.errs.at(k, "unknown key %q in %s (it takes no keys)", key, what)
			} else {
				r.errs.at(k, "unknown key %q in %s (%sexpected one of: %s)", key, what, suggest(key, allowed), strings.Join(allowed, ", "))
			}
			continue
		}
		fn(key, k, v)
	}
	return true
}

// text returns the value of a scalar (any tag but null).
func (r *reader) text(n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if isNull(n) || n.Kind != yaml.ScalarNode {
		r.errs.at(n, "%s must be a string, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// integer decodes an !!int scalar.
func (r *reader) integer(n *yaml.Node, what string) (int, bool) {
	n = resolve(n)
	var v int
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		r.errs.at(n, "%s must be an integer, got %s", what, describe(n))
		return 0, false
	}
	return v, true
}

// number decodes an !!int or !!float scalar that is finite.
func (r *reader) number(n *yaml.Node, what string) (float64, bool) {
	n = resolve(n)
	var v float64
	if n == nil || n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") ||
		n.Decode(&v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		r.errs.at(n, "%s must be a number, got %s", what, describe(n))
		return 0, false
	}
	return v, true
}

// boolean decodes a !!bool scalar.
func (r *reader) boolean(n *yaml.Node, what string) (bool, bool) {
	n = resolve(n)
	var v bool
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		r.errs.at(n, "%s must be true or false, got %s", what, describe(n))
		return false, false
	}
	return v, true
}

// strs decodes a list of strings; null is an empty list. It returns the
// values and their nodes, for positions.
func (r *reader) strs(n *yaml.Node, what string) ([]string, []*yaml.Node, bool) {
	n = resolve(n)
	if isNull(n) {
		return nil, nil, true
	}
	if n.Kind != yaml.SequenceNode {
		r.errs.at(n, "%s must be a list of strings, got %s", what, describe(n))
		return nil, nil, false
	}
	if len(n.Content) > maxListLen {
		r.errs.at(n, "%s has %d entries (at most %d allowed)", what, len(n.Content), maxListLen)
		return nil, nil, false
	}
	vals := make([]string, 0, len(n.Content))
	nodes := make([]*yaml.Node, 0, len(n.Content))
	ok := true
	for _, item := range n.Content {
		item = resolve(item)
		if isNull(item) || item.Kind != yaml.ScalarNode {
			r.errs.at(item, "entries of %s must be strings, got %s", what, describe(item))
			ok = false
			continue
		}
		vals = append(vals, item.Value)
		nodes = append(nodes, item)
	}
	return vals, nodes, ok
}

// suggest returns `did you mean "x"? ` for the closest candidate within a
// small edit distance, or else for the one candidate that extends s or
// that s extends, or "".
func suggest(s string, candidates []string) string {
	limit := 1
	if len(s) > 4 {
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := guard.EditDistance(s, c, limit); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" && len(s) >= 4 {
		for _, c := range candidates {
			if strings.HasPrefix(c, s) || strings.HasPrefix(s, c) {
				if best != "" {
					return ""
				}
				best = c
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("did you mean %q? ", best)
}
