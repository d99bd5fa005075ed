package notify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Payload is the body of a FormatJSON delivery.
type Payload struct {
	// Event is EventAnomalyCreated.
	Event   string        `json:"event"`
	Anomaly guard.Anomaly `json:"anomaly"`
	// Repo is the anomaly's repository ("owner/name").
	Repo  string `json:"repo"`
	Links Links  `json:"links"`
}

// AuditHeadPayload is the body of an EventAuditHead delivery: the
// newest entry of the audit log when it was sent.
type AuditHeadPayload struct {
	// Event is EventAuditHead.
	Event string `json:"event"`
	// Seq and Hash are the entry's, as `repoguard audit verify --expect
	// SEQ:HASH` takes them.
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	// At is when the entry was appended.
	At time.Time `json:"at"`
}

// Links point at the anomaly.
type Links struct {
	// Anomaly is its page in the web UI (when Options.BaseURL is set).
	Anomaly string `json:"anomaly,omitempty"`
	// Source is the commit or pull request on GitHub.
	Source string `json:"source,omitempty"`
}

// payload encodes the body notifying a in format.
func (n *Notifier) payload(format string, a *guard.Anomaly) ([]byte, error) {
	links := Links{Source: a.URL}
	if n.linkBase != "" {
		links.Anomaly = n.linkBase + "/anomalies/" + strconv.FormatInt(a.ID, 10)
	}
	if format == FormatSlack {
		return json.Marshal(slackPayload(a, links))
	}
	return json.Marshal(Payload{Event: EventAnomalyCreated, Anomaly: *a, Repo: a.Repo, Links: links})
}

// slackMessage is a Slack incoming-webhook message.
type slackMessage struct {
	// Text is the notification's fallback text.
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Fields   []slackText `json:"fields,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func mrkdwn(s string) slackText { return slackText{Type: "mrkdwn", Text: s} }

// maxSlackMessage bounds the message quoted, in runes: escaped, it stays
// within Slack's 3000 characters of a section.
const maxSlackMessage = 500

// slackPayload builds the Slack message of a. Every text that comes from
// a commit (an insider may write it) is escaped, so that it cannot form
// links or mentions such as <!channel>.
func slackPayload(a *guard.Anomaly, links Links) slackMessage {
	sev := strings.ToUpper(a.Severity.String())
	repo := a.Repo
	if a.PullRequest > 0 {
		repo += "#" + strconv.Itoa(a.PullRequest)
	}
	author := a.Author
	if a.AuthorName != "" && !strings.EqualFold(a.AuthorName, a.Author) {
		author += " (" + a.AuthorName + ")"
	}
	if author == "" {
		author = "unknown"
	}
	msg := truncate(a.Message, maxSlackMessage)
	if loc := location(a); loc != "" {
		msg += "\n" + loc
	}
	title := fmt.Sprintf("*%s anomaly #%d: %s*", sev, a.ID, escape(a.Detector))
	m := slackMessage{
		Text: fmt.Sprintf("[%s] %s in %s by %s: %s", sev, escape(a.Detector), escape(repo), escape(author),
			escape(truncate(a.Message, 150))),
		Blocks: []slackBlock{
			{Type: "section", Text: &slackText{Type: "mrkdwn", Text: title}},
			{Type: "section", Fields: []slackText{
				mrkdwn("*Severity*\n" + sev), mrkdwn("*Detector*\n" + escape(a.Detector)),
				mrkdwn("*Repository*\n" + escape(repo)), mrkdwn("*Author*\n" + escape(author)),
			}},
			{Type: "section", Text: &slackText{Type: "mrkdwn", Text: escape(msg)}},
		},
	}
	var ls []string
	if l := slackLink(links.Anomaly, "Open in repoguard"); l != "" {
		ls = append(ls, l)
	}
	if l := slackLink(links.Source, "View on GitHub"); l != "" {
		ls = append(ls, l)
	}
	if len(ls) > 0 {
		m.Blocks = append(m.Blocks, slackBlock{Type: "context", Elements: []slackText{mrkdwn(strings.Join(ls, "  ·  "))}})
	}
	return m
}

// location is the anomaly's path and line, or "".
func location(a *guard.Anomaly) string {
	if a.Path == "" || a.Line <= 0 {
		return a.Path
	}
	return a.Path + ":" + strconv.Itoa(a.Line)
}

// escape escapes the characters Slack's mrkdwn gives a meaning to as
// control sequences: &, < and >.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackLink renders <url|label> for an http(s) URL, or "" for another.
func slackLink(u, label string) string {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	return "<" + strings.ReplaceAll(escape(u), "|", "%7C") + "|" + escape(label) + ">"
}

// truncate cuts s to max runes, marking the cut.
func truncate(s string, max int) string {
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// trimSlash drops the trailing slashes of a base URL.
func trimSlash(s string) string { return strings.TrimRight(s, "/") }
