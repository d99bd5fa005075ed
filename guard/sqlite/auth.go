package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// Sessions and API tokens are bearer secrets of 32 random bytes. The
// database keeps only their SHA-256, so that reading it (a backup, a
// leaked file, an insider) yields no usable credential; the secrets
// have 256 bits of entropy, so an unsalted hash is enough.

// TokenPrefix starts every API token secret, so that scanners and
// people recognize one.
const TokenPrefix = "rgt_"

// lastUsedEvery is how stale an API token's LastUsed may get: TokenAuth
// writes it at most this often, not on every request.
const lastUsedEvery = time.Minute

// CreateSession starts a session of login with role ("triage" or
// "read") lasting ttl and returns its token (base64url), which the
// caller hands to the browser; it is not stored. Expired sessions are
// deleted on the way.
func (db *DB) CreateSession(ctx context.Context, login, role string, ttl time.Duration) (token string, err error) {
	login = strings.TrimSpace(login)
	switch {
	case login == "":
		return "", invalidf("a session needs a login")
	case !validRole(role):
		return "", invalidf("unknown role %q (want %s or %s)", role, guard.RoleTriage, guard.RoleRead)
	case ttl < time.Second:
		return "", invalidf("a session must last at least a second")
	}
	token = randomSecret()
	now := db.now()
	err = db.inTx(ctx, "create session", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= $1`, now.Unix()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, login, role, created, expires)
			VALUES ($1, $2, $3, $4, $5)`, secretHash(token), login, role, now.Unix(), now.Add(ttl).Unix())
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Session returns the session of token. The error wraps
// guard.ErrNotFound when there is none or it has expired. Its CSRF token
// is derived from the session token, so it is stable for the session
// and stored nowhere.
func (db *DB) Session(ctx context.Context, token string) (*guard.Session, error) {
	s := &guard.Session{}
	var expires int64
	err := db.db.QueryRowContext(ctx, `SELECT login, role, expires FROM sessions WHERE token_hash = $1 AND expires > $2`,
		secretHash(token), db.now().Unix()).Scan(&s.Login, &s.Role, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("session: %w", guard.ErrNotFound)
	}
	if err != nil {
		return nil, db.wrap("session", err)
	}
	s.ExpiresAt = time.Unix(expires, 0).UTC()
	s.CSRF = csrfToken(token)
	return s, nil
}

// DeleteSession ends the session of token (signing out); ending one that
// does not exist is not an error.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	_, err := db.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, secretHash(token))
	return db.wrap("delete session", err)
}

// CreateToken creates an API token with role for automation and returns
// its secret ("rgt_" and 43 base64url characters), which is shown once
// and stored only hashed, and its id. It is audited ("token.created",
// subject "token/<id>").
func (db *DB) CreateToken(ctx context.Context, name, role, createdBy string) (secret string, id int64, err error) {
	name, createdBy = strings.TrimSpace(name), strings.TrimSpace(createdBy)
	switch {
	case name == "":
		return "", 0, invalidf("a token needs a name")
	case !validRole(role):
		return "", 0, invalidf("unknown role %q (want %s or %s)", role, guard.RoleTriage, guard.RoleRead)
	case createdBy == "":
		return "", 0, invalidf("a token needs its creator")
	}
	secret = TokenPrefix + randomSecret()
	err = db.inTx(ctx, "create token", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (name, role, secret_hash, created_by, created)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			name, role, secretHash(secret), createdBy, db.now().Unix()).Scan(&id)
		if err != nil {
			return err
		}
		_, err = db.appendAuditTx(ctx, tx, createdBy, "token.created", tokenSubject(id),
			fmt.Sprintf("name=%q role=%s", name, role))
		return err
	})
	if err != nil {
		return "", 0, err
	}
	return secret, id, nil
}

// TokenAuth returns the API token whose secret this is, looked up by its
// hash, and records its use (at most once a minute). The error wraps
// guard.ErrNotFound when no live token has that secret.
func (db *DB) TokenAuth(ctx context.Context, secret string) (*guard.APIToken, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, fmt.Errorf("token: %w", guard.ErrNotFound)
	}
	t, err := scanToken(db.db.QueryRowContext(ctx, `SELECT id, name, role, created_by, created, last_used
		FROM api_tokens WHERE secret_hash = $1 AND revoked = 0`, secretHash(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("token: %w", guard.ErrNotFound)
	}
	if err != nil {
		return nil, db.wrap("token", err)
	}
	now := time.Unix(db.now().Unix(), 0).UTC()
	if now.Sub(t.LastUsed) >= lastUsedEvery {
		if _, err := db.db.ExecContext(ctx, `UPDATE api_tokens SET last_used = $2 WHERE id = $1`, t.ID, now.Unix()); err != nil {
			return nil, db.wrap("token", err)
		}
		t.LastUsed = now
	}
	return &t, nil
}

// RevokeToken revokes API token id on behalf of actor, auditing it
// ("token.revoked"). The error wraps guard.ErrNotFound when there is no
// such live token.
func (db *DB) RevokeToken(ctx context.Context, id int64, actor string) error {
	if actor = strings.TrimSpace(actor); actor == "" {
		return invalidf("revoking a token needs an actor")
	}
	return db.inTx(ctx, fmt.Sprintf("revoke token %d", id), func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = $2, revoked_by = $3 WHERE id = $1 AND revoked = 0`,
			id, db.now().Unix(), actor)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("token %d: %w", id, guard.ErrNotFound)
		}
		_, err = db.appendAuditTx(ctx, tx, actor, "token.revoked", tokenSubject(id), "")
		return err
	})
}

// Tokens returns the API tokens not revoked, oldest first.
func (db *DB) Tokens(ctx context.Context) ([]guard.APIToken, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, name, role, created_by, created, last_used
		FROM api_tokens WHERE revoked = 0 ORDER BY id`)
	if err != nil {
		return nil, db.wrap("tokens", err)
	}
	defer rows.Close()
	var out []guard.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, db.wrap("tokens", err)
		}
		out = append(out, t)
	}
	return out, db.wrap("tokens", rows.Err())
}

func scanToken(row interface{ Scan(...any) error }) (guard.APIToken, error) {
	var t guard.APIToken
	var created, lastUsed int64
	if err := row.Scan(&t.ID, &t.Name, &t.Role, &t.CreatedBy, &created, &lastUsed); err != nil {
		return t, err
	}
	t.CreatedAt = time.Unix(created, 0).UTC()
	if lastUsed > 0 {
		t.LastUsed = time.Unix(lastUsed, 0).UTC()
	}
	return t, nil
}

func validRole(role string) bool { return role == guard.RoleTriage || role == guard.RoleRead }

// randomSecret returns 32 random bytes, base64url without padding.
func randomSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// secretHash is what the database stores of a secret: its SHA-256, hex.
func secretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// csrfToken derives a session's CSRF token from its token: a different
// hash than the stored one, so the database does not reveal it either.
func csrfToken(token string) string {
	sum := sha256.Sum256([]byte("repoguard csrf\x00" + token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// tokenSubject is the audit subject of API token id.
func tokenSubject(id int64) string { return "token/" + strconv.FormatInt(id, 10) }
