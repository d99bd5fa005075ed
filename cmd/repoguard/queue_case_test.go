package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/web"
)

// caseIDs returns the ids of the cases of a `queue list --format json`.
func caseIDs(t *testing.T, out string) []int64 {
	t.Helper()
	var p web.CasePage
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("list JSON: %v\n%s", err, out)
	}
	ids := []int64{}
	for _, c := range p.Cases {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestParseQueueRef(t *testing.T) {
	for in, want := range map[string]string{
		"c12": "case c12", "C3": "case c3", "a34": "anomaly 34", "34": "anomaly 34", "#34": "anomaly 34",
		"c0": "", "c": "", "x": "", "a-1": "", "c+1": "", "12c": "", "": "",
	} {
		got, err := parseQueueRef(in)
		if want == "" {
			if err == nil {
				t.Errorf("parseQueueRef(%q) = %s, want an error", in, got)
			}
			continue
		}
		if err != nil || got.String() != want {
			t.Errorf("parseQueueRef(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
}

// TestQueueCasesLocal: `queue list` prints one row per case, `queue
// show` and the triage verbs take a case (c1) as well as an anomaly.
func TestQueueCasesLocal(t *testing.T) {
	t.Setenv("REPOGUARD_SERVER", "")
	t.Setenv("USER", "carol")
	db := seedQueueDB(t, nil)

	out, _ := mustRun(t, exitOK, "queue", "list", "--db", db)
	wantContains(t, "list", out, "CASE", "RISK", "TOP DETECTOR",
		"c1    90    acme/wallet  0123456789  mallory  2024-05-01", "2: 1 critical, 1 medium", "key-material +1", "open",
		"c2    60    acme/infra   #12", "2: 1 high, 1 low", "ci-tamper +1", "CI: faster builds", "1 to 2 of 2")
	out, _ = mustRun(t, exitOK, "queue", "list", "--db", db, "--repo", "INFRA", "--format", "json")
	if ids := caseIDs(t, out); len(ids) != 1 || ids[0] != 2 {
		t.Errorf("--repo INFRA: cases %v, want [2]", ids)
	}
	out, _ = mustRun(t, exitOK, "queue", "list", "--db", db, "--sort", "date", "--format", "json")
	if ids := caseIDs(t, out); len(ids) != 2 || ids[0] != 1 {
		t.Errorf("--sort date: cases %v, want [1 2]", ids)
	}
	_, errOut := mustRun(t, exitError, "queue", "list", "--db", db, "--sort", "severity")
	wantContains(t, "case sort", errOut, `unknown sort "severity" (want risk, date, updated, repo)`)

	out, _ = mustRun(t, exitOK, "queue", "show", "c1", "--db", db)
	wantContains(t, "show c1", out, "case c1  RISK 90 (critical)  open", "Add deploy key", "Mallory <mallory@example.com>",
		"a1  CRITICAL  open", "deploy/key.pem:1", "a2  MEDIUM", "history", "anomaly.created")

	out, _ = mustRun(t, exitOK, "queue", "ack", "c1", "--actor", "alice", "--db", db)
	wantContains(t, "ack c1", out, "case c1: acknowledged; acknowledged a1, a2")
	_, errOut = mustRun(t, exitError, "queue", "ack", "c1", "--db", db)
	wantContains(t, "ack c1 again", errOut, "no finding of case 1 can be acknowledged now")
	_, errOut = mustRun(t, exitError, "queue", "dismiss", "c1", "--reason", "mine", "--actor", "mallory", "--db", db)
	wantContains(t, "self-dismiss", errOut, "they took part in the change")
	out, _ = mustRun(t, exitOK, "queue", "show", "c1", "--db", db, "--format", "json")
	var v web.CaseDetail
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Case.Status != "acknowledged" || len(v.Anomalies) != 2 || v.History[len(v.History)-1].Action != "case.acknowledged" {
		t.Errorf("show c1 after ack: %+v", v)
	}
	_, errOut = mustRun(t, exitError, "queue", "show", "c9", "--db", db)
	wantContains(t, "not found", errOut, "case c9 not found")
}

// TestQueueCaseTwoPersonCLI: a case's blocking finding waits for a
// second triager, from the command line too.
func TestQueueCaseTwoPersonCLI(t *testing.T) {
	t.Setenv("REPOGUARD_AUDIT_KEY_FILE", "")
	path := seedQueueDB(t, nil) // c2: acme/infra#12 by bob, anomalies 3 (high) and 4 (low)
	blockAtHigh(t, path)
	_, errOut := mustRun(t, exitError, "queue", "resolve", "c2", "--actor", "bob", "--db", path)
	wantContains(t, "the author resolves", errOut, "they took part in the change")
	out, errOut := mustRun(t, exitOK, "queue", "resolve", "c2", "--reason", "reverted", "--actor", "carol", "--db", path)
	wantContains(t, "carol asks", out, "case c2: open; resolved a4; resolve asked for a3",
		"a second triager must confirm it (queue resolve c2)")
	wantContains(t, "local note", errOut, "pull request #12's check is re-evaluated only")
	out, _ = mustRun(t, exitOK, "queue", "show", "c2", "--db", path)
	wantContains(t, "show", out, "open, 1 pending", "resolve asked by carol")
	out, _ = mustRun(t, exitOK, "queue", "resolve", "c2", "--actor", "dave", "--db", path)
	wantContains(t, "dave confirms", out, "case c2: resolved; resolved a3")
}

// TestQueueCasesAPI: the case commands work through a server's API.
func TestQueueCasesAPI(t *testing.T) {
	srv, token, _ := apiServer(t, seedQueueDB(t, nil))
	t.Setenv("REPOGUARD_SERVER", srv)
	t.Setenv("REPOGUARD_TOKEN", token)
	out, _ := mustRun(t, exitOK, "queue", "list")
	wantContains(t, "list", out, "c1", "acme/wallet", "c2", "#12", "1 to 2 of 2")
	out, _ = mustRun(t, exitOK, "queue", "list", "--author", "BO", "--format", "json")
	if ids := caseIDs(t, out); len(ids) != 1 || ids[0] != 2 {
		t.Errorf("--author BO: cases %v, want [2]", ids)
	}
	out, _ = mustRun(t, exitOK, "queue", "dismiss", "c1", "--reason", "test fixture")
	wantContains(t, "dismiss c1", out, "case c1: dismissed; dismissed a1, a2")
	out, _ = mustRun(t, exitOK, "queue", "show", "c1")
	wantContains(t, "show c1", out, "case c1", "dismissed", "token:ci", "case.dismissed")
	_, errOut := mustRun(t, exitError, "queue", "show", "c7")
	wantContains(t, "not found", errOut, "case c7 not found")
	if strings.Contains(out, token) {
		t.Error("the token was printed")
	}
}

// FuzzParseQueueRef: any argument parses to a positive id that prints
// back to itself, or fails with a message naming it.
func FuzzParseQueueRef(f *testing.F) {
	for _, s := range []string{"c12", "a34", "34", "#34", "c", "c-1", "C9223372036854775807", "a99999999999999999999", "é1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := parseQueueRef(s)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("error %q does not name %q", err, s)
			}
			return
		}
		if ref.id <= 0 {
			t.Fatalf("parseQueueRef(%q) = id %d", s, ref.id)
		}
		tag := "a"
		if ref.isCase {
			tag = "c"
		}
		back, err := parseQueueRef(fmt.Sprintf("%s%d", tag, ref.id))
		if err != nil || back != ref {
			t.Fatalf("parseQueueRef(%q) = %+v, which does not print back: %+v, %v", s, ref, back, err)
		}
	})
}
