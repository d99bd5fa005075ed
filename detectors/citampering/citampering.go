package citampering

import (
	"path"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/detectors/internal/vendorpath"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.ci-tampering.settings.
type Settings struct {
	// allow_unpinned lists action owners ("my-org") or owner/repo
	// prefixes that may be referenced by tag or branch.
	AllowUnpinned []string `setting:"allow_unpinned"`
	// pipe_to_shell_categories are the categories, besides CI files,
	// whose scripts are checked for a download piped into a shell.
	PipeToShellCategories []string `setting:"pipe_to_shell_categories"`
	// trusted_actions are the action owners ("actions", "my-org") that
	// a workflow may pass secrets to without a finding; passing one to a
	// new action of another owner is medium.
	TrustedActions []string `setting:"trusted_actions"`
}

// Detector is the ci-tampering detector.
var Detector = &guard.Detector{
	Name: "ci-tampering",
	Doc: "Reports risky changes to CI: a pull_request_target trigger (critical when it checks out the " +
		"pull request's code), secrets sent to a new place (printed, encoded, posted, uploaded, given to a " +
		"new third-party action), the job's environment sent to a remote host (the Codecov 2021 shape, also " +
		"in the scripts CI runs), write permissions in workflows that forks can start, self-hosted runners " +
		"on pull requests, actions moved off a commit pin, jobs switched off, and downloads piped into a " +
		"shell (also in build and deploy scripts). Ordinary CI work (a new secret in an env block, a " +
		"permission of a push workflow, an action by tag) is low.",
	Severity: guard.Medium,
	Settings: &Settings{
		AllowUnpinned:         []string{},
		PipeToShellCategories: []string{guard.CategoryBuild, guard.CategoryDeploy},
		TrustedActions:        []string{"actions", "github"},
	},
	Run: run,
}

// ciKind says how much of the CI grammar applies to a file.
type ciKind int

const (
	ciNone     ciKind = iota
	ciSettings        // repository settings: required checks switched off
	ciShell           // any other shell script: only the exfiltration check
	ciScript          // a build, deploy or CI script: downloads piped into a shell too
	ciOther           // GitLab, CircleCI, Jenkins, ... : generic CI checks
	ciGitHub          // a GitHub workflow or action: every check
)

// ciFile is the state of one file under inspection.
type ciFile struct {
	pass    *guard.Pass
	file    *guard.FileChange
	kind    ciKind
	deleted *textscan.Index // the deleted lines, joined by newlines
	oldSet  map[string]bool // the deleted lines, trimmed
	ctx     ciContext       // of a GitHub workflow
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted || vendorpath.Match(f.Path) {
			continue
		}
		kind := ciFileKind(pass, i, f.Path, set.PipeToShellCategories)
		if kind == ciNone {
			continue
		}
		c := ciNewFile(pass, f, kind)
		if kind == ciSettings {
			c.requiredChecks()
			continue
		}
		c.exfiltration()
		if kind >= ciScript {
			c.pipeToShell()
		}
		if kind >= ciOther {
			c.otherCI()
		}
		if kind == ciGitHub {
			c.ctx = ciReadContext(f)
			c.triggers()
			c.secrets(set.TrustedActions)
			c.permissions()
			c.actions(set.AllowUnpinned)
			c.runnersAndCommands()
			c.disabledJobs()
		}
	}
}

// ciScriptDirs are the top folders whose shell scripts CI usually runs.
var ciScriptDirs = map[string]bool{".github": true, ".ci": true, "ci": true, ".circleci": true, ".buildkite": true,
	".gitlab": true, "scripts": true, "script": true, "hack": true, "build": true, "tools": true, ".travis": true}

// ciShellExts are the extensions of shell scripts.
var ciShellExts = map[string]bool{".sh": true, ".bash": true, ".zsh": true, ".ksh": true, ".ps1": true,
	".bat": true, ".cmd": true}

// ciFileKind decides which checks apply to a path.
func ciFileKind(pass *guard.Pass, i int, p string, scriptCats []string) ciKind {
	base := path.Base(p)
	ext := path.Ext(base)
	yml := ext == ".yml" || ext == ".yaml"
	switch {
	case yml && (strings.HasPrefix(p, ".github/workflows/") || base == "action.yml" || base == "action.yaml"):
		return ciGitHub
	case pass.InCategory(i, guard.CategoryCI), base == ".gitlab-ci.yml", base == "Jenkinsfile",
		strings.HasPrefix(p, ".circleci/"), strings.HasPrefix(p, ".gitlab/") && yml,
		base == "azure-pipelines.yml", base == "bitbucket-pipelines.yml", base == ".travis.yml",
		strings.HasPrefix(p, ".buildkite/"):
		return ciOther
	case p == ".github/settings.yml" || p == ".github/settings.yaml" || strings.HasPrefix(p, ".github/rulesets/"):
		return ciSettings
	}
	for _, c := range scriptCats {
		if pass.InCategory(i, c) {
			return ciScript
		}
	}
	if !ciShellExts[ext] {
		return ciNone
	}
	if top, _, _ := strings.Cut(p, "/"); ciScriptDirs[top] && top != p {
		return ciScript
	}
	return ciShell
}

func ciNewFile(pass *guard.Pass, f *guard.FileChange, kind ciKind) *ciFile {
	c := &ciFile{pass: pass, file: f, kind: kind, oldSet: make(map[string]bool, len(f.DeletedLines))}
	var b strings.Builder
	for _, l := range f.DeletedLines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
		c.oldSet[strings.TrimSpace(l.Text)] = true
	}
	c.deleted = textscan.NewIndex(b.String())
	return c
}

// ciCode returns the line without surrounding space and without a
// trailing "# comment" or a whole-line comment.
func ciCode(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") {
		return ""
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// isNew reports whether an added line is new rather than moved: the same
// trimmed text is not among the deleted lines.
func (c *ciFile) isNew(l guard.Line) bool { return !c.oldSet[strings.TrimSpace(l.Text)] }

func (c *ciFile) report(sev guard.Severity, line int, msg string, ev ...string) {
	c.pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.2 + 0.15*float64(sev),
		Path:     c.file.Path,
		Line:     line,
		Message:  msg,
		Evidence: ev,
	})
}

// runnersAndCommands reports self-hosted runners (medium in a workflow
// that pull requests start, low otherwise) and the re-enabled
// set-env/add-path commands.
func (c *ciFile) runnersAndCommands() {
	for _, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if strings.Contains(code, "self-hosted") && c.isNew(l) &&
			(strings.HasPrefix(code, "runs-on") || strings.HasPrefix(code, "- self-hosted") ||
				strings.HasPrefix(code, "labels")) {
			sev, why := guard.Low, ""
			if c.ctx.prs {
				sev, why = guard.Medium, " In a workflow that pull requests start, code from any fork runs there."
			}
			c.report(sev, l.Number, "Moves a job to a self-hosted runner: a job there can leave code behind "+
				"for later jobs and reach the internal network."+why, explain.Line(l))
		}
		if strings.Contains(code, "ACTIONS_ALLOW_UNSECURE_COMMANDS") && !strings.Contains(strings.ToLower(code), "false") &&
			c.isNew(l) {
			c.report(guard.High, l.Number, "Sets ACTIONS_ALLOW_UNSECURE_COMMANDS, re-enabling set-env and add-path: "+
				"any log output can then change the job's environment and PATH (CVE-2020-15228).", explain.Line(l))
		}
	}
}

// otherCI reports GitLab remote includes and CircleCI volatile orbs.
func (c *ciFile) otherCI() {
	for _, l := range c.file.AddedLines {
		code := strings.TrimPrefix(ciCode(l.Text), "- ")
		if !c.isNew(l) {
			continue
		}
		if rest, ok := strings.CutPrefix(code, "remote:"); ok && strings.Contains(rest, "://") {
			c.report(guard.Medium, l.Number, "Includes CI configuration from the URL "+strings.Trim(strings.TrimSpace(rest), `'"`)+
				": whoever serves it controls this pipeline.", explain.Line(l))
		}
		if strings.HasSuffix(strings.Trim(code, `'"`), "@volatile") {
			c.report(guard.Medium, l.Number, "Uses a CircleCI orb at @volatile, its latest version whatever it is.",
				explain.Line(l))
		}
	}
}
