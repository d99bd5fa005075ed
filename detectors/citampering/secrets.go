package citampering

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// This file follows the secrets a workflow change uses. A new secret in
// an env block or an action's inputs is ordinary (low); what matters is
// where it goes: sent in a request, printed encoded past the log's
// masking, written to a file the workflow uploads, printed to the log, or
// given to a third-party action the change adds.

var (
	ciSecretRef = regexp.MustCompile(`secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])`)
	ciDumpAll   = regexp.MustCompile(`(?i)to_?json\s*\(\s*secrets\s*\)`)
	// ciEnvSecret maps an environment variable to a secret: "NAME: ${{ secrets.X }}".
	ciEnvSecret = regexp.MustCompile(`^(?:-\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*["']?\$\{\{\s*secrets\s*` +
		`(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])\s*\}\}["']?$`)
	// ciEnvUse finds the variables a shell or expression line reads.
	ciEnvUse = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)|\benv\.([A-Za-z_][A-Za-z0-9_]*)|\$env:([A-Za-z_][A-Za-z0-9_]*)`)
	// ciPrint finds a command that writes its arguments out.
	ciPrint = regexp.MustCompile(`(?i)(?:^|[\s;&|(]|run:\s*)(?:echo|printf|write-host|write-output|print)\b`)
	// ciEncode finds output piped into an encoder, which the log's masking
	// of secrets does not see through.
	ciEncode = regexp.MustCompile(`\|\s*(?:base64|base32|xxd|od|hexdump|rev|openssl\s+(?:enc|base64)|gzip|sed|tr)\b`)
	// ciDecode finds an encoder run backwards: a secret stored encoded
	// and decoded into a file is not printed.
	ciDecode = regexp.MustCompile(`\|\s*(?:base64|base32|openssl\s+(?:enc|base64))\b[^|]*\s(?:-d|--decode|-D)\b`)
	// ciSendData finds a request that carries data to a remote host.
	ciSendData = regexp.MustCompile(`(?i)\bcurl\b.*\s(?:-d|--data(?:-binary|-raw|-urlencode|-ascii)?|-F|--form|-T|` +
		`--upload-file)[\s=]|\bwget\b.*--post-(?:data|file)\b|\b(?:nc|ncat|netcat|socat)\b|/dev/(?:tcp|udp)/|` +
		`Invoke-(?:WebRequest|RestMethod)\b.*-Body\b|\brequests\.post\(`)
	// ciRedirect finds output written to a file.
	ciRedirect = regexp.MustCompile(`[^2&]>>?\s*["']?([^\s"'|;&>]+)`)
)

// ciSecretUse is one place an added line reads secrets.
type ciSecretUse struct {
	line    guard.Line
	code    string
	secrets []string
	action  string // the new third-party action of the step, if any
}

// secrets reports where the change's new lines send secrets, dumps of
// all secrets, secrets passed wholesale to a reusable workflow, and, low,
// each secret the deleted lines did not use.
func (c *ciFile) secrets(trusted []string) {
	old := map[string]bool{}
	if c.deleted.Contains("secrets") {
		for _, m := range ciSecretRef.FindAllStringSubmatch(c.deleted.Text(), -1) {
			old[m[1]+m[2]] = true
		}
	}
	uses := c.secretUses(trusted)
	uploads := c.uploads()
	for _, u := range uses {
		if ciDumpAll.MatchString(u.code) {
			c.report(guard.High, u.line.Number, "Serializes every secret of the repository with toJSON(secrets): "+
				"one step can then print or send them all.", explain.Line(u.line))
		}
		if strings.HasPrefix(strings.TrimPrefix(u.code, "- "), "secrets: inherit") {
			c.inherit(u.line, trusted)
		}
		for _, name := range u.secrets {
			if sev, how := c.secretFlow(u, name, uploads); sev > guard.Low {
				c.report(sev, u.line.Number, how, explain.Line(u.line))
				old[name] = true
				continue
			}
			if old[name] {
				continue
			}
			old[name] = true
			c.report(guard.Low, u.line.Number, fmt.Sprintf("Adds a use of the secret %s, which the lines this "+
				"change replaces did not use.", name), explain.Line(u.line))
		}
	}
}

// secretUses returns the new added lines that read secrets, directly or
// through an environment variable an added line maps to one, with the
// new third-party action of their step.
func (c *ciFile) secretUses(trusted []string) []ciSecretUse {
	env := map[string]string{}
	for _, l := range c.file.AddedLines {
		if !strings.Contains(l.Text, "secrets") {
			continue
		}
		if m := ciEnvSecret.FindStringSubmatch(strings.TrimSpace(ciCode(l.Text))); m != nil {
			env[m[1]] = m[2] + m[3]
		}
	}
	actions := c.stepActions(trusted)
	var out []ciSecretUse
	for k, l := range c.file.AddedLines {
		code := ciCode(l.Text)
		if code == "" || !c.isNew(l) || !strings.Contains(code, "secrets") && !strings.Contains(code, "$") &&
			!strings.Contains(code, "env.") {
			continue
		}
		u := ciSecretUse{line: l, code: code, action: actions[k]}
		seen := map[string]bool{}
		add := func(s string) {
			if s != "" && !seen[s] {
				seen[s] = true
				u.secrets = append(u.secrets, s)
			}
		}
		for _, m := range ciSecretRef.FindAllStringSubmatch(code, -1) {
			add(m[1] + m[2])
		}
		if len(env) > 0 {
			for _, m := range ciEnvUse.FindAllStringSubmatch(code, -1) {
				add(env[m[1]+m[2]+m[3]])
			}
		}
		if len(u.secrets) > 0 || ciDumpAll.MatchString(code) || strings.Contains(code, "secrets: inherit") {
			out = append(out, u)
		}
	}
	return out
}

// secretFlow says where a line sends a secret, and how bad that is;
// low when it only uses it.
func (c *ciFile) secretFlow(u ciSecretUse, name string, uploads []string) (guard.Severity, string) {
	code := u.code
	printed := ciPrint.MatchString(code)
	switch {
	case ciSendData.MatchString(code):
		sev := guard.Medium
		if ciRawHost(code) {
			sev = guard.High
		}
		return sev, fmt.Sprintf("Sends the secret %s in the body of a request: check that its receiver is the "+
			"service it belongs to.", name)
	case printed && ciEncode.MatchString(code) && !ciDecode.MatchString(code) && !ciRedirect.MatchString(code):
		return guard.High, fmt.Sprintf("Prints the secret %s through an encoder: the log's masking of secrets "+
			"no longer hides it, and anyone who can read the log can decode it.", name)
	}
	if m := ciRedirect.FindStringSubmatch(code); printed && m != nil {
		for _, up := range uploads {
			if strings.Contains(up, m[1]) || strings.Contains(m[1], strings.TrimSuffix(up, "/")) {
				return guard.High, fmt.Sprintf("Writes the secret %s to %s, which the workflow uploads as an "+
					"artifact that anyone who can read the run can download.", name, m[1])
			}
		}
		return guard.Low, ""
	}
	switch {
	case printed && !strings.Contains(code, "|"):
		return guard.Medium, fmt.Sprintf("Prints the secret %s to the job log: only the log's masking stands "+
			"between it and anyone who can read the run.", name)
	case u.action != "" && !strings.EqualFold(name, "GITHUB_TOKEN") && !ciPinned(u.action) && !ciSecretFor(name, u.action):
		return guard.Medium, fmt.Sprintf("Passes the secret %s to %s, a third-party action this change adds "+
			"and does not pin to a commit: whatever its owner publishes under that reference then holds the secret.",
			name, u.action)
	}
	return guard.Low, ""
}

// ciBare strips the separators of an action's owner and repository.
var ciBare = strings.NewReplacer("-", "", "_", "", ".", "")

// ciGenericWords are words of secret names that do not say whom the
// secret is for.
var ciGenericWords = map[string]bool{"token": true, "key": true, "secret": true, "api": true, "password": true,
	"pass": true, "username": true, "user": true, "login": true, "access": true, "auth": true, "github": true,
	"pat": true, "bot": true, "app": true, "id": true, "private": true, "the": true}

// ciSecretFor reports whether a secret's name names the vendor of the
// action it is given to (BUF_TOKEN for bufbuild/buf-push-action,
// DOCKERHUB_PASSWORD for docker/login-action): the secret is that
// vendor's own credential.
func ciSecretFor(name, action string) bool {
	ref, _, _ := strings.Cut(strings.ToLower(action), "@")
	owner, repo, _ := strings.Cut(ref, "/")
	repo, _, _ = strings.Cut(repo, "/")
	owner, repo = ciBare.Replace(owner), ciBare.Replace(repo)
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' }) {
		if len(w) >= 3 && !ciGenericWords[w] && (strings.Contains(owner, w) || w == repo ||
			len(owner) >= 3 && strings.Contains(w, owner)) {
			return true
		}
	}
	return false
}

// ciRawHost reports a request to a bare IP address or over plain HTTP.
func ciRawHost(code string) bool {
	return strings.Contains(code, "http://") || ciIPURL.MatchString(code)
}

var ciIPURL = regexp.MustCompile(`(?:://|@|\s)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)

// uploads returns the paths the change's new artifact-upload steps
// upload.
func (c *ciFile) uploads() []string {
	var out []string
	in := false
	for _, l := range c.file.AddedLines {
		code := strings.TrimPrefix(ciCode(l.Text), "- ")
		switch {
		case strings.HasPrefix(code, "uses:") && strings.Contains(code, "upload-artifact"):
			in = true
		case in && strings.HasPrefix(code, "path:"):
			if p := strings.Trim(strings.TrimSpace(strings.TrimPrefix(code, "path:")), `'"`); p != "" && p != "|" {
				out = append(out, p)
			}
		case strings.HasPrefix(code, "uses:") || strings.HasPrefix(code, "run:"):
			in = false
		case in && code != "" && !strings.Contains(code, ":"):
			out = append(out, code) // a line of a path: | block
		}
	}
	return out
}

// stepActions returns, for each added line, the third-party action that
// the step it belongs to newly uses ("" when none): a step is an added
// "- " line and the contiguous added lines indented deeper.
func (c *ciFile) stepActions(trusted []string) []string {
	lines := c.file.AddedLines
	out := make([]string, len(lines))
	start, indent, action := -1, 0, ""
	flush := func(end int) {
		for k := start; k >= 0 && k < end; k++ {
			out[k] = action
		}
	}
	for k, l := range lines {
		t := strings.TrimSpace(l.Text)
		ind := len(l.Text) - len(strings.TrimLeft(l.Text, " \t"))
		inStep := start >= 0 && l.Number == lines[k-1].Number+1 && (ind > indent || t == "")
		if !inStep {
			flush(k)
			start, action = -1, ""
			if strings.HasPrefix(t, "- ") {
				start, indent = k, ind
			}
		}
		if start < 0 {
			continue
		}
		code := strings.TrimPrefix(ciCode(l.Text), "- ")
		if ref, ok := strings.CutPrefix(code, "uses:"); ok && c.isNew(l) {
			ref = strings.Trim(strings.TrimSpace(ref), `'"`)
			if ciThirdParty(ref, trusted) && !c.deleted.Contains(ref) {
				action = ref
			}
		}
	}
	flush(len(lines))
	return out
}

// ciThirdParty reports whether a uses: value names another owner's
// action or reusable workflow than the trusted ones.
func ciThirdParty(ref string, trusted []string) bool {
	if ref == "" || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../") || strings.HasPrefix(ref, "docker://") ||
		strings.Contains(ref, "${{") {
		return false
	}
	owner, _, _ := strings.Cut(ref, "/")
	for _, t := range trusted {
		if strings.EqualFold(owner, strings.TrimSuffix(t, "/")) {
			return false
		}
	}
	return true
}

// inherit reports "secrets: inherit": medium when the file calls a
// reusable workflow of a third party, low otherwise.
func (c *ciFile) inherit(l guard.Line, trusted []string) {
	remote := ""
	for _, ls := range [][]guard.Line{c.file.AddedLines, c.file.DeletedLines} {
		for _, x := range ls {
			ref, ok := strings.CutPrefix(strings.TrimPrefix(ciCode(x.Text), "- "), "uses:")
			ref = strings.Trim(strings.TrimSpace(ref), `'"`)
			if ok && strings.Contains(ref, "/.github/workflows/") && ciThirdParty(ref, trusted) {
				remote = ref
			}
		}
	}
	if remote == "" {
		c.report(guard.Low, l.Number, "Passes all of the repository's secrets to a reusable workflow "+
			"(secrets: inherit) instead of naming the ones it needs.", explain.Line(l))
		return
	}
	c.report(guard.Medium, l.Number, fmt.Sprintf("Passes all of the repository's secrets (secrets: inherit) to a "+
		"job of a file that calls %s, another owner's reusable workflow.", remote), explain.Line(l))
}
