package main

import (
	"net"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/configs"
)

// TestHealth: `repoguard health` exits 0 when the server's /healthz
// answers, 1 with one line when nothing does, and finds the server from
// $REPOGUARD_LISTEN as the container's HEALTHCHECK runs it.
func TestHealth(t *testing.T) {
	cfg, err := configs.LoadServer("", func(k string) string {
		return map[string]string{"REPOGUARD_DATA_DIR": t.TempDir(), "REPOGUARD_LISTEN": "127.0.0.1:0"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ls := startServer(t, cfg, nil)
	if code, out, stderr := runCmd(t, "health", "--url", ls.url+"/healthz"); code != exitOK || out != "ok\n" {
		t.Errorf("healthy server: exit %d %q %q", code, out, stderr)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ls.url, "http://"))
	t.Setenv("REPOGUARD_LISTEN", "0.0.0.0:"+port)
	if code, _, stderr := runCmd(t, "health"); code != exitOK {
		t.Errorf("from REPOGUARD_LISTEN: exit %d %q", code, stderr)
	}
	for _, target := range []string{ls.url + "/nowhere", "http://127.0.0.1:1/healthz"} {
		if code, _, stderr := runCmd(t, "health", "--url", target); code != exitUnhealthy || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d %q, want 1 and one line", target, code, stderr)
		}
	}
	if code, _, _ := runCmd(t, "health", "--url", "ftp://x"); code != exitError {
		t.Errorf("bad URL: exit %d, want 2", code)
	}
	if got := healthURL(""); got != "http://127.0.0.1:8080/healthz" {
		t.Errorf("default %s", got)
	}
	// A server listening on every address is reached on loopback.
	for listen, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/healthz",
		"[::]:8080":      "http://127.0.0.1:8080/healthz",
		":8080":          "http://127.0.0.1:8080/healthz",
		"10.1.2.3:8080":  "http://10.1.2.3:8080/healthz",
		"localhost:9090": "http://localhost:9090/healthz",
	} {
		if got := healthURL(listen); got != want {
			t.Errorf("healthURL(%q) = %s, want %s", listen, got, want)
		}
	}
}
