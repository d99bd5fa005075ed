package ignorerules

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// hidden is a kind of build input a rule hides.
type hidden struct {
	what string // "m4 macros", "build files", ...
	sev  guard.Severity
}

// The kinds of hidden build inputs. The first three are what the
// xz-utils backdoor and install-time attacks need: high.
var (
	m4Macros        = hidden{"m4 macros", guard.High}
	m4Folder        = hidden{"a folder of m4 macros", guard.Medium}
	configureScript = hidden{"configure scripts", guard.High}
	installScripts  = hidden{"install scripts", guard.High}
	buildFiles      = hidden{"build files", guard.Medium}
	buildScripts    = hidden{"build scripts", guard.Medium}
	deployFiles     = hidden{"deploy scripts", guard.Medium}
	ciFiles         = hidden{"CI files", guard.Medium}
	manifests       = hidden{"dependency manifests", guard.Medium}
)

var (
	configureNames = []string{"configure", "configure.ac", "configure.in", "Makefile.am", "autogen.sh",
		"bootstrap", "bootstrap.sh"}
	installRE = regexp.MustCompile(`(?i)^(?:(?:pre|post|un)?install(?:[-_.][\w.-]*)?|[\w.-]*[-_](?:pre|post)?install)` +
		`\.(?:sh|bash|js|cjs|mjs|ts|py|ps1|pl|rb|cmd|bat)$`)
	// lock files, credentials and folders of fetched dependencies are
	// ignored everywhere on purpose.
	lockSuffixes = []string{".lock", ".lockb", "-lock.json", "-lock.yaml", ".lockfile", "go.sum", "go.work.sum",
		"npm-shrinkwrap.json", "Package.resolved"}
	credentials = []string{".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", "pip.conf"}
	depsFolders = []string{"node_modules", "vendor", "third_party", ".yarn", "bower_components", "Pods", ".bundle"}
	// ignoreFiles hide themselves from archives and images on purpose.
	ignoreFiles = []string{".gitignore", ".gitattributes", ".dockerignore", ".npmignore"}
	// dockerOwn are the files a Docker build reads without their being
	// in its context.
	dockerOwnRE = regexp.MustCompile(`^(?:Dockerfile|Containerfile|docker-compose|compose)(?:[.-].*)?$|\.[Dd]ockerfile$`)
	deployExts  = []string{".sh", ".bash", ".ps1", ".py", ".js", ".ts", ".mjs", ".cjs", ".go", ".rb", ".sol", ".tf",
		".hcl", ".nomad"}
	deployNames = regexp.MustCompile(`^(?:Dockerfile|Containerfile|Procfile)(?:\..*)?$|\.[Dd]ockerfile$`)
	shellExts   = []string{".sh", ".bash", ".ps1"}
)

// classifier judges what the paths of a rule's target are.
type classifier struct {
	cls           guard.Classifier
	generated     []string
	generatedWith []string
	scriptDirs    []string
	// templates are the paths of the change's files named *.in: the
	// file a template generates is ignored on purpose.
	templates map[string]bool
	// generators says that the change touches a generator of build
	// files (Makefile.am, configure.ac, CMakeLists.txt, a template);
	// fileGenerated that the ignore file under judgment gets a rule
	// hiding a generated file. Either shows that generatedWith files
	// are generated here.
	generators, fileGenerated bool
}

// generatorNames are the files from which build tools generate the
// files of generatedWith.
var generatorNames = []string{"Makefile.am", "Makefile.in", "configure", "configure.ac", "configure.in",
	"CMakeLists.txt", "meson.build"}

// isGenerator reports whether a changed file generates build files.
func isGenerator(p string) bool {
	return slices.Contains(generatorNames, path.Base(p)) || strings.HasSuffix(p, ".in")
}

// classify returns the most severe kind of build input among the
// target's paths, false when it hides none.
func (c *classifier) classify(t target, e effect) (hidden, bool) {
	var best hidden
	found := false
	for _, p := range t.paths {
		if h, ok := c.classifyPath(p, t.dir, e); ok && (!found || h.sev > best.sev) {
			best, found = h, true
		}
	}
	return best, found
}

func (c *classifier) classifyPath(p string, dir bool, e effect) (hidden, bool) {
	base := path.Base(p)
	switch {
	case slices.Contains(ignoreFiles, base):
		return hidden{}, false
	case dir:
		if base == "m4" {
			if e == archived || e == dockerOut {
				return hidden{m4Folder.what, guard.High}, true
			}
			return m4Folder, true
		}
		return hidden{}, false
	case e != archived && (c.isGenerated(base) || c.templates[p+".in"]), isLock(base), slices.Contains(credentials, base),
		inDepsFolder(p),
		strings.HasPrefix(base, ".") && strings.Count(base, ".") == 1 && base != ".gitmodules" && base != ".bazelrc":
		return hidden{}, false
	case path.Ext(base) == ".m4":
		return m4Macros, true
	case slices.Contains(configureNames, base):
		return configureScript, true
	case installRE.MatchString(base):
		return installScripts, true
	case e == dockerOut && dockerOwnRE.MatchString(base):
		return hidden{}, false
	}
	return c.byCategory(p, base, e)
}

// byCategory judges a path by the policy's categories, and shell
// scripts in script folders. A package leaving out how it is built or
// tested is what .npmignore is for: only deploy scripts and dependency
// manifests count there.
func (c *classifier) byCategory(p, base string, e effect) (hidden, bool) {
	var cats []string
	if c.cls != nil {
		cats = c.cls.Categories(p)
	}
	switch {
	case slices.Contains(cats, guard.CategoryBuild) && e != npmOut:
		return buildFiles, true
	case slices.Contains(cats, guard.CategoryDeploy) &&
		(slices.Contains(deployExts, path.Ext(base)) || deployNames.MatchString(base)):
		return deployFiles, true
	case slices.Contains(cats, guard.CategoryCI) && (e == untracked || e == unreviewed):
		return ciFiles, true
	case slices.Contains(cats, guard.CategoryDependencies) && e != dockerOut:
		return manifests, true
	case slices.Contains(shellExts, path.Ext(base)) && c.inScriptFolder(p) && e != npmOut:
		return buildScripts, true
	}
	return hidden{}, false
}

// isGenerated reports whether base names a generated build file.
func (c *classifier) isGenerated(base string) bool {
	return matchesAny(c.generated, base) ||
		(c.generators || c.fileGenerated) && matchesAny(c.generatedWith, base)
}

func matchesAny(globs []string, base string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, base); ok {
			return true
		}
	}
	return false
}

func (c *classifier) inScriptFolder(p string) bool {
	segs := strings.Split(p, "/")
	for _, s := range segs[:len(segs)-1] {
		if slices.Contains(c.scriptDirs, s) {
			return true
		}
	}
	return false
}

func isLock(base string) bool {
	for _, s := range lockSuffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return strings.Contains(base, ".lock.")
}

// inDepsFolder reports whether p is, or is in, a folder of fetched
// dependencies.
func inDepsFolder(p string) bool {
	for _, s := range strings.Split(p, "/") {
		if slices.Contains(depsFolders, s) {
			return true
		}
	}
	return false
}
