package schematest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"
)

// maxErrors is how many violations Validate reports at most.
const maxErrors = 20

// Validate checks a JSON document against the schema and returns its
// violations, each naming where it is ("/runs/0/results/3/locations:
// ..."); none when it is valid.
func (s *Schema) Validate(doc []byte) []error {
	v, err := decode(doc)
	if err != nil {
		return []error{fmt.Errorf("document: %w", err)}
	}
	var errs []error
	s.validate(s.root, v, "", &errs)
	return errs
}

// validate appends to errs what is wrong with v (at ptr) under sch.
func (s *Schema) validate(sch map[string]any, v any, ptr string, errs *[]error) {
	fail := func(format string, args ...any) {
		if len(*errs) < maxErrors {
			*errs = append(*errs, fmt.Errorf("%s: %s", orRoot(ptr), fmt.Sprintf(format, args...)))
		}
	}
	if ref, ok := sch["$ref"].(string); ok {
		def, err := s.resolve(ref)
		if err != nil {
			fail("%v", err)
			return
		}
		s.validate(def, v, ptr, errs)
	}
	if t, ok := sch["type"]; ok && !hasType(t, v) {
		fail("%s, want type %v", kind(v), t)
		return
	}
	if e, ok := sch["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return equal(x, v) }) {
		fail("%s is not one of %v", short(v), e)
	}
	s.validateAlternatives(sch, v, ptr, fail)
	switch v := v.(type) {
	case map[string]any:
		s.validateObject(sch, v, ptr, errs, fail)
	case []any:
		s.validateArray(sch, v, ptr, errs, fail)
	case string:
		s.validateString(sch, v, fail)
	case json.Number:
		validateNumber(sch, v, fail)
	}
}

// validateAlternatives checks anyOf (one at least must hold) and oneOf
// (exactly one).
func (s *Schema) validateAlternatives(sch map[string]any, v any, ptr string, fail func(string, ...any)) {
	for _, k := range []string{"anyOf", "oneOf"} {
		alts, ok := sch[k].([]any)
		if !ok {
			continue
		}
		n := 0
		for _, a := range alts {
			var sub []error
			s.validate(a.(map[string]any), v, ptr, &sub)
			if len(sub) == 0 {
				n++
			}
		}
		if n == 0 || k == "oneOf" && n > 1 {
			fail("%d of the %d schemas of %s hold", n, len(alts), k)
		}
	}
}

func (s *Schema) validateObject(sch, v map[string]any, ptr string, errs *[]error, fail func(string, ...any)) {
	props, _ := sch["properties"].(map[string]any)
	if req, ok := sch["required"].([]any); ok {
		for _, r := range req {
			if _, ok := v[r.(string)]; !ok {
				fail("lacks the required property %q", r)
			}
		}
	}
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		at := ptr + "/" + name
		if p, ok := props[name].(map[string]any); ok {
			s.validate(p, v[name], at, errs)
			continue
		}
		switch ap := sch["additionalProperties"].(type) {
		case bool:
			if !ap {
				fail("property %q is not allowed", name)
			}
		case map[string]any:
			s.validate(ap, v[name], at, errs)
		}
	}
}

func (s *Schema) validateArray(sch map[string]any, v []any, ptr string, errs *[]error, fail func(string, ...any)) {
	if min, ok := sch["minItems"].(json.Number); ok {
		if n, _ := min.Int64(); int64(len(v)) < n {
			fail("%d items, want at least %d", len(v), n)
		}
	}
	if u, _ := sch["uniqueItems"].(bool); u {
		for i := range v {
			for j := i + 1; j < len(v); j++ {
				if equal(v[i], v[j]) {
					fail("items %d and %d are equal, want unique items", i, j)
				}
			}
		}
	}
	if items, ok := sch["items"].(map[string]any); ok {
		for i, it := range v {
			s.validate(items, it, ptr+"/"+strconv.Itoa(i), errs)
		}
	}
}

func (s *Schema) validateString(sch map[string]any, v string, fail func(string, ...any)) {
	if p, ok := sch["pattern"].(string); ok && !s.patterns[p].MatchString(v) {
		fail("%q does not match %q", v, p)
	}
	f, _ := sch["format"].(string)
	u, err := url.Parse(v)
	switch {
	case f == "uri" && (err != nil || !u.IsAbs()):
		fail("%q is not an absolute URI", v)
	case f == "uri-reference" && err != nil:
		fail("%q is not a URI reference: %v", v, err)
	case f == "date-time":
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			fail("%q is not an RFC 3339 date-time", v)
		}
	}
}

func validateNumber(sch map[string]any, v json.Number, fail func(string, ...any)) {
	x, _ := new(big.Float).SetString(v.String())
	if min, ok := sch["minimum"].(json.Number); ok {
		if m, _ := new(big.Float).SetString(min.String()); x.Cmp(m) < 0 {
			fail("%s is under the minimum %s", v, min)
		}
	}
	if max, ok := sch["maximum"].(json.Number); ok {
		if m, _ := new(big.Float).SetString(max.String()); x.Cmp(m) > 0 {
			fail("%s is over the maximum %s", v, max)
		}
	}
}

// hasType reports whether v is of the type t names (a name or a list).
func hasType(t, v any) bool {
	if list, ok := t.([]any); ok {
		return slices.ContainsFunc(list, func(n any) bool { return hasType(n, v) })
	}
	k := kind(v)
	return t == k || t == "number" && k == "integer"
}

// kind is the JSON type of a decoded value.
func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if x, ok := new(big.Float).SetString(v.String()); ok && x.IsInt() {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// equal compares two decoded JSON values, numbers by value (1 and 1.0
// are equal), as JSON Schema does.
func equal(a, b any) bool {
	switch a := a.(type) {
	case json.Number:
		b, ok := b.(json.Number)
		x, okX := new(big.Float).SetString(a.String())
		y, okY := new(big.Float).SetString(b.String())
		return ok && okX && okY && x.Cmp(y) == 0
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equal)
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}
