package dependencychange_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/detectors/dependencychange"
	"github.com/repoguard/repoguard/detectors/detectortest"
	"github.com/repoguard/repoguard/guard"
)

func TestChanges(t *testing.T) {
	tests := []struct {
		name, path     string
		status         guard.FileStatus
		deleted, added string
		want           []string // "kind name spec (old) source"
	}{
		{"npm: added, from git, widened, bumped", "package.json", guard.Modified,
			`
    "a": "1.2.3",
    "b": "^2.0.0",
    "c": "^3.0.0"`, `
    "a": "^1.2.3",
    "b": "^2.1.0",
    "c": "github:someone/c#abc1234",
    "flatmap-stream": "^0.1.1"`,
			[]string{"widens a ^1.2.3 (1.2.3) ", "repoints c github:someone/c#abc1234 (^3.0.0) a git repository",
				"adds flatmap-stream ^0.1.1 () "}},
		{"npm: a new manifest with an install script", "web/package.json", guard.Added, "", `{
  "name": "web",
  "scripts": {
    "postinstall": "node setup.js"
  },
  "dependencies": {
    "left-pad": "1.3.0"
  }
}`,
			[]string{"adds left-pad 1.3.0 ()  [dependencies]", "sets the install script postinstall node setup.js () "}},
		{"go.mod: a require, an indirect one, a replace", "go.mod", guard.Modified, "", `
require github.com/some-dev/go-hexmap v0.3.1
require github.com/kr/text v0.2.0 // indirect
replace golang.org/x/crypto => github.com/some-dev/crypto v0.1.0`,
			[]string{"adds github.com/some-dev/go-hexmap v0.3.1 () ",
				"repoints golang.org/x/crypto github.com/some-dev/crypto v0.1.0 () a fork"}},
		{"go.mod: a version bump is none", "go.mod", guard.Modified,
			"\tgithub.com/go-git/go-git/v5 v5.12.0", "\tgithub.com/go-git/go-git/v5 v5.13.0", nil},
		{"submodule moved and added", ".gitmodules", guard.Modified, `
[submodule "lib/forge-std"]
	url = https://github.com/foundry-rs/forge-std`, `
[submodule "lib/forge-std"]
	url = https://github.com/f0undry-rs/forge-std
[submodule "lib/solmate"]
	url = https://github.com/transmissions11/solmate`,
			[]string{"repoints lib/forge-std https://github.com/f0undry-rs/forge-std (https://github.com/foundry-rs/forge-std)  [submodules]",
				"adds lib/solmate https://github.com/transmissions11/solmate ()  [submodules]"}},
		{"requirements: pinned to a git commit", "requirements.txt", guard.Modified,
			"requests==2.31.0", "requests @ git+https://github.com/someone/requests@abc1234",
			[]string{"repoints requests git+https://github.com/someone/requests@abc1234 (==2.31.0) a git repository"}},
		{"registry changed", ".npmrc", guard.Modified, "registry=https://registry.npmjs.org/", "registry=https://npm.example.net/",
			[]string{"sets the registry registry https://npm.example.net/ (https://registry.npmjs.org/) "}},
		{"a repository url outside its object's header is none", "package.json", guard.Modified,
			`    "url": "https://github.com/org/core-next"`, `    "url": "https://github.com/org/v4-core"`, nil},
		{"Cargo: a workspace member, an inherited entry, a dev crate", "crates/cli/Cargo.toml", guard.Modified, "", `
[dependencies]
forge-lint = { path = "../lint" }
vergen = { workspace = true }
[dev-dependencies]
mockall = "0.12"`,
			[]string{"adds forge-lint path = ../lint () local [dependencies]", "adds vergen  () local [dependencies]",
				"adds mockall 0.12 ()  [dev-dependencies]"}},
		{"a git dependency moved to another commit, a submodule url respelt", "Cargo.toml", guard.Modified,
			`ethers = { git = "https://github.com/gakonst/ethers-rs", rev = "546ea02" }`,
			`ethers = { git = "https://github.com/gakonst/ethers-rs", rev = "73e5de2" }`, nil},
		{"a submodule url respelt", ".gitmodules", guard.Modified,
			"[submodule \"lib/guni-lev\"]\n\turl = https://github.com/hexonaut/guni-lev/",
			"[submodule \"lib/guni-lev\"]\n\turl = https://github.com/hexonaut/guni-lev.git", nil},
		{"a submodule url moved from https to ssh", ".gitmodules", guard.Modified,
			"[submodule \"lib/forge-std\"]\n\turl = https://github.com/foundry-rs/forge-std",
			"[submodule \"lib/forge-std\"]\n\turl = git@github.com:foundry-rs/forge-std.git", nil},
		{"from git to a registry version is no widening", "Cargo.toml", guard.Modified,
			`evm = { git = "https://github.com/rust-blockchain/evm" }`, `evm = "0.31"`, nil},
		{"npm: another commit of the same GitHub repository", "package.json", guard.Modified,
			`    "typechain": "github:rtorres/typechain#4be13b2",`, `    "typechain": "github:rtorres/typechain#5cf339c",`, nil},
		{"a lock file has none", "package-lock.json", guard.Modified, "", `    "node_modules/x": {`, nil},
		{"a deleted manifest has none", "package.json", guard.Deleted, `"a": "1.0.0"`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := guard.FileChange{Path: tt.path, Status: tt.status}
			if tt.added != "" {
				f.AddedLines = detectortest.Lines(tt.added)
			}
			if tt.deleted != "" {
				f.DeletedLines = detectortest.Lines(tt.deleted)
			}
			var got []string
			for _, c := range dependencychange.Changes(&f) {
				s := fmt.Sprintf("%s %s %s (%s) %s", c.Kind, c.Name, c.Spec, c.Old, c.Source)
				if c.Local {
					s += "local"
				}
				if c.Section != "" && c.Section != "?" {
					s += " [" + c.Section + "]"
				}
				got = append(got, s)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// FuzzChanges feeds arbitrary old and new text of each kind of manifest
// to Changes: it must not panic, every change must point at an added
// line, and a file compared with itself has none.
func FuzzChanges(f *testing.F) {
	f.Add(`    "a": "1.2.3",`, `    "a": "github:o/a#abc",`)
	f.Add(`ethers = { git = "https://github.com/o/e", rev = "1" }`, `ethers = { git = "https://x/e", rev = "2" }`)
	f.Add("[submodule \"a\"]\n\turl = https://x/a/", "[submodule \"a\"]\n\turl = https://x/a.git")
	f.Add("requests==2.31.0", "requests @ git+https://github.com/o/requests@abc")
	f.Add("\tx.io/a v1.0.0", "replace x.io/a => ../b")
	f.Fuzz(func(t *testing.T, old, text string) {
		added, deleted := detectortest.Lines(text), detectortest.Lines(old)
		for _, p := range []string{"package.json", "go.mod", "Cargo.toml", "requirements.txt", ".gitmodules",
			"pyproject.toml", ".npmrc"} {
			f := guard.FileChange{Path: p, Status: guard.Modified, AddedLines: added, DeletedLines: deleted}
			for _, c := range dependencychange.Changes(&f) {
				if c.Line < 1 || c.Line > len(added) || c.Kind < dependencychange.Added || c.Kind > dependencychange.Registry {
					t.Fatalf("%s: change %+v points outside the input", p, c)
				}
			}
			same := guard.FileChange{Path: p, Status: guard.Modified, AddedLines: added, DeletedLines: added}
			if cs := dependencychange.Changes(&same); len(cs) > 0 {
				t.Fatalf("%s: a file compared with itself changes %+v", p, cs)
			}
		}
	})
}
