package dependencychange

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// This file judges where packages are downloaded from: registry settings
// in registry files (.npmrc, pip.conf, .cargo/config.toml, requirements
// options, pyproject sources) and the environment variables and
// command-line options that CI, build and deploy files set (GOPROXY,
// GOSUMDB=off, GOFLAGS=-insecure, npm --registry, pip --index-url).

// registries reports registry settings a manifest or registry file
// adds or changes: high unless the value is a default registry.
func (d *depDiff) registries(added []depEntry, old map[string]*depEntry) {
	for _, e := range added {
		if o := old[e.name]; o != nil && o.spec == e.spec {
			continue
		}
		base := path.Base(d.file.Path)
		var sev guard.Severity
		var msg string
		switch k := strings.ToLower(e.name); {
		case k == "strict-ssl" || k == "trusted-host" || k == "unsafehttpwhitelist":
			sev, msg = guard.High, fmt.Sprintf("Sets %s to %s in %s, turning off TLS checks for package downloads.",
				e.name, depQuote(e.spec), base)
		case depDefaultRegistry(e.spec, d.pass.Settings().(*Settings).LockSources):
			sev, msg = guard.Low, fmt.Sprintf("Sets %s to the default registry %s in %s.", e.name, depQuote(e.spec), base)
		default:
			sev, msg = guard.High, fmt.Sprintf("Sets %s to %s in %s: packages may now come from there, and one "+
				"published under a private package's name can take its place (dependency confusion).", e.name,
				depQuote(e.spec), base)
		}
		d.report(sev, e.line.Number, msg, &e.line)
	}
}

// depDefaultRegistries are default registries not among the lock
// sources, as registry settings name them.
var depDefaultRegistries = []string{"registry.npmjs.org", "pypi.org/simple", "pypi.python.org/simple",
	"index.crates.io", "github.com/rust-lang/crates.io-index", "proxy.golang.org"}

// depDefaultRegistry reports whether a registry setting's value is a
// default registry (whatever its scheme and trailing slash).
func depDefaultRegistry(val string, sources []string) bool {
	v := depBareURL(val)
	if v == "" {
		return false
	}
	for _, s := range append(sources, depDefaultRegistries...) {
		if b := depBareURL(s); b != "" && (v == b || strings.HasPrefix(v, b+"/")) {
			return true
		}
	}
	return false
}

// depBareURL strips a URL's registry+/sparse+ prefix, scheme and
// trailing slashes.
func depBareURL(u string) string {
	u = strings.TrimSpace(strings.Trim(strings.TrimSpace(u), `"'`))
	u = strings.TrimPrefix(strings.TrimPrefix(u, "registry+"), "sparse+")
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	return strings.ToLower(strings.TrimRight(u, "/"))
}

// depEnvFile reports whether a file sets up builds: CI, build and deploy
// files, shell scripts, Dockerfiles and environment files.
func depEnvFile(pass *guard.Pass, i int) bool {
	if pass.InCategory(i, guard.CategoryCI) || pass.InCategory(i, guard.CategoryBuild) ||
		pass.InCategory(i, guard.CategoryDeploy) {
		return true
	}
	p := pass.Files[i].Path
	base := path.Base(p)
	switch path.Ext(base) {
	case ".sh", ".bash", ".ps1", ".env":
		return true
	}
	return base == ".envrc" || base == "go.env" || base == ".env" || strings.HasPrefix(base, "Dockerfile")
}

// depEnvRule is one way to change where packages come from outside the
// registry files.
type depEnvRule struct {
	re *regexp.Regexp // the value, if any, is its first group
	// sev is the severity; a rule whose value is a default registry
	// reports nothing.
	sev guard.Severity
	// what says what the change does: a clause after the value for a rule
	// with a value, a sentence for one without.
	what string
}

var depEnvRules = []depEnvRule{
	{regexp.MustCompile(`\bGOSUMDB\s*[=:]\s*["']?off\b`), guard.High,
		"Turns off the Go checksum database: nothing then checks that a module is the one everyone else gets"},
	{regexp.MustCompile(`\bGONOSUMCHECK\s*[=:]\s*["']?1\b|\bGOINSECURE\s*[=:]\s*["']?[\w*.]|\bGOFLAGS\s*[=:].*-insecure\b`),
		guard.High, "Lets Go fetch modules without TLS or checksum verification"},
	{regexp.MustCompile(`\bGOPROXY\s*[=:]\s*["']?([^\s"'$]+)`), guard.Medium,
		"Go modules may now come from there"},
	{regexp.MustCompile(`(?i)\b(?:npm|yarn|pnpm)\s+config\s+set\s+(?:@[\w.-]+:)?registry[\s=]+["']?([^\s"']+)|` +
		`(?i)\b(?:npm|yarn|pnpm)\s+(?:install|i|ci|add|update|up)\b.*--registry[\s=]+["']?([^\s"']+)|` +
		`\b(?:NPM_CONFIG_REGISTRY|npm_config_registry|YARN_REGISTRY|YARN_NPM_REGISTRY_SERVER)\s*[=:]\s*["']?([^\s"'$]+)`),
		guard.High, "npm packages may now come from there, and one published under a private package's name can take its place"},
	{regexp.MustCompile(`\bpip[0-9.]*\s+(?:install|download)\b.*(?:--index-url|--extra-index-url|\s-i)[\s=]+["']?([^\s"']+)|` +
		`\b(?:PIP_INDEX_URL|PIP_EXTRA_INDEX_URL|UV_INDEX_URL|UV_EXTRA_INDEX_URL|UV_DEFAULT_INDEX|UV_INDEX)\s*[=:]\s*["']?([^\s"'$]+)`),
		guard.High, "Python packages may now come from there, and one published under a private package's name can take its place"},
	{regexp.MustCompile(`\bCARGO_REGISTRIES_\w+_INDEX\s*[=:]\s*["']?([^\s"'$]+)`), guard.High,
		"crates may now come from there"},
	{regexp.MustCompile(`(?i)\bnpm\s+config\s+set\s+strict-ssl\s+false\b|\bnpm_config_strict_ssl\s*[=:]\s*["']?false\b|` +
		`\bNODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*["']?0\b|\bGIT_SSL_NO_VERIFY\s*[=:]\s*["']?(?:1|true)\b|` +
		`\bhttp\.sslVerify\s*[= ]\s*false\b|\bpip[0-9.]*\s.*--trusted-host\b|\bPIP_TRUSTED_HOST\s*[=:]`),
		guard.Medium, "Turns off TLS checks for downloads"},
}

// depRegistryEnv reports the registry changes a build-setup file's new
// lines make.
func depRegistryEnv(pass *guard.Pass, f *guard.FileChange) {
	if !depMayRegistry(f) {
		return
	}
	old := map[string]bool{}
	for _, l := range f.DeletedLines {
		old[strings.TrimSpace(l.Text)] = true
	}
	sources := pass.Settings().(*Settings).LockSources
	for _, l := range f.AddedLines {
		t := strings.TrimSpace(l.Text)
		if t == "" || t[0] == '#' || strings.HasPrefix(t, "//") || old[t] {
			continue
		}
		for _, r := range depEnvRules {
			m := r.re.FindStringSubmatch(t)
			if m == nil {
				continue
			}
			val := strings.Join(m[1:], "")
			if val != "" && (depDefaultValues(val, sources) || strings.HasPrefix(val, "$")) {
				continue // a default, or a variable set elsewhere
			}
			msg := r.what + "."
			if val != "" {
				msg = fmt.Sprintf("Points package downloads at %s: %s.", val, r.what)
			}
			depReport(pass, f.Path, r.sev, l.Number, msg, explain.Line(l))
			break
		}
	}
}

// depDefaultValues reports whether every entry of a GOPROXY-style list
// is a default registry or a keyword (direct, off).
func depDefaultValues(val string, sources []string) bool {
	for _, v := range strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == '|' }) {
		if v != "direct" && v != "off" && !depDefaultRegistry(v, sources) {
			return false
		}
	}
	return true
}

// depMayRegistry is a cheap prefilter for depRegistryEnv.
func depMayRegistry(f *guard.FileChange) bool {
	for _, l := range f.AddedLines {
		t := l.Text
		if strings.Contains(t, "GO") || strings.Contains(t, "egistry") || strings.Contains(t, "REGISTR") ||
			strings.Contains(t, "ssl") || strings.Contains(t, "SSL") || strings.Contains(t, "TLS") ||
			strings.Contains(t, "index") || strings.Contains(t, "INDEX") || strings.Contains(t, "trusted-host") ||
			strings.Contains(t, "TRUSTED") {
			return true
		}
	}
	return false
}
