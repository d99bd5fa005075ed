package configs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
	"gopkg.in/yaml.v3"
)

var detectorKeys = []string{"disabled", "severity", "settings"}

// detEntry is one entry under detectors. A nil field was not set.
type detEntry struct {
	name     string
	disabled *bool
	severity *guard.Severity
	settings map[string]any
}

// knownDetectors indexes detectors by name; nil for a nil slice.
func knownDetectors(ds []*guard.Detector) map[string]*guard.Detector {
	if ds == nil {
		return nil
	}
	m := make(map[string]*guard.Detector, len(ds))
	for _, d := range ds {
		if d != nil {
			m[d.Name] = d
		}
	}
	return m
}

// detectors reads the detectors mapping.
func (r *reader) detectors(n *yaml.Node) []*detEntry {
	if isNull(n) {
		return nil
	}
	var out []*detEntry
	r.fields(n, "detectors", nil, func(name string, k, v *yaml.Node) {
		var d *guard.Detector
		if r.known != nil {
			if d = r.known[name]; d == nil {
				names := slices.Sorted(maps.Keys(r.known))
				list := strings.Join(names, ", ")
				if list == "" {
					list = "none"
				}
				r.errs.at(k, "unknown detector %q (%sknown detectors: %s)", name, suggest(name, names), list)
				return
			}
		}
		out = append(out, r.detector(name, v, d))
	})
	return out
}

// detector reads the entry of one detector; d is nil when detectors are
// not checked.
func (r *reader) detector(name string, n *yaml.Node, d *guard.Detector) *detEntry {
	e := &detEntry{name: name}
	what := fmt.Sprintf("detector %q", name)
	r.fields(n, what, detectorKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "disabled":
			if b, ok := r.boolean(v, "disabled of "+what); ok {
				e.disabled = &b
			}
		case "severity":
			e.severity = r.severity(v, "severity of "+what)
		case "settings":
			e.settings = r.settings(v, name, d)
		}
	})
	return e
}

// settings reads the settings of a detector, checking keys and types
// against its defaults (Detector.SettingDefaults) when d is not nil.
func (r *reader) settings(n *yaml.Node, name string, d *guard.Detector) map[string]any {
	if isNull(n) {
		return nil
	}
	var allowed []string
	var defaults map[string]any
	if d != nil {
		defaults = d.SettingDefaults()
		allowed = slices.Sorted(maps.Keys(defaults))
		if allowed == nil {
			allowed = []string{}
		}
	}
	out := map[string]any{}
	r.fields(n, fmt.Sprintf("settings of detector %q", name), allowed, func(key string, _, v *yaml.Node) {
		what := fmt.Sprintf("setting %q of detector %q", key, name)
		var def any
		if d != nil {
			def = defaults[key]
		} else {
			def = inferred(v)
		}
		if val, ok := r.settingValue(v, what, def); ok {
			out[key] = val
		}
	})
	return out
}

// inferred returns a zero value of the type a setting's YAML value has,
// for policies read without known detectors.
func inferred(n *yaml.Node) any {
	n = resolve(n)
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return []string(nil)
	case n.Kind != yaml.ScalarNode:
		return nil
	}
	switch n.ShortTag() {
	case "!!int":
		return 0
	case "!!float":
		return 0.0
	case "!!bool":
		return false
	case "!!str":
		return ""
	}
	return nil
}

// settingValue decodes a setting to the type of its default.
func (r *reader) settingValue(n *yaml.Node, what string, def any) (any, bool) {
	switch def.(type) {
	case float64:
		v, ok := r.number(n, what)
		return v, ok
	case int:
		v, ok := r.integer(n, what)
		return v, ok
	case bool:
		v, ok := r.boolean(n, what)
		return v, ok
	case string:
		v, ok := r.text(n, what)
		return v, ok
	case []string:
		vals, _, ok := r.strs(n, what)
		if vals == nil {
			vals = []string{}
		}
		return vals, ok
	case nil:
		r.errs.at(n, "%s must be a number, true or false, a string or a list of strings, got %s", what, describe(n))
	default:
		r.errs.at(n, "%s has a default of type %T, which a policy cannot set", what, def)
	}
	return nil, false
}

// mergeDetectors applies the file's detector entries and, when the known
// detectors are given, fills in every detector's default settings.
func mergeDetectors(p *guard.Policy, entries []*detEntry, known []*guard.Detector) {
	for _, e := range entries {
		dp := p.Detectors[e.name]
		if e.disabled != nil {
			dp.Disabled = *e.disabled
		}
		if e.severity != nil {
			dp.Severity = *e.severity
		}
		if len(e.settings) > 0 {
			s := cloneSettings(dp.Settings)
			if s == nil {
				s = map[string]any{}
			}
			maps.Copy(s, e.settings)
			dp.Settings = s
		}
		p.Detectors[e.name] = dp
	}
	for _, d := range known {
		if d == nil {
			continue
		}
		dp := p.Detectors[d.Name]
		s := d.SettingDefaults()
		if s == nil {
			s = map[string]any{}
		}
		maps.Copy(s, dp.Settings)
		dp.Settings = s
		p.Detectors[d.Name] = dp
	}
}
