package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

const xss = `<script>alert(1)</script>`

func TestXSSEscaped(t *testing.T) {
	e := newEnv(t)
	author := `"><img src=x onerror=alert(2)>`
	cid := e.store.AddCase(guard.Case{Repo: "acme/x", Commit: "abc", Subject: "commit subject: " + xss, Author: author,
		AuthorName: xss, URL: "javascript:alert(3)"})
	id := e.store.AddAnomaly(guard.Anomaly{CaseID: cid, Repo: "acme/x", Detector: "obfuscation", Author: author,
		AuthorName: xss, Severity: guard.High, Message: "commit subject: " + xss, Evidence: []string{xss},
		URL: "javascript:alert(3)", Path: xss, Commit: "abc"})
	e.store.Triage(t.Context(), id, "bob", guard.TriageAction{Kind: "comment", Body: xss})
	u := e.signIn(guard.RoleTriage)
	for _, target := range []string{"/", fmt.Sprintf("/cases/%d", cid), fmt.Sprintf("/anomalies/%d", id),
		"/authors/" + "%22%3E%3Cimg%20src=x%20onerror=alert(2)%3E"} {
		t.Run(target, func(t *testing.T) {
			rec := e.do(req{target: target, user: &u})
			wantStatus(t, rec, http.StatusOK)
			body := rec.Body.String()
			for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert"} {
				if strings.Contains(body, bad) {
					t.Errorf("page contains %q unescaped", bad)
				}
			}
			if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("escaped message missing")
			}
		})
	}
}

// rows counts the queue's rows.
func rows(body string) int { return strings.Count(body, "<tr data-row") }

// tabCount reads the count of a status tab.
func tabCount(t *testing.T, body, status string) string {
	t.Helper()
	m := regexp.MustCompile(`data-status="` + status + `"[^>]*>` + status + ` <span class="count">(\d+)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s tab in\n%s", status, body)
	}
	return m[1]
}

// TestQueueFiltersAndCounts: the queue lists cases, open ones riskiest
// first; its text filters match substrings, ignoring case; its dates
// are the commits'.
func TestQueueFiltersAndCounts(t *testing.T) {
	e := newEnv(t)
	e.seed() // cases: mallory's (open), bob's (open and acknowledged: open), carol's (dismissed)
	u := e.signIn(guard.RoleTriage)
	for _, tc := range []struct {
		query                  string
		rows                   int
		open, dismissed, total string
	}{
		{"", 2, "2", "1", "3"},
		{"?status=all", 3, "2", "1", "3"},
		{"?status=dismissed", 1, "2", "1", "3"},
		{"?repo=WALLET", 1, "1", "0", "1"},
		{"?repo=infra&status=all", 2, "1", "1", "2"},
		{"?severity=critical&status=all", 1, "1", "0", "1"},
		{"?detector=zone&author=CAR&status=all", 1, "0", "1", "1"},
		{"?status=all&since=2026-03-02", 2, "2", "0", "2"},
		{"?status=all&until=2026-03-01", 1, "0", "1", "1"},
		{"?status=all&sort=date&desc=0", 3, "2", "1", "3"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			rec := e.do(req{target: "/" + tc.query, user: &u})
			wantStatus(t, rec, http.StatusOK)
			body := rec.Body.String()
			if n := rows(body); n != tc.rows {
				t.Errorf("%d rows, want %d", n, tc.rows)
			}
			if got := tabCount(t, body, "open"); got != tc.open {
				t.Errorf("open count %s, want %s", got, tc.open)
			}
			if got := tabCount(t, body, "dismissed"); got != tc.dismissed {
				t.Errorf("dismissed count %s, want %s", got, tc.dismissed)
			}
			if got := tabCount(t, body, "all"); got != tc.total {
				t.Errorf("all count %s, want %s", got, tc.total)
			}
		})
	}
	// Riskiest first by default; oldest commit first when asked.
	body := e.do(req{target: "/", user: &u}).Body.String()
	if strings.Index(body, "acme/wallet") > strings.Index(body, "acme/infra") {
		t.Error("default order is not by risk, descending")
	}
	body = e.do(req{target: "/?status=all&sort=date&desc=0", user: &u}).Body.String()
	if !(strings.Index(body, ">carol<") < strings.Index(body, ">bob<") && strings.Index(body, ">bob<") < strings.Index(body, ">mallory<")) {
		t.Error("sort=date&desc=0 is not oldest commit first")
	}
	// A row: risk, repository, commit, author, the commit's date, the
	// findings by severity, the detectors, the status.
	for _, want := range []string{`title="risk 100 of 100 (critical)">100</span>`, "<code>6d616c6c6f</code>",
		`<time datetime="2026-03-02T11:00:00Z" title="2026-03-02 11:00 UTC">2026-03-02</time> <span class="muted">1h</span>`,
		`>1 critical</span> <span class="sev sev-medium" title="1 medium">1 medium</span>`, "<td>key-material, odd-hours</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	for _, bad := range []string{"?sort=evil", "?sort=severity", "?severity=huge", "?status=gone", "?since=yesterday"} {
		wantStatus(t, e.do(req{target: "/" + bad, user: &u}), http.StatusBadRequest)
	}
}

func TestQueuePaging(t *testing.T) {
	e := newEnv(t)
	for i := range 120 {
		e.store.AddAnomaly(guard.Anomaly{Repo: "acme/a", Detector: "d", Severity: guard.Low, Commit: fmt.Sprintf("%040x", i),
			Message: fmt.Sprintf("m%d", i), CreatedAt: epoch.Add(-time.Duration(i) * time.Minute)})
	}
	u := e.signIn(guard.RoleTriage)
	body := e.do(req{target: "/?repo=acme/a", user: &u}).Body.String()
	if rows(body) != 50 || !strings.Contains(body, "1–50 of 120") || !strings.Contains(body, `rel="next"`) {
		t.Errorf("page 1: %d rows", rows(body))
	}
	if !strings.Contains(body, `href="/?page=2&amp;repo=acme%2Fa"`) {
		t.Error("next link does not keep the filter")
	}
	body = e.do(req{target: "/?repo=acme/a&page=3", user: &u}).Body.String()
	if rows(body) != 20 || strings.Contains(body, `rel="next"`) || !strings.Contains(body, "101–120 of 120") {
		t.Errorf("page 3: %d rows", rows(body))
	}
	rec := e.do(req{target: "/api/v1/anomalies?limit=30&offset=100&status=open", user: &u})
	l := decode[struct {
		Anomalies []guard.Anomaly
		Total     int
		Counts    map[string]int
	}](t, rec)
	if len(l.Anomalies) != 20 || l.Total != 120 || l.Counts["open"] != 120 {
		t.Errorf("api page: %d rows, total %d, counts %v", len(l.Anomalies), l.Total, l.Counts)
	}
	wantStatus(t, e.do(req{target: "/api/v1/anomalies?limit=0", user: &u}), http.StatusBadRequest)
	cl := decode[web.CasePage](t, e.do(req{target: "/api/v1/cases?limit=30&offset=100&sort=date", user: &u}))
	if len(cl.Cases) != 20 || cl.Total != 120 || cl.Cases[0].Commit != fmt.Sprintf("%040x", 19) {
		t.Errorf("api page of cases: %d, total %d, first %+v", len(cl.Cases), cl.Total, cl.Cases)
	}
}

func TestAuthorHeatmap(t *testing.T) {
	e := newEnv(t)
	p := guard.NewProfile("mallory", "acme/wallet")
	for i, at := range []time.Time{epoch, epoch.Add(time.Hour), epoch.Add(26 * time.Hour)} {
		c := &guard.Commit{Author: guard.Person{When: at.In(time.FixedZone("", 3600))},
			Committer: guard.Person{When: at}, Files: []guard.FileChange{{Path: "contracts/Vault.sol", Added: i}}}
		p.Learn(c, [][]string{{"contracts"}})
	}
	e.store.PutProfile(p)
	e.store.PutIdentity(guard.Identity{Key: "mallory", Login: "mallory", Emails: []string{"m@acme.io"}})
	u := e.signIn(guard.RoleRead)
	rec := e.do(req{target: "/authors/mallory", user: &u})
	wantStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	if n := strings.Count(body, `<rect class="cell`); n != guard.HoursPerWeek {
		t.Errorf("%d heatmap cells, want 168", n)
	}
	if n := strings.Count(body, `<rect class="cell l0"`); n != guard.HoursPerWeek-3 {
		t.Errorf("%d empty cells, want 165", n)
	}
	for _, want := range []string{"<title>Mon 12:00–12:59 UTC: 1 commit</title>", "UTC&#43;01:00", "contracts", "m@acme.io"} {
		if !strings.Contains(body, want) {
			t.Errorf("author page lacks %q", want)
		}
	}
	rec = e.do(req{target: "/api/v1/authors/mallory", user: &u})
	a := decode[struct{ Profile *guard.Profile }](t, rec)
	if a.Profile == nil || a.Profile.Commits != 3 {
		t.Errorf("api profile %+v", a.Profile)
	}
	wantStatus(t, e.do(req{target: "/authors/nobody", user: &u}), http.StatusNotFound)
}

func TestTriage(t *testing.T) {
	e := newEnv(t)
	e.seed() // 1 critical, 2 medium, 3 low, 4 high acknowledged, 5 dismissed
	u := e.signIn(guard.RoleTriage)
	post := func(target string, kv ...string) int {
		return e.do(req{method: "POST", target: target, user: &u, form: u.form(kv...)}).Code
	}
	if got := post("/anomalies/2/dismiss"); got != http.StatusBadRequest {
		t.Errorf("dismiss without reason: %d", got)
	}
	if got := post("/anomalies/2/dismiss", "reason", "known cron job"); got != http.StatusSeeOther {
		t.Errorf("dismiss: %d", got)
	}
	if got := post("/anomalies/2/dismiss", "reason", "again"); got != http.StatusBadRequest {
		t.Errorf("dismiss twice: %d", got)
	}
	if got := post("/anomalies/9/ack"); got != http.StatusNotFound {
		t.Errorf("unknown anomaly: %d", got)
	}
	own := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/a", Detector: "d", Author: "alice", Message: "mine"})
	if got := post(fmt.Sprintf("/anomalies/%d/dismiss", own), "reason", "it is fine"); got != http.StatusForbidden {
		t.Errorf("dismissing one's own anomaly: %d", got)
	}
	if got := post("/anomalies/1/explode"); got != http.StatusNotFound {
		t.Errorf("unknown action: %d", got)
	}
	post("/anomalies/3/resolve")
	post("/anomalies/1/resolve")
	post("/anomalies/5/reopen")
	post("/anomalies/4/assign", "assignee", "carol")
	post("/anomalies/4/comment", "body", "looking")
	if len(e.resolved) != 1 || e.resolved[0] != 1 {
		t.Errorf("OnResolve called for %v, want [1] (the critical one)", e.resolved)
	}
	body := e.do(req{target: "/anomalies/4", user: &u}).Body.String()
	for _, want := range []string{"carol", "looking", "<td>assign</td>", "<td>comment</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("anomaly page lacks %q", want)
		}
	}
	rec := e.do(req{target: "/api/v1/anomalies/2", user: &u})
	d := decode[struct {
		Anomaly guard.Anomaly
		History []guard.AuditEntry
	}](t, rec)
	if d.Anomaly.Reason != "known cron job" || len(d.History) != 1 {
		t.Errorf("api anomaly %+v", d)
	}
	wantStatus(t, e.do(req{target: "/api/v1/anomalies/x", user: &u}), http.StatusNotFound)
	rec = e.do(req{method: "POST", target: "/api/v1/anomalies/4/comment", user: &u, json: `{"bdy":"x"}`,
		header: map[string]string{"X-CSRF-Token": u.csrf}})
	wantStatus(t, rec, http.StatusBadRequest)
}

func TestSuppressions(t *testing.T) {
	e := newEnv(t)
	e.seed()
	u := e.signIn(guard.RoleTriage)
	body := e.do(req{target: "/suppressions?anomaly=2", user: &u}).Body.String()
	if !strings.Contains(body, `value="odd-hours"`) || !strings.Contains(body, `value="mallory"`) {
		t.Error("form not filled in from the anomaly")
	}
	post := func(kv ...string) int {
		return e.do(req{method: "POST", target: "/suppressions", user: &u, form: u.form(kv...)}).Code
	}
	ok := []string{"detector", "odd-hours", "author", "mallory", "reason", "on call", "expires", "2026-04-01"}
	for name, kv := range map[string][]string{
		"both author and glob": append(ok, "path_glob", "deploy/**"),
		"no reason":            append(ok, "reason", ""),
		"past expiry":          append(ok, "expires", "2026-01-01"),
		"expiry beyond a year": append(ok, "expires", "2028-01-01"),
		"bad glob":             {"detector", "d", "path_glob", "[", "reason", "r", "expires", "2026-04-01"},
	} {
		if got := post(kv...); got != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, got)
		}
	}
	if got := post(ok...); got != http.StatusSeeOther {
		t.Fatalf("add: %d", got)
	}
	list, _ := e.store.Suppressions(t.Context(), false)
	if len(list) != 1 || list[0].CreatedBy != "alice" || !list[0].ExpiresAt.Equal(time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("suppressions %+v", list)
	}
	if !strings.Contains(e.do(req{target: "/suppressions", user: &u}).Body.String(), "on call") {
		t.Error("list lacks the suppression")
	}
	hdr := map[string]string{"X-CSRF-Token": u.csrf}
	rec := e.do(req{method: "POST", target: "/api/v1/suppressions", user: &u, header: hdr,
		json: `{"detector":"key-material","path_glob":"testdata/**","reason":"fixtures","expires_at":"2026-05-01T00:00:00Z"}`})
	wantStatus(t, rec, http.StatusCreated)
	id := decode[guard.Suppression](t, rec).ID
	wantStatus(t, e.do(req{method: "DELETE", target: fmt.Sprintf("/api/v1/suppressions/%d", id), user: &u, header: hdr}), http.StatusNoContent)
	wantStatus(t, e.do(req{method: "DELETE", target: fmt.Sprintf("/api/v1/suppressions/%d", id), user: &u, header: hdr}), http.StatusNotFound)
	if got := e.do(req{method: "POST", target: "/suppressions/1/delete", user: &u, form: u.form()}).Code; got != http.StatusSeeOther {
		t.Errorf("remove: %d", got)
	}
	l := decode[struct{ Suppressions []guard.Suppression }](t, e.do(req{target: "/api/v1/suppressions", user: &u}))
	if len(l.Suppressions) != 0 {
		t.Errorf("left %+v", l.Suppressions)
	}
}

func TestAnomalyHunk(t *testing.T) {
	e := newEnv(t)
	id := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/x", Detector: "network-endpoint", Author: "bob",
		Severity: guard.High, Message: "new host", Path: "web/index.html", Line: 8, Commit: "abc",
		URL:  "https://github.com/acme/x/commit/abc",
		Hunk: []guard.Line{{Number: 7, Text: "<p>"}, {Number: 8, Text: "\t" + xss}, {Number: 9, Text: `"&'`}}})
	plain := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/x", Detector: "network-endpoint", Author: "bob",
		Severity: guard.High, Message: "new host", Path: "web/app.js", Line: 3, Commit: "abc"})
	u := e.signIn(guard.RoleRead)

	rec := e.do(req{target: fmt.Sprintf("/anomalies/%d", id), user: &u})
	wantStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "\n<p>\n") {
		t.Error("hunk rendered unescaped")
	}
	for _, want := range []string{
		`<figure class="hunk" id="hunk">`,
		`<span class="ln">7</span><span class="add">+</span>&lt;p&gt;`,
		`<span class="hunk-line hunk-hit"><span class="ln">8</span><span class="add">+</span>` + "\t&lt;script&gt;alert(1)&lt;/script&gt;",
		`<span class="ln">9</span><span class="add">+</span>&#34;&amp;&#39;`,
		`href="https://github.com/acme/x/blob/abc/web/index.html#L8"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("anomaly page lacks %q", want)
		}
	}
	if n := strings.Count(body, `class="hunk-line`); n != 3 {
		t.Errorf("%d hunk lines, want 3", n)
	}

	rec = e.do(req{target: fmt.Sprintf("/anomalies/%d", plain), user: &u})
	wantStatus(t, rec, http.StatusOK)
	body = rec.Body.String()
	if strings.Contains(body, `id="hunk"`) {
		t.Error("hunk block shown for an anomaly without a hunk")
	}
	// Recorded without a URL (a local scan), it is not known to be on
	// GitHub: no link is made up from its name.
	if !strings.Contains(body, "<code>web/app.js:3</code>") || !strings.Contains(body, `<code title="abc">abc</code>`) {
		t.Error("location or commit missing")
	}
	if strings.Contains(body, `href="https://github.com`) {
		t.Error("links to GitHub for an anomaly recorded without a URL")
	}
}
