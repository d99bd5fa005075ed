package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app/apptest"
	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/logtest"
	"github.com/repoguard/repoguard/webhooks"
)

// The world of the end-to-end tests of `repoguard serve` (apptest): the
// App is installed on acme/widgets, whose main branch asks one
// independent approval for contracts.
const (
	e2ePublicURL = "https://repoguard.acme.test"
	e2eSecret    = "e2e-webhook-secret"
	e2ePolicy    = "version: 1\ncategories:\n  - name: contracts\n    approvals: 1\n"

	// serveChildEnv makes the test binary run `repoguard serve` instead
	// of the tests (see init), so that a test can SIGKILL a server.
	serveChildEnv = "REPOGUARD_TEST_SERVE_CHILD"
	// e2eTimeout bounds every wait for asynchronous processing.
	e2eTimeout = 30 * time.Second
)

// init runs `repoguard serve` configured from the environment when the
// test binary is re-executed as a server child process.
func init() {
	if os.Getenv(serveChildEnv) != "1" {
		return
	}
	os.Exit(run(&env{ctx: context.Background(), stdout: os.Stdout, stderr: os.Stderr}, []string{"serve"}))
}

// e2e is the world of apptest (a fake GitHub API, a Git server holding
// acme/widgets.git, a working clone to commit in), the App's private key
// and the server's data directory. Tests using it run in parallel.
type e2e struct {
	*apptest.World
	t       *testing.T
	dataDir string
	keyFile string
	seq     atomic.Int64
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	e := &e2e{World: apptest.New(t, map[string]string{guard.PolicyPath: e2ePolicy}), t: t, dataDir: t.TempDir()}
	e.keyFile = filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(e.keyFile, e.GH.AppKeyPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// serveEnv is the environment `repoguard serve` is configured from;
// extra are NAME=value overrides.
func (e *e2e) serveEnv(extra ...string) map[string]string {
	env := map[string]string{
		"REPOGUARD_LISTEN":           "127.0.0.1:0",
		"REPOGUARD_DATA_DIR":         e.dataDir,
		"REPOGUARD_PUBLIC_URL":       e2ePublicURL,
		"REPOGUARD_GITHUB_API_URL":   e.GH.BaseURL(),
		"REPOGUARD_GITHUB_URL":       e.GitServer.URL,
		"REPOGUARD_APP_ID":           strconv.FormatInt(e.GH.AppID, 10),
		"REPOGUARD_PRIVATE_KEY_FILE": e.keyFile,
		"REPOGUARD_WEBHOOK_SECRET":   e2eSecret,
		"REPOGUARD_WORKERS":          "2",
		"REPOGUARD_SHUTDOWN_GRACE":   "5s",
		"REPOGUARD_LOG_LEVEL":        "debug",
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// liveServer is `repoguard serve` running in the test's process.
type liveServer struct {
	*server
	t    testing.TB
	url  string
	logs *logtest.Buffer
	out  *logtest.Buffer // what serve prints on standard output: its one-time links
	stop func() error    // graceful shutdown, once
}

// start runs `repoguard serve` in process, configured like a container
// from REPOGUARD_* variables (serveEnv with extra), until the test ends.
func (e *e2e) start(extra ...string) *liveServer {
	e.t.Helper()
	env := e.serveEnv(extra...)
	cfg, err := configs.LoadServer("", func(k string) string { return env[k] })
	if err != nil {
		e.t.Fatal(err)
	}
	return startServer(e.t, cfg, nil)
}

// startServer runs a server with cfg until the test ends. Its log is kept
// and shown if the test fails, unless logOut takes it.
func startServer(t testing.TB, cfg *configs.Server, logOut io.Writer) *liveServer {
	t.Helper()
	ls := &liveServer{t: t, logs: &logtest.Buffer{}, out: &logtest.Buffer{}}
	if logOut == nil {
		logOut = ls.logs
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := newServer(ctx, cfg, logOut)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ls.server = s
	addrc := make(chan string, 1)
	s.onListen = func(addr string) { addrc <- addr }
	done := make(chan error, 1)
	go func() { done <- s.run(ctx, ls.out) }()
	ls.stop = sync.OnceValue(func() error { cancel(); return <-done })
	t.Cleanup(func() {
		if err := ls.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() && logOut == ls.logs {
			t.Logf("server log:\n%s", ls.logs)
		}
	})
	select {
	case addr := <-addrc:
		ls.url = "http://" + addr
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(e2eTimeout):
		t.Fatal("serve did not start listening")
	}
	return ls
}

// status is the inbox's state of a delivery's job (zero when unknown).
func (ls *liveServer) status(id string) webhooks.JobStatus {
	ls.t.Helper()
	st, err := ls.inbox.Status(context.Background(), id)
	if errors.Is(err, webhooks.ErrNotFound) {
		return webhooks.JobStatus{}
	}
	if err != nil {
		ls.t.Fatal(err)
	}
	return st
}

// waitJob waits until the job of a delivery is done, and returns its
// status; a dead job fails the test.
func (ls *liveServer) waitJob(id string) webhooks.JobStatus {
	ls.t.Helper()
	var st webhooks.JobStatus
	waitFor(ls.t, "job of delivery "+id, func() bool {
		st = ls.status(id)
		if st.State == webhooks.StateDead {
			ls.t.Fatalf("job of delivery %s dead-lettered: %s", id, st.LastError)
		}
		return st.State == webhooks.StateDone
	})
	return st
}

// get fetches path and returns the status and body.
func (ls *liveServer) get(path string) (int, string) {
	ls.t.Helper()
	return httpGet(ls.t, ls.url+path)
}

func httpGet(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// metric scrapes /metrics and sums the samples of name (an exact metric
// name) whose labels include each of labels (`key="value"`).
func (ls *liveServer) metric(name string, labels ...string) float64 {
	ls.t.Helper()
	code, body := ls.get("/metrics")
	if code != http.StatusOK {
		ls.t.Fatalf("/metrics: %d", code)
	}
	return sumMetric(ls.t, body, name, labels...)
}

func sumMetric(t testing.TB, exposition, name string, labels ...string) float64 {
	t.Helper()
	var sum float64
	sc := bufio.NewScanner(strings.NewReader(exposition))
	sc.Buffer(nil, 1<<20)
next:
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, name)
		if !ok || (rest != "" && rest[0] != '{' && rest[0] != ' ') {
			continue
		}
		sp := strings.LastIndexByte(rest, ' ')
		for _, l := range labels {
			if !strings.Contains(rest[:sp], l) {
				continue next
			}
		}
		v, err := strconv.ParseFloat(rest[sp+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}

// delivery is a webhook delivery as GitHub sends it.
type delivery struct {
	id, event string
	body      []byte
}

// deliveryOf makes a delivery of payload with a fresh id.
func (e *e2e) deliveryOf(event string, payload map[string]any) delivery {
	e.t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		e.t.Fatal(err)
	}
	return delivery{id: fmt.Sprintf("e2e-%d-%d", time.Now().UnixNano(), e.seq.Add(1)), event: event, body: body}
}

// post sends d to the webhook endpoint at base, signed with secret, and
// returns the status and body of the answer.
func post(t testing.TB, base string, d delivery, secret string) (int, string) {
	t.Helper()
	code, body, err := postAnswer(base, d, secret)
	if err != nil {
		t.Fatal(err)
	}
	return code, body
}

// postAnswer is post that returns its error, for a goroutine other than
// the test's (where t.Fatal must not be called).
func postAnswer(base string, d delivery, secret string) (int, string, error) {
	req, err := http.NewRequest(http.MethodPost, base+"/webhook", bytes.NewReader(d.body))
	if err != nil {
		return 0, "", err
	}
	setDeliveryHeaders(req, d, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), nil
}

func setDeliveryHeaders(req *http.Request, d delivery, secret string) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/e2e")
	req.Header.Set("X-GitHub-Event", d.event)
	req.Header.Set("X-GitHub-Delivery", d.id)
	req.Header.Set("X-GitHub-Hook-ID", "1")
	req.Header.Set(webhooks.SignatureHeader, webhooks.Sign([]byte(secret), d.body))
}

// deliver posts d signed with the right secret and wants it stored.
func (ls *liveServer) deliver(d delivery) {
	ls.t.Helper()
	if code, body := post(ls.t, ls.url, d, e2eSecret); code != http.StatusAccepted {
		ls.t.Fatalf("delivery %s (%s): %d %s, want 202", d.id, d.event, code, body)
	}
}

func repoJSON() map[string]any {
	return map[string]any{"id": 1296269, "name": apptest.Name, "full_name": apptest.FullName, "private": true,
		"owner": map[string]any{"login": apptest.Owner, "type": "Organization"}, "default_branch": "main"}
}

func userJSON(login string) map[string]any { return map[string]any{"login": login, "type": "User"} }

func pullJSON(number int, author, head, base string) map[string]any {
	return map[string]any{
		"number": number, "state": "open", "title": fmt.Sprintf("Change %d", number), "user": userJSON(author),
		"head": map[string]any{"sha": head, "ref": fmt.Sprintf("feature-%d", number), "repo": repoJSON()},
		"base": map[string]any{"sha": base, "ref": "main", "repo": repoJSON()},
	}
}

// pullRequest is a pull_request delivery.
func (e *e2e) pullRequest(action string, number int, author, head, base, sender string) delivery {
	return e.deliveryOf("pull_request", map[string]any{
		"action": action, "number": number, "pull_request": pullJSON(number, author, head, base),
		"repository": repoJSON(), "installation": map[string]any{"id": apptest.Installation}, "sender": userJSON(sender),
	})
}

// review is a pull_request_review delivery of an approval by reviewer.
func (e *e2e) review(number int, author, head, base, reviewer string) delivery {
	return e.deliveryOf("pull_request_review", map[string]any{
		"action": "submitted", "pull_request": pullJSON(number, author, head, base),
		"review":     map[string]any{"id": e.seq.Add(1), "state": "approved", "user": userJSON(reviewer), "commit_id": head},
		"repository": repoJSON(), "installation": map[string]any{"id": apptest.Installation}, "sender": userJSON(reviewer),
	})
}

// waitFor polls cond until it holds, failing the test after e2eTimeout.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(e2eTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", e2eTimeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitCheck polls the fake GitHub until the only check run on head
// satisfies cond, and returns it.
func (e *e2e) waitCheck(head, what string, cond func(githubtest.CheckRun) bool) githubtest.CheckRun {
	e.t.Helper()
	var cr githubtest.CheckRun
	waitFor(e.t, "check run on "+guard.ShortHash(head)+" "+what, func() bool {
		runs := e.CheckRuns(head)
		if len(runs) > 1 {
			e.t.Fatalf("%d check runs on %s, want 1: %+v", len(runs), guard.ShortHash(head), runs)
		}
		if len(runs) == 1 && cond(runs[0]) {
			cr = runs[0]
			return true
		}
		return false
	})
	return cr
}

// completed matches a completed check run with conclusion, written at
// least writes times (create and updates).
func completed(conclusion string, writes int) func(githubtest.CheckRun) bool {
	return func(cr githubtest.CheckRun) bool {
		return cr.Status == "completed" && cr.Conclusion == conclusion && len(cr.Updates) >= writes
	}
}

// childServer is `repoguard serve` in a child process (the test binary
// re-executed, see init), which a test can kill.
type childServer struct {
	url  string
	kill func() // SIGKILL, and wait for the exit
}

// startChild runs `repoguard serve` in a child process configured from
// the environment (serveEnv with extra), killed when the test ends.
func (e *e2e) startChild(extra ...string) *childServer {
	e.t.Helper()
	exe, err := os.Executable()
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REPOGUARD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range e.serveEnv(extra...) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, serveChildEnv+"=1")
	w := &addrWatcher{addr: make(chan string, 1)}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	c := &childServer{}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	c.kill = sync.OnceFunc(func() {
		_ = cmd.Process.Kill() // SIGKILL: no graceful release of its jobs
		<-exited
	})
	e.t.Cleanup(func() {
		c.kill()
		if e.t.Failed() {
			e.t.Logf("child server log:\n%s", w.buf.String())
		}
	})
	select {
	case addr := <-w.addr:
		c.url = "http://" + addr
	case err := <-exited:
		exited <- err
		e.t.Fatalf("child server exited before listening: %v\n%s", err, w.buf.String())
	case <-time.After(e2eTimeout):
		e.t.Fatalf("child server did not start listening:\n%s", w.buf.String())
	}
	return c
}

// addrWatcher keeps a child's output and reports the address of its
// "serving" log line.
type addrWatcher struct {
	buf  logtest.Buffer
	mu   sync.Mutex
	line []byte
	addr chan string
	sent bool
}

func (w *addrWatcher) Write(p []byte) (int, error) {
	w.buf.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.line = append(w.line, p...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			return len(p), nil
		}
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(w.line[:i], &rec) == nil && rec.Msg == "serving" && !w.sent {
			w.sent = true
			w.addr <- rec.Addr
		}
		w.line = w.line[i+1:]
	}
}
