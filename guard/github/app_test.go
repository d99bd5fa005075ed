package github

import (
	"context"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	"github.com/repoguard/repoguard/guard/github/githubtest"
	"github.com/repoguard/repoguard/guard/keytest"
)

func TestTokenExchange(t *testing.T) {
	s := githubtest.NewServer(t)
	app := newTestApp(t, s, RetryConfig{}, nil)
	ctx := context.Background()

	tok, err := app.Token(ctx, testInstallation)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if !strings.HasPrefix(tok, fmt.Sprintf("ghs_fake_%d_", testInstallation)) {
		t.Errorf("token = %q", tok)
	}
	again, err := app.Installation(testInstallation).Token(ctx)
	if err != nil || again != tok {
		t.Errorf("second Token = %q, %v; want the cached %q", again, err, tok)
	}
	if n := s.Tokens(); n != 1 {
		t.Errorf("server issued %d tokens, want 1", n)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Auth != "jwt" || reqs[0].Status != 201 ||
		reqs[0].Path != fmt.Sprintf("/app/installations/%d/access_tokens", testInstallation) {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestTokenWrongKey(t *testing.T) {
	s := githubtest.NewServer(t)
	keyPEM := keytest.RSAPEM(keytest.RSA(t, 2048))
	app, err := NewApp(AppConfig{AppID: s.AppID, PrivateKeyPEM: keyPEM, BaseURL: s.BaseURL(), Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.Token(context.Background(), 1)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("Token with the wrong key: %v, want a 401 error", err)
	}
	assertNoKey(t, err.Error(), keyPEM)
}

func TestEnterpriseBaseURL(t *testing.T) {
	s := githubtest.NewServer(t)
	s.AddPullRequest("acme", "vault", githubtest.PullRequest{Number: 3, Author: "mallory", HeadSHA: "abc"})
	app, err := NewApp(AppConfig{AppID: s.AppID, PrivateKeyPEM: s.AppKeyPEM(), BaseURL: s.EnterpriseBaseURL(), Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := app.Installation(1).PullRequest(context.Background(), "acme", "vault", 3)
	if err != nil || pr.Author != "mallory" {
		t.Fatalf("PullRequest via /api/v3 = %+v, %v", pr, err)
	}
}

func TestNewAppBadKey(t *testing.T) {
	s := githubtest.NewServer(t)
	good := s.AppKeyPEM()
	corrupt := []byte(strings.Replace(string(good), "MII", "MIX", 1))
	tests := map[string][]byte{
		"empty":       nil,
		"not pem":     []byte("MIIEpAIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyz"),
		"certificate": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("0123456789abcdef0123456789")}),
		"corrupt rsa": corrupt,
		"ec pkcs8":    keytest.PKCS8PEM(t, keytest.EC(t)),
		"truncated":   good[:len(good)/2],
	}
	for name, key := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := NewApp(AppConfig{AppID: 12, PrivateKeyPEM: key})
			if err == nil {
				t.Fatal("NewApp accepted a bad key")
			}
			msg := err.Error()
			if !strings.Contains(msg, "private key") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line about the private key", msg)
			}
			assertNoKey(t, msg, key)
		})
	}
}

func TestAppConfigRedacted(t *testing.T) {
	s := githubtest.NewServer(t)
	cfg := AppConfig{AppID: 1, PrivateKeyPEM: s.AppKeyPEM()}
	for _, out := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), cfg.LogValue().String()} {
		assertNoKey(t, out, cfg.PrivateKeyPEM)
	}
}

func TestNewAppConfigErrors(t *testing.T) {
	s := githubtest.NewServer(t)
	if _, err := NewApp(AppConfig{PrivateKeyPEM: s.AppKeyPEM()}); err == nil {
		t.Error("NewApp accepted app id 0")
	}
	if _, err := NewApp(AppConfig{AppID: 1, PrivateKeyPEM: s.AppKeyPEM(), BaseURL: "api.github.com"}); err == nil {
		t.Error("NewApp accepted a relative base URL")
	}
}

// assertNoKey fails if msg quotes any 12 characters of the key's body
// (its lines other than the BEGIN and END lines).
func assertNoKey(t *testing.T, msg string, key []byte) {
	t.Helper()
	for _, line := range strings.Split(string(key), "\n") {
		if strings.HasPrefix(line, "-----") {
			continue
		}
		for i := 0; i+12 <= len(line); i++ {
			if chunk := line[i : i+12]; strings.Contains(msg, chunk) {
				t.Fatalf("message quotes the key (%q): %s", chunk, msg)
			}
		}
	}
}
