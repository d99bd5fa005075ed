package citampering

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// This file reports the environment of a job sent to a remote host, in
// workflows, CI configuration and shell scripts: the Codecov bash
// uploader of 2021 posted `git remote -v` and `env` to an attacker's
// address from every CI run that used it; tj-actions/changed-files (2025)
// dumped the runner's memory for secrets. It also reports reverse shells.

var (
	// ciEnvDump finds the whole environment, or the runner's credentials,
	// read out.
	ciEnvDump = regexp.MustCompile(`\$\(\s*(?:env|printenv|set|export\s+-p|declare\s+-x)\s*\)|` +
		"`\\s*(?:env|printenv)\\s*`" + `|(?:^|[;&|(]|\s)(?:env|printenv|export\s+-p)\s*(?:\||>)|` +
		`/proc/(?:self|\d+|\*|\$\w+)/(?:environ|mem)\b|\bto_?json\(\s*(?:secrets|env)\s*\)|\bRunner\.Worker\b|` +
		`"isSecret"|\bextraheader\b|Get-ChildItem\s+env:|\bgci\s+env:|\[Environment\]::GetEnvironmentVariables`)
	// ciSends finds a command that sends data out.
	ciSends = regexp.MustCompile(`(?i)\bcurl\b|\bwget\b|\b(?:nc|ncat|netcat|socat|telnet)\b|/dev/(?:tcp|udp)/|` +
		`\bInvoke-(?:WebRequest|RestMethod)\b|\b(?:iwr|irm)\b|\brequests\.(?:post|put|get)\(|\burllib\b|` +
		`\bnslookup\b|\bdig\s`)
	// ciReverseShell finds an interactive shell wired to a socket.
	ciReverseShell = regexp.MustCompile(`\b(?:ba|z|k)?sh\s+-i\b.*/dev/tcp/|/dev/tcp/\S+\s+0>&1|` +
		`\b(?:nc|ncat|netcat)\b.*\s-e\s+/bin/(?:ba|z)?sh\b|\bsocat\b.*\bexec:.*\b(?:ba)?sh\b`)
	// ciDumpFile finds the environment written to a file.
	ciDumpFile = regexp.MustCompile(`(?:^|[;&|(]|\s)(?:env|printenv|set|export\s+-p)\s*>>?\s*["']?([^\s"';|&]+)`)
	// ciOutFile finds where a line's output goes: a redirect or Out-File.
	ciOutFile = regexp.MustCompile(`(?i)>>?\s*["']?([^\s"';|&>]+)|\bOut-File\s+(?:-FilePath\s+)?["']?([^\s"';|&]+)`)
)

// ciDumpTarget returns the file a line writes the environment to, "" when
// it writes none.
func ciDumpTarget(code string, envDump bool) string {
	if m := ciDumpFile.FindStringSubmatch(code); m != nil {
		return m[1]
	}
	if !envDump {
		return ""
	}
	if m := ciOutFile.FindStringSubmatch(code); m != nil {
		return m[1] + m[2]
	}
	return ""
}

// exfiltration reports added lines that send the environment away (one
// line, or one line writing it to a file and a later one sending that
// file) and reverse shells.
func (c *ciFile) exfiltration() {
	dumps := map[string]guard.Line{}
	for _, l := range c.file.AddedLines {
		if !ciMaySend(l.Text) {
			continue
		}
		code := ciCode(l.Text)
		if code == "" || !c.isNew(l) {
			continue
		}
		sends, envDump := ciSends.MatchString(code), ciEnvDump.MatchString(code)
		if f := ciDumpTarget(code, envDump); f != "" && !sends {
			dumps[f] = l
			continue
		}
		switch {
		case ciReverseShell.MatchString(code):
			c.report(guard.Critical, l.Number, fmt.Sprintf("Opens a reverse shell in %s: whoever listens at the "+
				"other end can run commands with the job's secrets and token.", c.where()), explain.Line(l))
		case sends && envDump:
			c.reportExfil(l, code)
		case sends:
			if dl, ok := ciSentDump(code, dumps); ok {
				c.reportExfil(l, code, explain.Line(dl))
			}
		}
	}
}

// ciSentDump returns the line that wrote a file of dumps (by the file's
// name) that code sends: the first such line of the file when it sends
// several.
func ciSentDump(code string, dumps map[string]guard.Line) (guard.Line, bool) {
	var first guard.Line
	found := false
	for f, dl := range dumps {
		if strings.Contains(code, f) && (!found || dl.Number < first.Number) {
			first, found = dl, true
		}
	}
	return first, found
}

func (c *ciFile) reportExfil(l guard.Line, code string, ev ...string) {
	to := "a remote host"
	if u := ciURL.FindString(code); u != "" {
		to = u
	} else if ip := ciIPURL.FindString(code); ip != "" {
		to = strings.TrimLeft(ip, ":/@ \t")
	}
	c.report(guard.Critical, l.Number, fmt.Sprintf("Sends the job's environment, with every secret and token in "+
		"it, to %s from %s: the shape of the Codecov uploader compromise of 2021.", to, c.where()),
		append([]string{explain.Line(l)}, ev...)...)
}

// where names the kind of file for a message.
func (c *ciFile) where() string {
	switch c.kind {
	case ciShell:
		return "a shell script"
	case ciScript:
		return "a build, deploy or CI script"
	}
	return "the CI pipeline"
}

// ciMaySend is a cheap prefilter for exfiltration.
func ciMaySend(t string) bool {
	return strings.Contains(t, "env") || strings.Contains(t, "/dev/") || strings.Contains(t, "curl") ||
		strings.Contains(t, "wget") || strings.Contains(t, "nc ") || strings.Contains(t, "socat") ||
		strings.Contains(t, "Invoke-") || strings.Contains(t, "requests") || strings.Contains(t, "ENV") ||
		strings.Contains(t, "Secret") || strings.Contains(t, "Runner") || strings.Contains(t, "set")
}
