package citampering

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
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
}

// Detector is the ci-tampering detector.
var Detector = &guard.Detector{
	Name: "ci-tampering",
	Doc: "Reports risky changes to CI workflows: a pull_request_target trigger (critical when it " +
		"checks out the pull request's code), new secrets, wider token permissions, actions not " +
		"pinned to a commit, self-hosted runners, re-enabled unsafe commands, and piping a download " +
		"into a shell (also in build and deploy scripts).",
	Severity: guard.Medium,
	Settings: &Settings{
		AllowUnpinned:         []string{},
		PipeToShellCategories: []string{guard.CategoryBuild, guard.CategoryDeploy},
	},
	Run: run,
}

// ciKind says how much of the CI grammar applies to a file.
type ciKind int

const (
	ciNone   ciKind = iota
	ciScript        // a build or deploy script: only the pipe-to-shell check
	ciOther         // GitLab, CircleCI, Jenkins, ... : generic CI checks
	ciGitHub        // a GitHub workflow or action: every check
)

// ciFile is the state of one file under inspection.
type ciFile struct {
	pass    *guard.Pass
	file    *guard.FileChange
	kind    ciKind
	deleted *textscan.Index // the deleted lines, joined by newlines
	oldSet  map[string]bool // the deleted lines, trimmed
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	allow := set.AllowUnpinned
	scriptCats := set.PipeToShellCategories
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted {
			continue
		}
		kind := ciFileKind(pass, i, f.Path, scriptCats)
		if kind == ciNone {
			continue
		}
		c := ciNewFile(pass, f, kind)
		c.pipeToShell()
		if kind >= ciOther {
			c.otherCI()
		}
		if kind == ciGitHub {
			c.triggers()
			c.secrets()
			c.permissions()
			c.actions(allow)
			c.runnersAndCommands()
		}
	}
}

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
	}
	for _, c := range scriptCats {
		if pass.InCategory(i, c) {
			return ciScript
		}
	}
	return ciNone
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

// ciHeadRefs are expressions naming the pull request's own code.
var ciHeadRefs = []string{"github.event.pull_request.head.sha", "github.event.pull_request.head.ref",
	"github.head_ref", "github.event.pull_request.head.repo.full_name", "refs/pull/"}

// ciIsTrigger reports whether a line declares the event as a trigger
// ("on: x", "on: [a, x]", "x:", "- x") rather than, say, testing
// github.event_name in a condition.
func ciIsTrigger(code, event string) bool {
	if !strings.Contains(code, event) {
		return false
	}
	c := strings.TrimSpace(strings.TrimPrefix(code, "- "))
	return strings.HasPrefix(c, "on:") || strings.HasPrefix(c, `"on":`) || c == event || c == event+":" ||
		strings.HasPrefix(c, event+": ") || strings.HasPrefix(c, "["+event) || strings.HasPrefix(c, "[ "+event)
}

// ciChecksOutHead reports whether a line checks out or fetches the pull
// request's head: a ref, repository, checkout or fetch naming it. A head
// expression in a concurrency group or a message does not count.
func ciChecksOutHead(code string) bool {
	if strings.Contains(code, "gh pr checkout") {
		return true
	}
	if !strings.Contains(code, "head") && !strings.Contains(code, "refs/pull/") {
		return false
	}
	if !strings.HasPrefix(code, "ref:") && !strings.HasPrefix(code, "repository:") &&
		!strings.Contains(code, "checkout") && !strings.Contains(code, "fetch") {
		return false
	}
	for _, h := range ciHeadRefs {
		if strings.Contains(code, h) {
			return true
		}
	}
	return false
}

// triggers reports pull_request_target and workflow_run triggers, and a
// checkout of the pull request's head in such a workflow.
func (c *ciFile) triggers() {
	var prt, wfRun *guard.Line
	var heads []guard.Line
	for k, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if code == "" {
			continue
		}
		if prt == nil && ciIsTrigger(code, "pull_request_target") {
			prt = &c.file.AddedLines[k]
		}
		if wfRun == nil && ciIsTrigger(code, "workflow_run") {
			wfRun = &c.file.AddedLines[k]
		}
		if ciChecksOutHead(code) && c.isNew(l) {
			heads = append(heads, l)
		}
	}
	oldPRT := c.deleted.Contains("pull_request_target")
	var headEv []string
	for _, h := range heads {
		headEv = append(headEv, "checks out the pull request's code at "+explain.Line(h))
	}
	switch {
	case prt != nil && !oldPRT && len(heads) > 0:
		c.report(guard.Critical, prt.Number, "Switches the workflow to pull_request_target and checks out the "+
			"pull request's own code: code from any fork then runs with the repository's secrets and a write token.",
			append([]string{explain.Line(*prt)}, headEv...)...)
	case prt != nil && !oldPRT:
		c.report(guard.High, prt.Number, "Adds the pull_request_target trigger: the workflow runs for pull requests "+
			"from forks with the repository's secrets and a write token.", explain.Line(*prt))
	case (prt != nil || oldPRT) && len(heads) > 0:
		c.report(guard.Critical, heads[0].Number, "Checks out the pull request's own code in a pull_request_target "+
			"workflow: code from any fork then runs with the repository's secrets.", headEv...)
	}
	if wfRun != nil && !c.deleted.Contains("workflow_run") {
		c.report(guard.Medium, wfRun.Number, "Adds the workflow_run trigger: the workflow runs with secrets after "+
			"workflows that pull requests from forks can start; check what it downloads from them.", explain.Line(*wfRun))
	}
}

var (
	ciSecretRef = regexp.MustCompile(`secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])`)
	ciDumpAll   = regexp.MustCompile(`(?i)to_?json\s*\(\s*secrets\s*\)`)
)

// secrets reports each secret the added lines use that the deleted lines
// did not, secrets passed wholesale to a reusable workflow, and dumps of
// all secrets.
func (c *ciFile) secrets() {
	old := map[string]bool{}
	if c.deleted.Contains("secrets") {
		for _, m := range ciSecretRef.FindAllStringSubmatch(c.deleted.Text(), -1) {
			old[m[1]+m[2]] = true
		}
	}
	for _, l := range c.file.AddedLines {
		if !strings.Contains(l.Text, "secrets") {
			continue
		}
		code := ciCode(l.Text)
		if (strings.Contains(code, "JSON") || strings.Contains(code, "Json") || strings.Contains(code, "json")) &&
			ciDumpAll.MatchString(code) && c.isNew(l) {
			c.report(guard.High, l.Number, "Serializes every secret of the repository with toJSON(secrets): "+
				"one step can then print or send them all.", explain.Line(l))
		}
		if strings.HasPrefix(strings.TrimPrefix(code, "- "), "secrets: inherit") && c.isNew(l) {
			c.report(guard.Medium, l.Number, "Passes all of the repository's secrets to a reusable workflow "+
				"(secrets: inherit) instead of naming the ones it needs.", explain.Line(l))
		}
		for _, m := range ciSecretRef.FindAllStringSubmatch(code, -1) {
			name := m[1] + m[2]
			if old[name] {
				continue
			}
			old[name] = true
			sev := guard.Medium
			if name == "GITHUB_TOKEN" {
				sev = guard.Low
			}
			c.report(sev, l.Number, fmt.Sprintf("Adds a use of the secret %s, which the lines this change "+
				"replaces did not use; check that this job needs it.", name), explain.Line(l))
		}
	}
}

// ciScopes are the GITHUB_TOKEN permission scopes; true marks those whose
// write access reaches code, releases or cloud credentials.
var ciScopes = map[string]bool{
	"actions": true, "attestations": false, "checks": false, "contents": true, "deployments": true,
	"discussions": false, "id-token": true, "issues": false, "models": false, "packages": true,
	"pages": false, "pull-requests": false, "repository-projects": false, "security-events": false,
	"statuses": false,
}

var ciScopeMeaning = map[string]string{
	"contents": "push commits and tags, create releases", "id-token": "mint OIDC tokens for cloud accounts",
	"packages": "publish packages", "actions": "change and re-run workflows", "deployments": "create deployments",
}

// permissions reports token permissions the change widens, and a removed
// permissions block.
func (c *ciFile) permissions() {
	addedBlock := false
	for _, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if !strings.Contains(code, "write") && !strings.HasPrefix(code, "permissions") {
			continue
		}
		key, val, ok := strings.Cut(code, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.Trim(strings.TrimSpace(val), `'"`)
		if key == "permissions" {
			addedBlock = true
		}
		if !c.isNew(l) {
			continue
		}
		switch high, known := ciScopes[key]; {
		case key == "permissions" && val == "write-all":
			c.report(guard.High, l.Number, "Grants the workflow token write access to everything "+
				"(permissions: write-all).", explain.Line(l))
		case known && val == "write":
			sev, what := guard.Medium, ""
			if high {
				sev, what = guard.High, " ("+ciScopeMeaning[key]+")"
			}
			c.report(sev, l.Number, fmt.Sprintf("Grants the workflow token %s: write%s.", key, what), explain.Line(l))
		}
	}
	if addedBlock {
		return
	}
	for _, l := range c.file.DeletedLines {
		if code := ciCode(l.Text); strings.HasPrefix(code, "permissions:") {
			c.report(guard.Medium, 0, "Removes a permissions block: the jobs fall back to the repository's "+
				"default token permissions, which may include write access.",
				fmt.Sprintf("old line %d: %s", l.Number, code))
			return
		}
	}
}

var (
	ciVersionRef = regexp.MustCompile(`^v?[0-9]+(\.[0-9]+)*$`)
)

// ciIsCommitSHA reports whether s is a full SHA-1 or SHA-256 commit name
// in lowercase hex.
func ciIsCommitSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// actions reports actions and reusable workflows referenced by a tag or a
// branch rather than a full commit SHA, one finding per reference.
func (c *ciFile) actions(allow []string) {
	seen := map[string]*ciUse{}
	var order []*ciUse
	for _, l := range c.file.AddedLines {
		if !strings.Contains(l.Text, "uses:") {
			continue
		}
		code := strings.TrimPrefix(ciCode(l.Text), "- ")
		ref, ok := strings.CutPrefix(code, "uses:")
		if !ok {
			continue
		}
		ref = strings.Trim(strings.TrimSpace(ref), `'"`)
		if u := seen[ref]; u != nil {
			u.lines = append(u.lines, l.Number)
			continue
		}
		if !c.isNew(l) || ciPinned(ref) || ciAllowed(ref, allow) || c.deleted.Contains(ref) {
			continue
		}
		u := &ciUse{ref: ref, lines: []int{l.Number}}
		seen[ref] = u
		order = append(order, u)
	}
	for _, u := range order {
		c.reportUse(u)
	}
}

type ciUse struct {
	ref   string
	lines []int
}

func (c *ciFile) reportUse(u *ciUse) {
	ev := []string{"uses: " + u.ref}
	if len(u.lines) > 1 {
		ev = append(ev, fmt.Sprintf("also at %s %s", map[bool]string{true: "line", false: "lines"}[len(u.lines) == 2],
			ciJoinInts(u.lines[1:])))
	}
	if img, ok := strings.CutPrefix(u.ref, "docker://"); ok {
		c.report(guard.Medium, u.lines[0], fmt.Sprintf("Runs the container image %s by tag rather than by "+
			"@sha256 digest: whoever controls the tag controls this step.", img), ev...)
		return
	}
	name, tag, _ := strings.Cut(u.ref, "@")
	if old := ciOldPin(c.deleted, name); old != "" {
		c.report(guard.Medium, u.lines[0], fmt.Sprintf("Replaces the commit pin of %s (%s) with the mutable "+
			"reference %q.", name, guard.ShortHash(old), tag), ev...)
		return
	}
	sev, what := guard.Low, "tag"
	if tag == "" || !ciVersionRef.MatchString(tag) {
		sev, what = guard.Medium, "branch"
	}
	c.report(sev, u.lines[0], fmt.Sprintf("Uses %s at the %s %q rather than a full commit SHA: "+
		"whoever can move that %s can change what this workflow runs.", name, what, tag, what), ev...)
}

// ciPinned reports whether a uses: value cannot change under the
// workflow: a local action, an image by digest, or a full commit SHA.
func ciPinned(ref string) bool {
	switch {
	case ref == "", strings.HasPrefix(ref, "./"), strings.HasPrefix(ref, "../"), strings.Contains(ref, "${{"):
		return true
	case strings.HasPrefix(ref, "docker://"):
		return strings.Contains(ref, "@sha256:")
	}
	_, tag, _ := strings.Cut(ref, "@")
	return ciIsCommitSHA(tag)
}

func ciAllowed(ref string, allow []string) bool {
	for _, a := range allow {
		a = strings.TrimSuffix(a, "/")
		if a != "" && (ref == a || strings.HasPrefix(ref, a+"/") || strings.HasPrefix(ref, a+"@")) {
			return true
		}
	}
	return false
}

// ciOldPin finds the commit SHA that the deleted lines pinned name to.
func ciOldPin(deleted *textscan.Index, name string) string {
	i := deleted.First(name + "@")
	if i < 0 {
		return ""
	}
	rest := deleted.Text()[i+len(name)+1:]
	if len(rest) >= 40 && ciIsCommitSHA(rest[:40]) {
		return rest[:40]
	}
	return ""
}

func ciJoinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return explain.List(s, 5)
}

// runnersAndCommands reports self-hosted runners and the re-enabled
// set-env/add-path commands.
func (c *ciFile) runnersAndCommands() {
	for _, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if strings.Contains(code, "self-hosted") && c.isNew(l) &&
			(strings.HasPrefix(code, "runs-on") || strings.HasPrefix(code, "- self-hosted") ||
				strings.HasPrefix(code, "labels")) {
			c.report(guard.Medium, l.Number, "Moves a job to a self-hosted runner: a job there can leave "+
				"code behind for later jobs and reach the internal network.", explain.Line(l))
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

var (
	ciPipeShell = regexp.MustCompile(`(?i)\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?` +
		`(?:ba|z|da|k|fi)?sh\b|\b(?:curl|wget)\b[^|;&]*\|\s*(?:sudo\s+)?(?:python[0-9.]*|perl|ruby|node)\b` +
		`|\b(?:ba|z|da|k)?sh\s+(?:-\S+\s+)*<\(\s*(?:curl|wget)\b|\bsource\s+<\(\s*(?:curl|wget)\b` +
		`|\b(?:ba|z|da|k)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b` +
		`|\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring)\b[^|;]*\|\s*(?:iex|invoke-expression)\b` +
		`|\b(?:iex|invoke-expression)\b\s*\(+\s*(?:iwr|irm|invoke-webrequest|invoke-restmethod|new-object)\b`)
	ciURL = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'|;)]+`)
)

// pipeToShell reports a download piped straight into a shell or an
// interpreter.
func (c *ciFile) pipeToShell() {
	for _, l := range c.file.AddedLines {
		t := l.Text
		if !ciMayDownload(t) {
			continue
		}
		code := ciCode(t)
		if code == "" || !ciPipeShell.MatchString(code) || !c.isNew(l) {
			continue
		}
		sev, from := guard.Medium, "a download"
		if u := ciURL.FindString(code); u != "" {
			from = u
			if strings.HasPrefix(strings.ToLower(u), "http://") {
				sev = guard.High
			}
		}
		where := "the CI pipeline"
		if c.kind == ciScript {
			where = "a build or deploy script"
		}
		c.report(sev, l.Number, fmt.Sprintf("Pipes %s into a shell in %s: whoever serves it runs code there, "+
			"and nothing of it appears in the repository.", from, where), explain.Line(l))
	}
}

// ciMayDownload is a cheap prefilter for pipeToShell: a download command
// and a pipe, a process substitution or an expression call.
func ciMayDownload(t string) bool {
	if !strings.Contains(t, "|") && !strings.Contains(t, "<(") && !strings.Contains(t, "$(") &&
		!strings.Contains(t, "iex") && !strings.Contains(t, "Invoke-Expression") {
		return false
	}
	return strings.Contains(t, "curl") || strings.Contains(t, "wget") || strings.Contains(t, "iwr") ||
		strings.Contains(t, "irm") || strings.Contains(t, "Invoke-") || strings.Contains(t, "invoke-") ||
		strings.Contains(t, "DownloadString")
}
