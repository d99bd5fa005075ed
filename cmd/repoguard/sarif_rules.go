package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
)

// sarifRules are the rules a SARIF log's results used, one per detector
// and severity, in the order of first use.
type sarifRules struct {
	index map[string]int // by rule id
	order []ruleKey
}

type ruleKey struct {
	detector string
	severity guard.Severity
}

// add returns the id of the rule of a detector's findings at a severity
// ("key-material/critical"), adding it on first use.
func (s *sarifRules) add(detector string, sev guard.Severity) string {
	id := detector + "/" + sev.String()
	if _, ok := s.index[id]; !ok {
		s.index[id] = len(s.order)
		s.order = append(s.order, ruleKey{detector, sev})
	}
	return id
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	DefaultConfiguration sarifLevel     `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifLevel struct {
	Level string `json:"level"`
}

// maxDescription is code scanning's limit on a rule's descriptions.
const maxDescription = 1024

// rules describes the rules used, in their index order.
func (s *sarifRules) rules() []sarifRule {
	byName := map[string]*guard.Detector{}
	for _, d := range detectors.All() {
		byName[d.Name] = d
	}
	out := make([]sarifRule, 0, len(s.order))
	for _, k := range s.order {
		d := byName[k.detector]
		if d == nil { // not one of ours: describe it by its name
			d = &guard.Detector{Name: k.detector, Doc: "Reports " + k.detector + " findings."}
		}
		out = append(out, describeRule(d, k.severity))
	}
	return out
}

// describeRule describes detector d's findings at severity sev as a rule:
// what it catches, from its Doc, and what to do.
func describeRule(d *guard.Detector, sev guard.Severity) sarifRule {
	precision := "high"
	if d.Behaviour {
		precision = "medium" // a person's habits, not the content
	}
	text, md := ruleHelp(d, sev)
	return sarifRule{
		ID: d.Name + "/" + sev.String(), Name: d.Name,
		ShortDescription:     sarifText{Text: oneLine(shortDescription(d.Doc)+" ("+sev.String()+").", maxDescription)},
		FullDescription:      sarifText{Text: oneLine(d.Doc, maxDescription)},
		Help:                 sarifHelp{Text: text, Markdown: md},
		DefaultConfiguration: sarifLevel{Level: sarifLevelOf(sev)},
		Properties: map[string]any{
			"tags":              []string{"security", "insider-threat", d.Name},
			"security-severity": securitySeverity(sev),
			"precision":         precision,
		},
	}
}

// shortDescription is the first clause of a detector's Doc, as a noun
// phrase: "Reports private keys in added lines: PEM ..." gives "Private
// keys in added lines".
func shortDescription(doc string) string {
	s := doc
	for _, sep := range []string{". ", ": ", "; "} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "Reports "), ".")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// ruleHelp is a rule's help, as text and Markdown: what the detector
// catches, what to do about a finding, and where to triage it.
func ruleHelp(d *guard.Detector, sev guard.Severity) (text, markdown string) {
	todo := remedies[d.Name]
	if todo == "" {
		todo = "Read the finding's message and evidence, and ask the commit's author about the change."
	}
	const triage = "Each result names the commit it was found in. Triage it in the anomaly queue " +
		"(`repoguard queue`, or the server's queue page); tune or silence a detector for a repository " +
		"in `.github/repoguard.yml` (`repoguard policy show` lists the settings)."
	md := fmt.Sprintf("**%s**, %s severity: %s\n\n**What to do.** %s\n\n%s", d.Name, sev, d.Doc, todo, triage)
	text = fmt.Sprintf("%s (%s severity): %s\n\nWhat to do: %s\n\n%s", d.Name, sev, d.Doc, todo,
		strings.ReplaceAll(triage, "`", ""))
	return text, md
}

// remedies says, per detector, what to do about one of its findings.
var remedies = map[string]string{
	"binary-in-source": "Find out where the binary comes from. Build it from source in CI instead of " +
		"committing it, or declare its folder as an asset folder in the policy when it is a genuine asset. " +
		"A binary beside changes to the build needs a reviewer who checks what the build does with it.",
	"ci-tampering": "Have someone who owns CI review the workflow: pin actions to a full commit SHA, keep " +
		"token permissions to what the job needs, never check out a pull request's code under " +
		"pull_request_target, and do not pipe downloads into a shell.",
	"dependency-change": "Confirm that the dependency is wanted and is the one you think: pin an exact " +
		"version, fetch it from the usual registry, read any install script; a lock file resolving " +
		"from an unexpected source needs an explanation.",
	"dependency-handover": "Confirm who the author is and why the dependency is needed; read the " +
		"dependency's source and who publishes it, and pin it to a reviewed version before release.",
	"dormant-core": "Confirm with the author, through a channel other than this account, that they made " +
		"the change; have a maintainer who stayed active review the core code it touches.",
	"dormant-reactivation": "Confirm with the author, through a channel other than this account, that " +
		"they made the change; check the account's recent sign-ins, keys and tokens.",
	"feature-probe": "Build with and without the change and compare which sandbox and hardening features " +
		"the configure step finds; fix the probe's test program, and have a maintainer of the build review it.",
	"first-touch-sensitive": "Ask an owner of the area to review the change, and confirm the author had " +
		"a reason to work there.",
	"identity-mismatch": "Confirm the author's identity out of band: that the new email or committer " +
		"is theirs, and why the dates or the signing changed.",
	"ignore-rules": "Ask why the files are hidden, list what the rule now hides (git ls-files -i -c " +
		"--exclude-standard), and compare a release archive with the repository before the next release.",
	"key-material": "Treat the key as compromised: revoke or rotate it now, even if a later commit " +
		"removed it (it stays in the history), then keep keys in a secret manager, not in the repository.",
	"network-endpoint": "Find out who owns the host and why key-handling, contract or deploy code talks " +
		"to it; allow it in the policy when it is expected.",
	"new-author-sensitive": "Have an established maintainer of the area review the change line by line " +
		"before it merges, and confirm the author's identity and role.",
	"newcomer-signing": "Confirm who the author is, through a channel other than this account, before " +
		"the change merges; have a maintainer of the key or signing code review every line of it, and " +
		"check that a signature check was not weakened.",
	"obfuscation": "Ask for the readable source: decode the strings or blobs and review what they do. " +
		"Obfuscated code has no place in reviewed source.",
	"sabotage": "Do not release the change. Read what the code does on which machines, remove it, and " +
		"ask the author why it is there; check earlier releases for the same code.",
	"sensitive-path": "Have a second, independent reviewer approve the change, as the policy requires " +
		"for this category.",
	"size-outlier": "Review the change with extra care, or ask for it to be split: a large diff is " +
		"where a small risky change hides best.",
	"timezone-change": "Usually travel or a new machine. Confirm with the author when the commit has " +
		"other findings too.",
	"unusual-time": "Usually harmless on its own. Read it with the commit's other findings, and confirm " +
		"with the author when in doubt.",
}
