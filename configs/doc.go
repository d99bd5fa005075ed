// Package configs reads the configuration repoguard runs under, all of
// it YAML with its defaults built in:
//
//   - the policy of a repository (ParsePolicy, LoadPolicy, DefaultPolicy,
//     MarshalPolicy, NewClassifier): which paths are sensitive, what a
//     change to them needs before merge, which paths hold binary assets
//     or are ignored, the decision thresholds, and per-detector settings.
//     Every section below but the last two is about the policy;
//   - the configuration of the `repoguard serve` server (Server,
//     LoadServer, ServerEnv): see Server configuration;
//   - the GitHub App manifest that registers the App (NewAppManifest):
//     see App manifest.
//
// The policy belongs to a repository and is read for each evaluation (for
// a pull request, from its base branch); the server configuration and the
// manifest belong to an installation of the server and are read once.
// They share this package as what an admin writes; the server's
// configuration names no policy.
//
// # Policy sources
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
//     The keys and types a detector's settings take are those of its
//     Settings struct (guard.Detector.SettingDefaults); the effective
//     policy holds every setting of every known detector.
//
// A path in a sensitive category is never ignored.
//
// # Errors
//
// Unknown keys, wrong types, bad globs, severities, teams and out-of-range
// numbers are all reported at once, as Errors: one PolicyError per
// problem, each rendered "file:line:column: message".
//
// # Server configuration
//
// LoadServer reads the server's optional YAML file (its keys are the yaml
// tags of Server; an unknown key is an error naming the line), then
// applies the environment: each REPOGUARD_* variable of ServerEnv
// overrides one setting, so that a container needs no file at all. Unset
// settings take DefaultServer's values (the data directory
// DefaultDataDir's, the same as the command line's), and Validate reports
// the first invalid one, naming the setting or the variable: among them
// half an App (its id, private key and webhook secret go together) or
// half a sign-in, and a public URL that is not https (CheckPublicURL).
// Secrets come from the environment or from files the configuration
// names (Secret, ClientSecretValue) and are never logged: Server's
// LogValue leaves them out.
//
// The App that the server's setup page registered is stored in the data
// directory (SaveApp, StoredAppDir): LoadServer takes it when the
// configuration names no App (UseStoredApp).
//
// # App manifest
//
// NewAppManifest builds the manifest of the GitHub App for a server at a
// public URL: its webhook URL, the setup page's redirect and setup URLs,
// the sign-in callback, and the least permissions and events the App
// needs. The setup page posts it to GitHub; `repoguard app manifest`
// prints it.
package configs
