package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// attackClass is one kind of known-bad commit.
type attackClass struct {
	name     string
	who      whoKind
	incident string // the real incident whose shape it follows
	summary  string
	build    func(b *buildCtx) (*attack, error)
}

// change is one file a planted commit writes.
type change struct {
	path string
	mode string // 100644, 100755 or 160000 (then data is the commit hash)
	data []byte
	base string // the blob the change replaces, "" for a new file
}

// attack is a planted commit's content and the parts of its subject.
type attack struct {
	changes          []change
	typ, scope, text string // conventional type, scope and description
	desc             string // for the labels file
}

// skipError says that a class has no place at a point (or at all).
type skipError struct{ msg string }

func (e *skipError) Error() string { return e.msg }

func skipf(format string, args ...any) error { return &skipError{fmt.Sprintf(format, args...)} }

func isSkip(err error) bool {
	var s *skipError
	return errors.As(err, &s)
}

// buildCtx is what an attack builder sees: the tree at the insertion
// point, the chosen author, and the commits planted so far.
type buildCtx struct {
	snap   *snapshot
	hist   *history
	idx    int
	who    ident
	rng    *rand.Rand
	others []*plantedCommit
	lang   string // the main language of the tree
}

// free reports whether p may be written: no other planted commit writes
// the same path over the same blob (the later one would silently undo the
// earlier one's edit).
func (b *buildCtx) free(p string) bool {
	base := b.snap.byPath[p].Hash
	for _, o := range b.others {
		for _, c := range o.att.changes {
			if c.path == p && c.base == base {
				return false
			}
		}
	}
	return true
}

// freeName returns a new file's path dir/name, name made by mk, that
// neither the tree nor another planted commit holds: a second commit
// adding the same file would change nothing.
func (b *buildCtx) freeName(dir string, mk func(*rand.Rand) string) (string, error) {
	return b.snap.freeName(dir, b.rng, mk, b.free)
}

// edit rewrites an existing file with f.
func (b *buildCtx) edit(p string, f func(string) (string, error)) (change, error) {
	e, ok := b.snap.byPath[p]
	if !ok {
		return change{}, fmt.Errorf("%s: no such file", p)
	}
	if !b.free(p) {
		return change{}, skipf("%s is already changed by another planted commit", p)
	}
	old, err := b.snap.read(p)
	if err != nil {
		return change{}, err
	}
	upd, err := f(old)
	if err != nil {
		return change{}, err
	}
	if upd == old {
		return change{}, skipf("%s: the edit changes nothing", p)
	}
	return change{path: p, mode: e.Mode, data: []byte(upd), base: e.Hash}, nil
}

// firstEdit tries f on each of paths in a random order and returns the
// first edit that works.
func (b *buildCtx) firstEdit(paths []string, f func(p, old string) (string, error)) (change, error) {
	shuffled := append([]string(nil), paths...)
	b.rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return b.orderedEdit(shuffled, f)
}

// orderedEdit tries f on each of paths in order (the first 40) and
// returns the first edit that works.
func (b *buildCtx) orderedEdit(paths []string, f func(p, old string) (string, error)) (change, error) {
	var last error = skipf("no file to change")
	for _, p := range paths[:min(len(paths), 40)] {
		c, err := b.edit(p, func(old string) (string, error) { return f(p, old) })
		if err == nil {
			return c, nil
		}
		if !isSkip(err) {
			return c, err
		}
		last = err
	}
	return change{}, last
}

// appendText adds text (whole lines) at the end of a file's content.
func appendText(old, text string) string {
	if old != "" && !strings.HasSuffix(old, "\n") {
		old += "\n"
	}
	return old + text
}

// add writes a new file.
func (b *buildCtx) add(p, mode string, data []byte) change {
	return change{path: p, mode: mode, data: data}
}

// classes lists every attack class, in the order of the report.
var classes = []*attackClass{
	{name: "dep-new-author", who: whoNew, incident: "event-stream 2018", build: buildDepNew,
		summary: "a new author adds a dependency to the repository's manifest"},
	{name: "dep-returning-author", who: whoReturning, incident: "event-stream 2018, ua-parser-js 2021", build: buildDepReturning,
		summary: "an author back after 180+ days points a dependency at a fork or widens its range"},
	{name: "key-in-deploy", who: whoActive, incident: "keys committed to repositories: Uber 2016, Toyota T-Connect 2022", build: buildKeyInDeploy,
		summary: "a private key committed to the deploy or config area"},
	{name: "obfuscated-payload", who: whoActive, incident: "event-stream 2018 (encrypted payload), ctx/phpass 2022", build: buildObfuscated,
		summary: "an encoded payload decoded and run from a real source file"},
	{name: "ci-pull-request-target", who: whoActive, incident: "ultralytics 2024 and other pwn requests", build: buildCIPRT,
		summary: "an existing workflow switched to pull_request_target with a checkout of the PR head"},
	{name: "ci-exfiltration", who: whoActive, incident: "codecov 2021", build: buildCIExfil,
		summary: "a CI step that sends the environment to a remote host"},
	{name: "xz-fixture-build", who: whoActive, incident: "xz-utils 2024", build: buildXZFixture,
		summary: "a binary test fixture plus a build-script edit that reads it"},
	{name: "unused-binary-fixture", who: whoActive, incident: "xz-utils 2024 (bad-3-corrupt_lzma2.xz)", build: buildUnusedBinary,
		summary: "a binary in a test-fixture folder that nothing refers to"},
	{name: "probe-sabotage", who: whoActive, incident: "xz-utils 2024 (the Landlock probe)", build: buildProbeSabotage,
		summary: "a build-time probe for a hardening or sandbox feature made to fail"},
	{name: "ignore-build-inputs", who: whoActive, incident: "xz-utils 2024 (build-to-host.m4 only in the tarball)", build: buildIgnoreBuild,
		summary: "an ignore rule that hides build or deploy files"},
	{name: "infinite-loop", who: whoActive, incident: "colors.js/faker.js 2022", build: buildInfiniteLoop,
		summary: "library code that loops forever"},
	{name: "geo-wipe", who: whoActive, incident: "node-ipc 2022", build: buildGeoWipe,
		summary: "library code that overwrites the user's files on machines of some locales or countries"},
	{name: "key-exfiltration", who: whoActive, incident: "Slope wallet 2022, Ledger connect-kit 2023", build: buildKeyExfil,
		summary: "key-handling code that sends data to a new network endpoint"},
	{name: "signing-3am-new-tz", who: whoNew3am, incident: "account takeover of a new contributor (behaviour class)", build: buildSigning,
		summary: "a first-time author changes signing code at 3 a.m. in a new time zone"},
	{name: "dormant-core", who: whoDormantOdd, incident: "dormant maintainer accounts taken over (behaviour class)", build: buildDormantCore,
		summary: "a maintainer silent for 180+ days changes core code at an hour they never used"},
}

// selectClasses returns the classes named in list ("" for all).
func selectClasses(list string) ([]*attackClass, error) {
	if strings.TrimSpace(list) == "" {
		return classes, nil
	}
	byName := map[string]*attackClass{}
	var names []string
	for _, c := range classes {
		byName[c.name] = c
		names = append(names, c.name)
	}
	var out []*attackClass
	for _, n := range strings.Split(list, ",") {
		c, ok := byName[strings.TrimSpace(n)]
		if !ok {
			sort.Strings(names)
			return nil, fmt.Errorf("-classes: unknown class %q (known: %s)", n, strings.Join(names, ", "))
		}
		out = append(out, c)
	}
	return out, nil
}
