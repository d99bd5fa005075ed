package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

func TestSessionsExpire(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	token, err := db.CreateSession(ctx, "dana", guard.RoleTriage, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(token) != 43 {
		t.Fatalf("token %q: want 32 bytes in base64url", token)
	}
	s, err := db.Session(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if s.Login != "dana" || s.Role != guard.RoleTriage || !s.ExpiresAt.Equal(epoch.Add(time.Hour)) || len(s.CSRF) < 32 {
		t.Fatalf("session %+v", s)
	}
	if again, _ := db.Session(ctx, token); again.CSRF != s.CSRF {
		t.Fatal("the CSRF token changed within a session")
	}
	other, _ := db.CreateSession(ctx, "erin", guard.RoleRead, 2*time.Hour)
	if o, _ := db.Session(ctx, other); o.CSRF == s.CSRF || o.Role != guard.RoleRead {
		t.Fatalf("second session %+v", o)
	}
	if _, err := db.Session(ctx, token+"x"); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("wrong token: %v", err)
	}

	clock.advance(time.Hour)
	if _, err := db.Session(ctx, token); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	if err := db.DeleteSession(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, other); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
	if err := db.DeleteSession(ctx, other); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	for _, bad := range []struct {
		login, role string
		ttl         time.Duration
	}{{"", guard.RoleRead, time.Hour}, {"dana", "admin", time.Hour}, {"dana", guard.RoleRead, 0}} {
		if _, err := db.CreateSession(ctx, bad.login, bad.role, bad.ttl); !errors.Is(err, guard.ErrInvalid) {
			t.Errorf("CreateSession(%q, %q, %s): %v", bad.login, bad.role, bad.ttl, err)
		}
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	secret, id, err := db.CreateToken(ctx, "siem export", guard.RoleRead, "sec")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, sqlite.TokenPrefix) || len(secret) != 4+43 || id != 1 {
		t.Fatalf("secret %q id %d", secret, id)
	}
	clock.advance(time.Hour)
	tok, err := db.TokenAuth(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID != id || tok.Name != "siem export" || tok.Role != guard.RoleRead || tok.CreatedBy != "sec" ||
		!tok.CreatedAt.Equal(epoch) || !tok.LastUsed.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("token %+v", tok)
	}
	ts, err := db.Tokens(ctx)
	if err != nil || len(ts) != 1 || !ts[0].LastUsed.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("tokens %+v %v", ts, err)
	}
	for _, wrong := range []string{"", secret[4:], secret + "x", sqlite.TokenPrefix + strings.Repeat("A", 43)} {
		if _, err := db.TokenAuth(ctx, wrong); !errors.Is(err, guard.ErrNotFound) {
			t.Fatalf("TokenAuth(%q): %v", wrong, err)
		}
	}
	if _, _, err := db.CreateToken(ctx, "x", "admin", "sec"); !errors.Is(err, guard.ErrInvalid) {
		t.Fatalf("role admin: %v", err)
	}

	if err := db.RevokeToken(ctx, id, "sec"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenAuth(ctx, secret); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := db.RevokeToken(ctx, id, "sec"); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("revoked twice: %v", err)
	}
	if ts, _ := db.Tokens(ctx); len(ts) != 0 {
		t.Fatalf("revoked token listed: %+v", ts)
	}
	want := []string{"token.created token/1", "token.revoked token/1"}
	if got := auditActions(t, db); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("audit %v", got)
	}
}

// TestSecretsAreNotStored looks for the secrets of a session and an API
// token in every byte the database wrote: the file, its WAL and shared
// memory, while open and after closing.
func TestSecretsAreNotStored(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := sqlite.NewDB(filepath.Join(dir, "repoguard.db"))
	if err := db.Open(ctx); err != nil {
		t.Fatal(err)
	}
	session, err := db.CreateSession(ctx, "dana", guard.RoleTriage, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := db.CreateToken(ctx, "ci", guard.RoleTriage, "dana")
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.Session(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenAuth(ctx, secret); err != nil {
		t.Fatal(err)
	}
	secrets := []string{session, secret, secret[len(sqlite.TokenPrefix):], s.CSRF}
	check := func(when string) {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(files) == 0 {
			t.Fatal("no database files")
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, sec := range secrets {
				if bytes.Contains(b, []byte(sec)) || bytes.Contains(b, []byte(sec[:20])) {
					t.Errorf("%s: %s holds a secret", when, filepath.Base(f))
				}
			}
		}
	}
	check("open")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	check("closed")
}
