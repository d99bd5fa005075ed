package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/repoguard/repoguard/configs"
)

// exitUnhealthy is the exit code of a failed probe: what a container's
// HEALTHCHECK calls unhealthy.
const exitUnhealthy = 1

// runHealth probes a running server's /healthz, for a container's
// HEALTHCHECK (the image has no curl): exit 0 when it answers 200, 1
// with one line saying why when it does not.
func runHealth(e *env, args []string) int {
	fs := newFlagSet(e, "health", "health [--url URL] [--timeout D]")
	target := fs.String("url", "", "`URL` to probe (default /healthz on the loopback address of $REPOGUARD_LISTEN)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if _, code, ok := parseArgs(fs, args); !ok {
		return code
	}
	if *target == "" {
		*target = healthURL(os.Getenv("REPOGUARD_LISTEN"))
	}
	if u, err := url.Parse(*target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(e, fmt.Errorf("health: --url %q: want an absolute http(s) URL", *target))
	}
	ctx, cancel := context.WithTimeout(e.ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return fail(e, fmt.Errorf("health: %w", err))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(e.stderr, "repoguard: health: %v\n", err)
		return exitUnhealthy
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(e.stderr, "repoguard: health: %s answered %s\n", *target, resp.Status)
		return exitUnhealthy
	}
	fmt.Fprintln(e.stdout, strings.TrimSpace(string(body)))
	return exitOK
}

// healthURL is /healthz of a server listening on listen (the default
// when ""), reached from this machine.
func healthURL(listen string) string {
	if listen == "" {
		listen = configs.DefaultServer().Listen
	}
	return "http://" + loopbackAddr(listen) + "/healthz"
}
