// Package schematest validates JSON documents against a JSON schema, for
// tests. It implements the part of JSON Schema draft 4 that the SARIF
// 2.1.0 schema uses: type, properties, additionalProperties, required,
// items, minItems, uniqueItems, enum, minimum, maximum, pattern, format
// (uri, uri-reference and date-time), anyOf, oneOf, and $ref to the
// root's definitions. A schema with any other keyword is refused when
// parsed rather than half checked.
package schematest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// Schema is a parsed schema, ready to validate documents.
type Schema struct {
	root     map[string]any
	patterns map[string]*regexp.Regexp
}

// annotations are the keywords that say nothing about validity.
var annotations = map[string]bool{"$schema": true, "id": true, "title": true, "description": true, "default": true}

// checks are the keywords a schema may use.
var checks = map[string]bool{
	"type": true, "properties": true, "additionalProperties": true, "required": true, "items": true,
	"minItems": true, "uniqueItems": true, "enum": true, "minimum": true, "maximum": true, "pattern": true,
	"format": true, "anyOf": true, "oneOf": true, "$ref": true, "definitions": true,
}

// formats are the values of "format" it checks.
var formats = map[string]bool{"uri": true, "uri-reference": true, "date-time": true}

// Load reads and parses the schema in file.
func Load(file string) (*Schema, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// Parse parses a schema, refusing keywords, formats and references it
// does not implement and patterns that do not compile.
func Parse(data []byte) (*Schema, error) {
	root, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema: not an object")
	}
	s := &Schema{root: obj, patterns: map[string]*regexp.Regexp{}}
	if err := s.compile(obj, "#"); err != nil {
		return nil, err
	}
	return s, nil
}

// decode reads one JSON value, numbers kept as json.Number.
func decode(data []byte) (v any, err error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

// compile checks the schema at ptr and the schemas in it.
func (s *Schema) compile(sch map[string]any, ptr string) error {
	for k, v := range sch {
		if annotations[k] {
			continue
		}
		if !checks[k] {
			return fmt.Errorf("schema %s: keyword %q is not implemented", ptr, k)
		}
		if err := s.compileKeyword(k, v, ptr+"/"+k); err != nil {
			return err
		}
	}
	return nil
}

func (s *Schema) compileKeyword(k string, v any, ptr string) error {
	switch k {
	case "properties", "definitions":
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("schema %s: want an object", ptr)
		}
		for name, sub := range m {
			if err := s.compileSub(sub, ptr+"/"+name); err != nil {
				return err
			}
		}
	case "items":
		return s.compileSub(v, ptr)
	case "additionalProperties":
		if _, ok := v.(bool); ok {
			return nil
		}
		return s.compileSub(v, ptr)
	case "anyOf", "oneOf":
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return fmt.Errorf("schema %s: want a non-empty array", ptr)
		}
		for i, sub := range list {
			if err := s.compileSub(sub, ptr+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	case "pattern":
		re, err := regexp.Compile(fmt.Sprint(v))
		if err != nil {
			return fmt.Errorf("schema %s: %w", ptr, err)
		}
		s.patterns[fmt.Sprint(v)] = re
	case "format":
		if !formats[fmt.Sprint(v)] {
			return fmt.Errorf("schema %s: format %q is not implemented", ptr, v)
		}
	case "$ref":
		if _, err := s.resolve(fmt.Sprint(v)); err != nil {
			return fmt.Errorf("schema %s: %w", ptr, err)
		}
	}
	return nil
}

func (s *Schema) compileSub(v any, ptr string) error {
	sub, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("schema %s: want a schema object", ptr)
	}
	return s.compile(sub, ptr)
}

// resolve finds the schema a reference names: "#/definitions/NAME".
func (s *Schema) resolve(ref string) (map[string]any, error) {
	name, ok := strings.CutPrefix(ref, "#/definitions/")
	if !ok {
		return nil, fmt.Errorf("reference %q: only #/definitions/NAME is implemented", ref)
	}
	defs, _ := s.root["definitions"].(map[string]any)
	def, ok := defs[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("reference %q: no such definition", ref)
	}
	return def, nil
}
