package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/notify"
)

func TestSlackFormat(t *testing.T) {
	ep := newEndpoint(t)
	n, _ := newNotifier(t, []notify.Endpoint{{URL: ep.URL, Format: notify.FormatSlack}},
		notify.Options{BaseURL: "https://guard.example.com"})
	a := anomaly(9, guard.Critical)
	a.Author, a.AuthorName = "mallory", "Mal <!channel>"
	a.Message = "key <https://evil.example|click here> & <!here> added"
	n.Notify(context.Background(), []guard.Anomaly{a})
	n.Close()
	got := ep.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	var m struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type     string `json:"type"`
			Text     *struct{ Text string }
			Fields   []struct{ Text string }
			Elements []struct{ Text string }
		} `json:"blocks"`
	}
	if err := json.Unmarshal(got[0].body, &m); err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, b := range m.Blocks {
		if b.Text != nil {
			all = append(all, b.Text.Text)
		}
		for _, f := range append(b.Fields, b.Elements...) {
			all = append(all, f.Text)
		}
	}
	text := m.Text + "\n" + strings.Join(all, "\n")
	for _, want := range []string{
		"[CRITICAL] key-material in acme/vault#7 by mallory (Mal &lt;!channel&gt;)",
		"key &lt;https://evil.example|click here&gt; &amp; &lt;!here&gt; added",
		"*Severity*\nCRITICAL", "*Detector*\nkey-material", "*Repository*\nacme/vault#7",
		"deploy/key.pem:3",
		"<https://guard.example.com/anomalies/9|Open in repoguard>",
		"<https://github.com/acme/vault/pull/7|View on GitHub>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("slack message lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"<!channel>", "<!here>", "<https://evil"} {
		if strings.Contains(text, bad) {
			t.Errorf("slack message contains unescaped %q", bad)
		}
	}
}

func TestEndpointValidate(t *testing.T) {
	for _, tc := range []struct {
		ep notify.Endpoint
		ok bool
	}{
		{notify.Endpoint{URL: "https://hooks.example.com/x"}, true},
		{notify.Endpoint{URL: "http://10.0.0.1:8080/hook", Format: "json"}, true},
		{notify.Endpoint{URL: "https://hooks.slack.com/services/T/B/C", Format: "slack"}, true},
		{notify.Endpoint{URL: "hooks.example.com/x"}, false},
		{notify.Endpoint{URL: "file:///etc/passwd"}, false},
		{notify.Endpoint{URL: "https://hooks.example.com", Format: "xml"}, false},
	} {
		if err := tc.ep.Validate(); (err == nil) != tc.ok {
			t.Errorf("%v: Validate() = %v", tc.ep, err)
		}
	}
	ep := notify.Endpoint{URL: "https://hooks.slack.com/services/T/B/SECRET", Secret: "hunter2", Format: "slack"}
	for _, s := range []string{ep.String(), fmt.Sprint(ep), fmt.Sprintf("%v %+v %#v", []notify.Endpoint{ep}, ep, ep)} {
		if strings.Contains(s, "SECRET") || strings.Contains(s, "hunter2") || !strings.Contains(s, "hooks.slack.com") {
			t.Errorf("endpoint prints as %q", s)
		}
	}
}
