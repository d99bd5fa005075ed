// Package configs loads repoguard's policy: which paths of a repository are
// sensitive, what a change to them needs before merge, which paths hold
// binary assets or are ignored, the decision thresholds, and per-detector
// settings. It turns a policy into a guard.Classifier.
//
// # Sources
//
// The built-in policy is embedded from default-policy.yml (DefaultPolicy,
// DefaultPolicyFile). A repository overrides it with its own file at
// guard.PolicyPath (.github/repoguard.yml), read from the base branch of a
// pull request. ParsePolicy and LoadPolicy merge that file over the
// defaults; MarshalPolicy writes an effective policy back as a
// self-contained file; examples/repoguard.yml is a commented example.
//
// # Schema (version 1)
//
//	version: 1                 # optional
//	extends: default           # or none
//	categories:
//	  - name: kebab-case       # required, unique
//	    description: text
//	    paths: [glob, ...]     # non-empty
//	    exclude: [glob, ...]
//	    approvals: 2           # 0-10 independent approvals
//	    teams: [org/slug, ...] # "slug", "org/slug" or "@org/slug"
//	    severity: high         # info, low, medium, high, critical
//	    disabled: true         # drop an inherited category
//	assets: [glob, ...]
//	ignore: [glob, ...]
//	thresholds: {review: 40, block: critical, queue: medium}
//	detectors:
//	  name: {disabled: false, severity: high, settings: {key: value}}
//
// Patterns are doublestar globs matched case-sensitively against paths
// with forward slashes; "**" must be a whole path segment, and braces
// ("**/*.{yml,yaml}") are expanded before matching.
//
// # Merge semantics
//
//   - extends: default (the default) starts from the built-in policy;
//     extends: none starts from no categories, assets, ignore or detector
//     settings, and thresholds review 40, block critical, queue medium.
//   - Categories merge by name. An entry naming an inherited category
//     replaces only the fields it sets (lists are replaced whole) and
//     keeps its place; disabled: true removes it. A new name is appended,
//     needs paths, and defaults to approvals 1 and severity medium.
//   - assets and ignore append to the inherited lists, without
//     duplicates; an entry "!glob" removes the inherited entry glob.
//   - thresholds: each field set replaces the inherited one; queue must
//     not be above block.
//   - detectors merge by name, then field by field, settings by key.
//
// A path in a sensitive category is never ignored.
//
// # Errors
//
// Unknown keys, wrong types, bad globs, severities, teams and out-of-range
// numbers are all reported at once, as Errors: one PolicyError per
// problem, each rendered "file:line:column: message".
package configs
