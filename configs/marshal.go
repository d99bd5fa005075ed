package configs

import (
	"bytes"
	"fmt"

	"github.com/repoguard/repoguard/guard"
	"gopkg.in/yaml.v3"
)

// policyFile is the layout MarshalPolicy writes: a complete policy that
// extends nothing, so that it reads back as exactly the same policy.
type policyFile struct {
	Version    int                             `yaml:"version"`
	Extends    string                          `yaml:"extends"`
	Categories []guard.Category                `yaml:"categories"`
	Assets     []string                        `yaml:"assets"`
	Ignore     []string                        `yaml:"ignore"`
	Thresholds guard.Thresholds                `yaml:"thresholds"`
	Detectors  map[string]guard.DetectorPolicy `yaml:"detectors"`
}

// MarshalPolicy renders an effective policy as a self-contained policy
// file (version 1, extends: none). ParsePolicy reads the output back as an
// equal policy.
func MarshalPolicy(p *guard.Policy) ([]byte, error) {
	if p == nil {
		return nil, fmt.Errorf("marshal policy: nil policy")
	}
	f := policyFile{
		Version:    1,
		Extends:    ExtendsNone,
		Categories: p.Categories,
		Assets:     p.Assets,
		Ignore:     p.Ignore,
		Thresholds: p.Thresholds,
		Detectors:  p.Detectors,
	}
	if f.Categories == nil {
		f.Categories = []guard.Category{}
	}
	if f.Assets == nil {
		f.Assets = []string{}
	}
	if f.Ignore == nil {
		f.Ignore = []string{}
	}
	if f.Detectors == nil {
		f.Detectors = map[string]guard.DetectorPolicy{}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&f); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal policy: %w", err)
	}
	return buf.Bytes(), nil
}
