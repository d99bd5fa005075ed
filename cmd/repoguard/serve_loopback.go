package main

import (
	"log/slog"
	"net"
	"net/http"
)

// Without GitHub sign-in, the anomaly queue's only guard is the one-time
// link printed at start: it is meant for someone on this machine. So its
// pages and API answer loopback peers only, wherever the server listens;
// the webhook, health and metrics listen where they are told.

const (
	notLoopbackMsg = "the anomaly queue answers only on this machine (a loopback address) " +
		"until GitHub sign-in is configured (REPOGUARD_GITHUB_CLIENT_ID and REPOGUARD_GITHUB_CLIENT_SECRET)"
	forwardedMsg = "the anomaly queue refuses requests forwarded by a proxy " +
		"until GitHub sign-in is configured (REPOGUARD_GITHUB_CLIENT_ID and REPOGUARD_GITHUB_CLIENT_SECRET)"
)

// proxyHeaders mark a request a proxy forwarded for another client.
var proxyHeaders = []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip"}

// loopbackOnly passes to next the requests of loopback peers, and
// answers the others 403 with a line that says why. A request that a
// proxy on this machine forwarded comes from that proxy's client: it is
// refused too.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, notLoopbackMsg, http.StatusForbidden)
			return
		}
		for _, h := range proxyHeaders {
			if _, ok := r.Header[h]; ok {
				http.Error(w, forwardedMsg, http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackAddr returns addr (host:port) with a host that reaches it from
// this machine: 127.0.0.1 for an unspecified one (0.0.0.0, ::, none).
func loopbackAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// warnLoopbackOnly says at start that the queue answers loopback peers
// only, and when the listen address leaves it no loopback peer at all.
func (s *server) warnLoopbackOnly() {
	listen := s.cfg.Listen
	s.log.Warn("no GitHub sign-in configured: the anomaly queue and its API answer loopback peers only",
		slog.String("listen", listen),
		slog.String("hint", "set REPOGUARD_GITHUB_CLIENT_ID and REPOGUARD_GITHUB_CLIENT_SECRET"))
	host, _, _ := net.SplitHostPort(loopbackAddr(listen))
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		s.log.Warn("the anomaly queue cannot be reached: the listen address is not on loopback",
			slog.String("listen", listen))
	}
}
