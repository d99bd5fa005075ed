package schematest

import (
	"os"
	"strings"
	"testing"
)

const testSchema = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["version", "runs"],
  "properties": {
    "version": {"enum": ["2.1.0"]},
    "runs": {"type": ["array", "null"], "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/definitions/run"}},
    "uri": {"type": "string", "format": "uri"},
    "ref": {"type": "string", "format": "uri-reference"},
    "when": {"type": "string", "format": "date-time"},
    "lang": {"type": "string", "pattern": "^[a-z]{2}$"},
    "bag": {"type": "object", "additionalProperties": {"type": "integer"}}
  },
  "definitions": {
    "run": {
      "type": "object",
      "properties": {"line": {"type": "integer", "minimum": 1, "maximum": 10}, "ratio": {"type": "number"}},
      "anyOf": [{"required": ["line"]}, {"required": ["ratio"]}],
      "oneOf": [{"required": ["line"]}, {"required": ["index"]}]
    }
  }
}`

func TestValidate(t *testing.T) {
	s, err := Parse([]byte(testSchema))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, doc, want string // want: "" when valid, else a part of the first error
	}{
		{"valid", `{"version": "2.1.0", "runs": [{"line": 3}]}`, ""},
		{"null allowed by a type list", `{"version": "2.1.0", "runs": null}`, ""},
		{"all formats", `{"version": "2.1.0", "runs": [{"line": 1}], "uri": "file:///a/", "ref": "src/a.go",
			"when": "2026-01-02T03:04:05Z", "lang": "en", "bag": {"a": 1}}`, ""},
		{"missing required", `{"runs": [{"line": 3}]}`, `/: lacks the required property "version"`},
		{"not in enum", `{"version": "2.0.0", "runs": [{"line": 3}]}`, `/version: "2.0.0" is not one of`},
		{"extra property", `{"version": "2.1.0", "runs": [{"line": 3}], "extra": 1}`, `property "extra" is not allowed`},
		{"wrong type", `{"version": "2.1.0", "runs": {}}`, "/runs: object, want type"},
		{"too few items", `{"version": "2.1.0", "runs": []}`, "0 items, want at least 1"},
		{"repeated items", `{"version": "2.1.0", "runs": [{"line": 2}, {"line": 2.0}]}`, "want unique items"},
		{"not an integer", `{"version": "2.1.0", "runs": [{"line": 1.5}]}`, "/runs/0/line: number, want type integer"},
		{"under the minimum", `{"version": "2.1.0", "runs": [{"line": 0}]}`, "/runs/0/line: 0 is under the minimum 1"},
		{"over the maximum", `{"version": "2.1.0", "runs": [{"line": 11}]}`, "over the maximum 10"},
		{"anyOf: none holds", `{"version": "2.1.0", "runs": [{"index": 1}]}`, "0 of the 2 schemas of anyOf hold"},
		{"oneOf: two hold", `{"version": "2.1.0", "runs": [{"line": 1, "index": 1}]}`, "2 of the 2 schemas of oneOf hold"},
		{"relative uri", `{"version": "2.1.0", "runs": [{"line": 1}], "uri": "src/a.go"}`, "not an absolute URI"},
		{"bad uri reference", `{"version": "2.1.0", "runs": [{"line": 1}], "ref": "%zz"}`, "not a URI reference"},
		{"bad date-time", `{"version": "2.1.0", "runs": [{"line": 1}], "when": "yesterday"}`, "not an RFC 3339 date-time"},
		{"pattern", `{"version": "2.1.0", "runs": [{"line": 1}], "lang": "eng"}`, `does not match "^[a-z]{2}$"`},
		{"additionalProperties schema", `{"version": "2.1.0", "runs": [{"line": 1}], "bag": {"a": "x"}}`, "/bag/a: string, want type integer"},
		{"not JSON", `{"version": `, "document:"},
		{"two values", `{} {}`, "more than one JSON value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := s.Validate([]byte(tc.doc))
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("valid document refused: %v", errs)
			case tc.want != "" && len(errs) == 0:
				t.Errorf("invalid document accepted, want %q", tc.want)
			case tc.want != "" && !strings.Contains(errs[0].Error(), tc.want):
				t.Errorf("errors %v, want the first to say %q", errs, tc.want)
			}
		})
	}
}

// TestParseRefusesWhatItDoesNotImplement: a keyword, format or reference
// it would not check is an error, not a silent pass.
func TestParseRefusesWhatItDoesNotImplement(t *testing.T) {
	for _, tc := range []struct{ schema, want string }{
		{`{"type": "object", "patternProperties": {}}`, `keyword "patternProperties" is not implemented`},
		{`{"properties": {"a": {"allOf": [{}]}}}`, `#/properties/a: keyword "allOf"`},
		{`{"format": "email"}`, `format "email" is not implemented`},
		{`{"$ref": "other.json#/x"}`, "only #/definitions/NAME"},
		{`{"$ref": "#/definitions/none"}`, "no such definition"},
		{`{"pattern": "("}`, "#/pattern"},
		{`[]`, "not an object"},
	} {
		if _, err := Parse([]byte(tc.schema)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.schema, err, tc.want)
		}
	}
}

func TestLoadSARIFSchema(t *testing.T) {
	if _, err := Load("../../testdata/sarif-schema-2.1.0.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load("no-such-schema.json"); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzValidate(f *testing.F) {
	s, err := Parse([]byte(testSchema))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"version": "2.1.0", "runs": [{"line": 3}]}`)
	f.Add(`{"runs": [1, [2], {"a": null}], "bag": {"x": 1e400}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		if len(s.Validate([]byte(doc))) > maxErrors {
			t.Fatalf("more than %d errors", maxErrors)
		}
	})
}
