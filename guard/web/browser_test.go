package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/web"
)

// chromium finds a Chromium or Chrome binary, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if p := os.Getenv("REPOGUARD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Skip("browser test skipped: no chromium in PATH (install it, e.g. apt-get install chromium, or set REPOGUARD_CHROMIUM)")
	return ""
}

// browser starts a headless Chromium with a fresh profile; it fails the
// test if a JavaScript dialog ever opens.
func browser(t *testing.T) (context.Context, *atomic.Int32) {
	exe := chromium(t)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	dialogs := &atomic.Int32{}
	err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, dialogs
}

// step runs actions with a timeout.
func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition (Poll would need eval, which the
// page's CSP forbids).
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", expr)
}

func openCount(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, _ := strconv.Atoi(eval[string](t, ctx, `document.querySelector('a[data-status="open"] .count').textContent`))
	return n
}

// TestBrowserTriage: in a browser, the queue lists cases; a filter by
// part of a name narrows it, j and Enter open a case, one finding is
// acknowledged from the case page and the whole case is then dismissed
// with d and a reason.
func TestBrowserTriage(t *testing.T) {
	ctx, dialogs := browser(t)
	e := newEnv(t, func(c *web.Config) { c.InsecureCookies = true; c.Now = time.Now })
	e.store.Now = time.Now
	e.seed()
	xssCase := e.store.AddCase(guard.Case{Repo: "acme/xss", Commit: "abc", Subject: "Add helper " + xss, Author: "mallory"})
	xssID := e.store.AddAnomaly(guard.Anomaly{CaseID: xssCase, Repo: "acme/xss", Detector: "obfuscation", Author: "mallory",
		AuthorName: xss, Severity: guard.High, Message: "Add helper " + xss, Evidence: []string{xss}})
	srv := httptest.NewServer(e.h)
	t.Cleanup(srv.Close)

	step(t, ctx, "sign in with the local link", chromedp.Navigate(e.local.Link(srv.URL)),
		chromedp.WaitVisible(chromedp.CSS(`a[data-status="open"]`)))
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/" {
		t.Fatalf("after sign-in at %s", loc)
	}
	before := openCount(t, ctx)
	if before != 3 {
		t.Fatalf("open count %d, want 3 cases", before)
	}

	step(t, ctx, "filter by part of the repository", chromedp.SendKeys(chromedp.CSS(`input[name="repo"]`), "Wallet"),
		chromedp.Click(chromedp.ID("filter")))
	waitFor(t, ctx, `location.search.includes("repo=Wallet") && document.readyState === "complete"`)
	if n := eval[int](t, ctx, `document.querySelectorAll("tr[data-row]").length`); n != 1 {
		t.Fatalf("%d rows for acme/wallet, want 1 case", n)
	}
	if n := openCount(t, ctx); n != 1 {
		t.Errorf("open count %d in acme/wallet, want 1", n)
	}

	// j focuses the first row, k stays, Enter opens its case.
	step(t, ctx, "j/Enter", chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k"))
	if href := eval[string](t, ctx, `document.activeElement.getAttribute("href")`); href != "/cases/1" {
		t.Fatalf("focused %q", href)
	}
	step(t, ctx, "open", chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.ID("btn-dismiss")))
	if p := eval[string](t, ctx, `location.pathname`); p != "/cases/1" {
		t.Fatalf("opened %s", p)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("article.finding").length`); n != 2 {
		t.Fatalf("%d findings on the case page, want 2", n)
	}

	findingStatus := func(id int) string {
		return eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#anomaly-%d [data-status]").textContent`, id))
	}
	step(t, ctx, "acknowledge one finding", chromedp.Click(chromedp.ID("btn-ack-2")))
	waitFor(t, ctx, `location.hash === "#anomaly-2" && document.readyState === "complete"`)
	if st := findingStatus(2); st != "acknowledged" {
		t.Errorf("finding 2 is %q after acknowledging it", st)
	}
	if st := findingStatus(1); st != "open" {
		t.Errorf("finding 1 is %q after acknowledging finding 2 alone", st)
	}
	if st := eval[string](t, ctx, `document.getElementById("status").textContent`); st != "open" {
		t.Errorf("case is %q while a finding is open", st)
	}

	step(t, ctx, "d focuses the reason", chromedp.KeyEvent("d"))
	if id := eval[string](t, ctx, `document.activeElement.id`); id != "dismiss-reason" {
		t.Fatalf("d focused %q", id)
	}
	step(t, ctx, "dismiss the case with a reason", chromedp.SendKeys(chromedp.ID("dismiss-reason"), "test fixture key"),
		chromedp.Click(chromedp.ID("btn-dismiss")))
	waitFor(t, ctx, `document.getElementById("status").textContent === "dismissed"`)
	for _, id := range []int{1, 2} {
		if st := findingStatus(id); st != "dismissed" {
			t.Errorf("finding %d is %q after dismissing the case", id, st)
		}
	}
	if txt := eval[string](t, ctx, `document.querySelector("table.history").innerText`); !strings.Contains(txt, "case:1") {
		t.Errorf("history lacks the case's own entry:\n%s", txt)
	}

	step(t, ctx, "back to the queue", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`a[data-status="open"]`)))
	if after := openCount(t, ctx); after != before-1 {
		t.Errorf("open count %d after dismissing a case, want %d", after, before-1)
	}

	// The XSS case shows its script as text, in the queue and on its pages.
	step(t, ctx, "queue with xss", chromedp.Navigate(srv.URL+"/?repo=xss"), chromedp.WaitVisible(chromedp.CSS("a.open")))
	if txt := eval[string](t, ctx, `document.querySelector("a.open").textContent`); !strings.Contains(txt, xss) {
		t.Errorf("queue shows %q", txt)
	}
	step(t, ctx, "case with xss", chromedp.Navigate(fmt.Sprintf("%s/cases/%d", srv.URL, xssCase)),
		chromedp.WaitVisible(chromedp.ID("subject")))
	if txt := eval[string](t, ctx, `document.getElementById("subject").innerText`); txt != "Add helper "+xss {
		t.Errorf("subject shows %q", txt)
	}
	step(t, ctx, "anomaly with xss", chromedp.Navigate(fmt.Sprintf("%s/anomalies/%d", srv.URL, xssID)),
		chromedp.WaitVisible(chromedp.ID("message")))
	if txt := eval[string](t, ctx, `document.getElementById("message").innerText`); txt != "Add helper "+xss {
		t.Errorf("message shows %q", txt)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("main script").length`); n != 0 {
		t.Errorf("%d script elements in the page's content", n)
	}
	time.Sleep(200 * time.Millisecond)
	if n := dialogs.Load(); n != 0 {
		t.Errorf("%d JavaScript dialogs opened", n)
	}
}
