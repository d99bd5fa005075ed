package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLoopbackOnly checks the peer rule of the anomaly queue without
// GitHub sign-in on remote addresses a test cannot connect from.
func TestLoopbackOnly(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := loopbackOnly(next)
	for _, tc := range []struct {
		name, remote, header string
		want                 int
		why                  string
	}{
		{"IPv4 loopback", "127.0.0.1:50000", "", http.StatusTeapot, ""},
		{"other IPv4 loopback", "127.9.8.7:50000", "", http.StatusTeapot, ""},
		{"IPv6 loopback", "[::1]:50000", "", http.StatusTeapot, ""},
		{"IPv4-mapped loopback", "[::ffff:127.0.0.1]:50000", "", http.StatusTeapot, ""},
		{"private network", "10.1.2.3:50000", "", http.StatusForbidden, "loopback"},
		{"Docker's gateway", "172.17.0.1:50000", "", http.StatusForbidden, "loopback"},
		{"public IPv6", "[2001:db8::1]:50000", "", http.StatusForbidden, "loopback"},
		{"unspecified", "0.0.0.0:50000", "", http.StatusForbidden, "loopback"},
		{"no port", "127.0.0.1", "", http.StatusForbidden, "loopback"},
		{"garbage", "localhost:x", "", http.StatusForbidden, "loopback"},
		{"proxy on this machine", "127.0.0.1:50000", "X-Forwarded-For", http.StatusForbidden, "proxy"},
		{"RFC 7239 proxy", "[::1]:50000", "Forwarded", http.StatusForbidden, "proxy"},
		{"nginx real IP", "127.0.0.1:50000", "X-Real-IP", http.StatusForbidden, "proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/anomalies", nil)
			r.RemoteAddr = tc.remote
			if tc.header != "" {
				r.Header.Set(tc.header, "203.0.113.9")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			body := w.Body.String()
			if w.Code != tc.want || !strings.Contains(body, tc.why) || strings.Count(body, "\n") > 1 {
				t.Errorf("peer %s: %d %q, want %d and one line about %q", tc.remote, w.Code, body, tc.want, tc.why)
			}
		})
	}
}

func TestLoopbackAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8080":   "127.0.0.1:8080",
		"[::]:8080":      "127.0.0.1:8080",
		":8080":          "127.0.0.1:8080",
		"127.0.0.1:8080": "127.0.0.1:8080",
		"[::1]:9":        "[::1]:9",
		"localhost:8080": "localhost:8080",
		"192.0.2.7:8080": "192.0.2.7:8080",
		"not an address": "not an address",
	} {
		if got := loopbackAddr(in); got != want {
			t.Errorf("loopbackAddr(%q) = %q, want %q", in, got, want)
		}
	}
}
