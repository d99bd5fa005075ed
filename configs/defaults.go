package configs

import (
	_ "embed"
	"sync"

	"github.com/repoguard/repoguard/guard"
)

//go:embed default-policy.yml
var defaultPolicyYAML []byte

var (
	defaultOnce sync.Once
	defaultVal  *guard.Policy
)

// defaultPolicy parses the embedded defaults once. They are tested: a
// problem in them is a programming error.
func defaultPolicy() *guard.Policy {
	defaultOnce.Do(func() {
		p, err := parse("default-policy.yml", defaultPolicyYAML, nil, true)
		if err != nil {
			panic("configs: the embedded default policy is invalid:\n" + err.Error())
		}
		defaultVal = p
	})
	return defaultVal
}

// DefaultPolicy returns the built-in policy that repository policies
// extend, as a fresh deep copy the caller may modify.
func DefaultPolicy() *guard.Policy { return clonePolicy(defaultPolicy()) }

// DefaultPolicyFile returns the commented YAML source of the built-in
// policy, a starting point for a repository's own file.
func DefaultPolicyFile() []byte { return append([]byte(nil), defaultPolicyYAML...) }
