package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/repoguard/repoguard/guard"
	"gopkg.in/yaml.v3"
)

// MaxPolicySize is the largest policy file accepted, in bytes.
const MaxPolicySize = 1 << 20

// The values of the top-level extends key.
const (
	ExtendsDefault = "default"
	ExtendsNone    = "none"
)

var topKeys = []string{"version", "extends", "categories", "assets", "ignore", "thresholds", "detectors"}

// ParsePolicy reads a repository's policy file and returns the effective
// policy: the file merged over the built-in defaults (see the package
// documentation for the rules). file names the source in error messages.
// Empty data yields the defaults.
//
// detectors are the known detectors: an entry under detectors that names
// none of them, a setting they do not declare or a value of the wrong type
// is an error, and the effective policy holds, for every known detector,
// its full settings (defaults with the file's overrides). A nil slice
// turns that checking off and keeps only the settings the file sets.
//
// Every problem found is reported, as Errors, each with file:line:column.
func ParsePolicy(file string, data []byte, detectors []*guard.Detector) (*guard.Policy, error) {
	return parse(file, data, detectors, false)
}

// LoadPolicy reads the policy file at path and parses it with ParsePolicy.
func LoadPolicy(path string, detectors []*guard.Detector) (*guard.Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPolicySize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	return ParsePolicy(path, data, detectors)
}

// parse does the work of ParsePolicy; isDefault is set for the embedded
// defaults, which cannot extend themselves.
func parse(file string, data []byte, detectors []*guard.Detector, isDefault bool) (pol *guard.Policy, err error) {
	errs := &errList{file: file}
	defer func() {
		if v := recover(); v != nil {
			pol, err = nil, Errors{{File: file, Line: 1, Column: 1, Msg: fmt.Sprintf("internal error reading the policy: %v", v)}}
		}
	}()
	if len(data) > MaxPolicySize {
		errs.atPos(1, 1, "policy file is larger than %d bytes", MaxPolicySize)
		return nil, errs.err()
	}
	root, ok := decodeYAML(errs, data)
	if !ok {
		return nil, errs.err()
	}
	r := &reader{errs: errs, known: knownDetectors(detectors)}
	l := r.layer(root)
	base := &guard.Policy{Thresholds: builtinThresholds, Detectors: map[string]guard.DetectorPolicy{}}
	switch {
	case l.extends == ExtendsDefault && isDefault:
		errs.at(l.extendsNode, "the built-in defaults must say extends: none")
	case l.extends == ExtendsDefault:
		base = DefaultPolicy()
	}
	pol = r.merge(base, l, detectors)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return pol, nil
}

// builtinThresholds are the thresholds a policy with extends: none starts
// from.
var builtinThresholds = guard.Thresholds{Review: 40, Block: guard.Critical, Queue: guard.Medium}

// decodeYAML parses data into its single document's root node, nil for an
// empty document.
func decodeYAML(errs *errList, data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		syntaxError(errs, data, err)
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			syntaxError(errs, data, err)
		} else {
			errs.at(&extra, "a policy file holds one YAML document, found a second one")
		}
		return nil, false
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, true
		}
		return doc.Content[0], true
	}
	return &doc, true
}

// layer is what one policy file says, before it is merged over its base.
type layer struct {
	extends     string
	extendsNode *yaml.Node
	categories  []*catEntry
	assets      listEntry
	ignore      listEntry
	thresholds  thresholdsEntry
	detectors   []*detEntry
}

// listEntry holds the patterns of assets or ignore with their nodes.
type listEntry struct {
	vals  []string
	nodes []*yaml.Node
}

// layer reads the top level of a policy file.
func (r *reader) layer(root *yaml.Node) *layer {
	l := &layer{extends: ExtendsDefault}
	if isNull(root) {
		return l
	}
	r.fields(root, "the policy", topKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "version":
			if n, ok := r.integer(v, "version"); ok && n != 1 {
				r.errs.at(v, "unsupported version %d (this repoguard reads version 1)", n)
			}
		case "extends":
			l.extendsNode = v
			if s, ok := r.text(v, "extends"); ok {
				if s != ExtendsDefault && s != ExtendsNone {
					r.errs.at(v, "extends must be %q or %q, got %q", ExtendsDefault, ExtendsNone, s)
				} else {
					l.extends = s
				}
			}
		case "categories":
			l.categories = r.categories(v)
		case "assets":
			l.assets = r.globList(v, "assets", true)
		case "ignore":
			l.ignore = r.globList(v, "ignore", true)
		case "thresholds":
			l.thresholds = r.thresholds(v)
		case "detectors":
			l.detectors = r.detectors(v)
		}
	})
	return l
}
