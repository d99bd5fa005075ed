package githubtest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard/keytest"
)

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
)

// appKey returns the App's RSA key, generated once per test binary.
func appKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() { key = keytest.RSA(t, 2048) })
	if key == nil {
		t.Fatal("githubtest: no app key: its generation failed")
	}
	return key
}

// AppKeyPEM returns the App's private key in PKCS#1 PEM, as GitHub hands
// it out, for the client's configuration.
func (s *Server) AppKeyPEM() []byte {
	return keytest.RSAPEM(s.key)
}

// verifyJWT checks an App JWT the way GitHub does: RS256 signed by the
// App's key, issued by the App, valid now, for at most ten minutes.
func (s *Server) verifyJWT(authz string) error {
	tok, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok {
		return errors.New("no bearer token")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	var hdr struct{ Alg string }
	if err := decodePart(parts[0], &hdr); err != nil || hdr.Alg != "RS256" {
		return fmt.Errorf("header: alg %q, want RS256", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("signature encoding")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("signature does not match the App's public key")
	}
	var claims struct {
		Iss json.RawMessage
		Iat int64
		Exp int64
	}
	if err := decodePart(parts[1], &claims); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	if iss := strings.Trim(string(claims.Iss), `"`); iss != strconv.FormatInt(s.AppID, 10) {
		return fmt.Errorf("issuer %s, want %d", iss, s.AppID)
	}
	now := time.Now().Unix()
	switch {
	case claims.Iat > now+60:
		return errors.New("issued in the future")
	case claims.Exp <= now:
		return errors.New("expired")
	case claims.Exp-claims.Iat > 600:
		return errors.New("valid for more than 10 minutes")
	}
	return nil
}

func decodePart(p string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// tokenPrefix starts every installation token the fake hands out.
const tokenPrefix = "ghs_fake_"

// GitAuth reports whether basic credentials are those an App's Git
// client sends GitHub: an installation token of the fake's form as the
// password of x-access-token (the token is not looked up). A
// gittest.Server given it serves Git as GitHub does to an App.
func GitAuth(user, password string) bool {
	return user == "x-access-token" && strings.HasPrefix(password, tokenPrefix)
}

func (s *Server) handleAccessToken(w http.ResponseWriter, r *http.Request) {
	inst, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	s.mu.Lock()
	tok := fmt.Sprintf("%s%d_%d", tokenPrefix, inst, s.newID())
	s.tokens[tok] = inst
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{
		"token":      tok,
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	})
}

func (s *Server) installationFor(authz string) (int64, bool) {
	tok, ok := strings.CutPrefix(authz, "token ")
	if !ok {
		tok, ok = strings.CutPrefix(authz, "Bearer ")
	}
	if !ok {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	inst, ok := s.tokens[tok]
	return inst, ok
}

// Tokens returns how many installation tokens the server has issued.
func (s *Server) Tokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}
