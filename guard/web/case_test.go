package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// statuses returns the statuses of the anomalies ids.
func (e *env) statuses(ids ...int64) string {
	var out []string
	for _, id := range ids {
		a, err := e.store.Anomaly(e.t.(*testing.T).Context(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, string(a.Status))
	}
	return strings.Join(out, " ")
}

// TestCasePage: a case shows its change, its findings with their
// explanations, and triage buttons for the case and for each finding.
func TestCasePage(t *testing.T) {
	e := newEnv(t, func(c *web.Config) {
		c.DetectorDocs = map[string]string{"key-material": "Reports private keys and seed phrases."}
	})
	e.seed()
	u := e.signIn(guard.RoleTriage)
	rec := e.do(req{target: "/cases/1", user: &u})
	wantStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	commit := "6d616c6c6f7279000000000000000000000000000"[:40]
	for _, want := range []string{
		`<span class="status st-open" id="status">open</span>`,
		`<a href="https://github.com/acme/wallet/commit/` + commit + `" id="commit-link"><code>6d616c6c6f</code></a>`,
		"private key added", "Reports private keys and seed phrases.", "first commit at 03:00",
		`<a href="https://github.com/acme/wallet/blob/` + commit + `/deploy/run.sh#L7">`,
		`id="btn-ack"`, `id="btn-dismiss"`, `id="btn-ack-1"`, `id="btn-ack-2"`, `id="dismiss-reason-2"`,
		`<input type="hidden" name="back" value="case">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	// Bob's case was recorded without a URL: no link.
	body = e.do(req{target: "/cases/2", user: &u}).Body.String()
	if strings.Contains(body, `href="https://github.com`) || !strings.Contains(body, `<code id="commit"`) {
		t.Error("the case of a repository not known to be on GitHub links to it")
	}
	wantStatus(t, e.do(req{target: "/cases/9", user: &u}), http.StatusNotFound)
	wantStatus(t, e.do(req{target: "/cases/x", user: &u}), http.StatusNotFound)
	r := e.signIn(guard.RoleRead)
	if body := e.do(req{target: "/cases/1", user: &r}).Body.String(); strings.Contains(body, `id="btn-ack"`) {
		t.Error("a reader is offered triage")
	}
}

// TestCaseTriage: an action on a case applies to each of its findings
// it applies to, one finding can be triaged from the case page, and the
// API does what the page does.
func TestCaseTriage(t *testing.T) {
	e := newEnv(t)
	e.seed() // case 1: anomalies 1 (critical) and 2 (medium), open; case 2: 3 open, 4 acknowledged
	u := e.signIn(guard.RoleTriage)
	post := func(target string, kv ...string) *http.Response {
		return e.do(req{method: "POST", target: target, user: &u, form: u.form(kv...)}).Result()
	}
	if got := post("/cases/1/dismiss").StatusCode; got != http.StatusBadRequest {
		t.Errorf("dismiss without a reason: %d", got)
	}
	res := post("/cases/1/ack")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/1" {
		t.Errorf("ack the case: %d to %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := e.statuses(1, 2); got != "acknowledged acknowledged" {
		t.Errorf("after acknowledging the case: %s", got)
	}
	if got := post("/cases/1/ack").StatusCode; got != http.StatusBadRequest {
		t.Errorf("ack again: %d", got)
	}
	res = post("/anomalies/2/resolve", "back", "case")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cases/1#anomaly-2" {
		t.Errorf("resolve one finding from the case page: %d to %s", res.StatusCode, res.Header.Get("Location"))
	}
	if got := post("/cases/1/resolve").StatusCode; got != http.StatusSeeOther {
		t.Errorf("resolve the case: %d", got)
	}
	if got := e.statuses(1, 2); got != "resolved resolved" || len(e.resolved) != 1 || e.resolved[0] != 1 {
		t.Errorf("after resolving the case: %s, OnResolve %v (want once, the critical one)", got, e.resolved)
	}
	h := decode[web.CaseDetail](t, e.do(req{target: "/api/v1/cases/1", user: &u}))
	var caseEntries int
	for _, en := range h.History {
		if en.Subject == "case:1" {
			caseEntries++
		}
	}
	if h.Case.Status != guard.StatusResolved || len(h.Anomalies) != 2 || len(h.History) != 6 || caseEntries != 2 ||
		strings.Join(h.Actions, " ") != "reopen" {
		t.Errorf("api case after triage: %s, %d anomalies, %d entries (%d of the case), actions %v",
			h.Case.Status, len(h.Anomalies), len(h.History), caseEntries, h.Actions)
	}

	hdr := map[string]string{"X-CSRF-Token": u.csrf}
	rec := e.do(req{method: "POST", target: "/api/v1/cases/2/triage", user: &u, header: hdr, json: `{"kind":"confirm"}`})
	wantStatus(t, rec, http.StatusOK)
	got := decode[web.CaseTriage](t, rec)
	if got.Case.Status != guard.StatusConfirmed || len(got.Anomalies) != 2 {
		t.Errorf("api confirm: %+v", got)
	}
	for body, want := range map[string]int{`{"kind":"explode"}`: http.StatusNotFound, `{"kind":"ack"}`: http.StatusBadRequest,
		`{"kind":"confirm","x":1}`: http.StatusBadRequest} {
		wantStatus(t, e.do(req{method: "POST", target: "/api/v1/cases/2/triage", user: &u, header: hdr, json: body}), want)
	}
	l := decode[struct {
		web.CasePage
		Counts map[string]int
	}](t, e.do(req{target: "/api/v1/cases?author=CAR", user: &u}))
	if l.Total != 1 || l.Cases[0].Author != "carol" || l.Counts["dismissed"] != 1 {
		t.Errorf("api cases by author: %+v", l)
	}
}

// TestCaseTwoPerson: a contributor may not release a case's findings;
// a blocking finding's release waits for a second triager (202), who
// confirms it on the case.
func TestCaseTwoPerson(t *testing.T) {
	e := newEnv(t)
	e.store.PutPull("acme/vault", 7, guard.PullFacts{Participants: []string{"mallory", "dave"}, Block: guard.High})
	key := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/vault", PullRequest: 7, Detector: "key-material",
		Author: "mallory", Severity: guard.Critical, Message: "private key added"})
	late := e.store.AddAnomaly(guard.Anomaly{Repo: "acme/vault", PullRequest: 7, Detector: "odd-hours",
		Author: "mallory", Severity: guard.Medium, Message: "03:00"})
	bob, carol, dave := e.signInAs("bob"), e.signInAs("carol"), e.signInAs("dave")
	api := func(u user) int {
		return e.do(req{method: "POST", target: "/api/v1/cases/1/triage", user: &u,
			json: `{"kind":"dismiss","reason":"test key"}`, header: map[string]string{"X-CSRF-Token": u.csrf}}).Code
	}
	if got := api(dave); got != http.StatusForbidden || e.statuses(key, late) != "open open" {
		t.Errorf("a contributor dismisses the case: %d, %s", got, e.statuses(key, late))
	}
	if got := api(bob); got != http.StatusAccepted || e.statuses(key, late) != "open dismissed" {
		t.Errorf("bob dismisses the case: %d, %s; want 202, the critical one waiting", got, e.statuses(key, late))
	}
	page := e.do(req{target: "/cases/1", user: &carol}).Body.String()
	for _, want := range []string{`id="pending"`, "Dismissal asked by bob", "Confirm the dismissal"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	if got := api(bob); got != http.StatusForbidden {
		t.Errorf("bob confirms his own: %d", got)
	}
	if got := api(carol); got != http.StatusOK || e.statuses(key, late) != "dismissed dismissed" || len(e.resolved) != 1 {
		t.Errorf("carol confirms: %d, %s, OnResolve %v", got, e.statuses(key, late), e.resolved)
	}
}
