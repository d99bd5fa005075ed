package sqlite

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// The audit log is append-only and hash-chained (see guard.AuditEntry):
// entry n carries the hash of entry n-1, and its own hash covers its
// fields and that link. Editing an entry in the database breaks its
// hash; deleting one leaves a gap in seq; editing an entry and
// recomputing its hash breaks the next entry's link. Without a key,
// someone who can write the database can still recompute every hash
// from the edit to the end of the log; with DB.AuditKey set the hashes
// are HMACs, which cannot be recomputed without the key. Neither mode
// notices the last entries being deleted by itself: anchor the head
// (AuditHead, or the entries OnAudit reports) outside the database and
// compare with it (the server logs and notifies it; `repoguard audit
// verify --expect` checks it).

// auditBatch is how many entries a streaming read fetches per query.
const auditBatch = 500

const auditCols = `seq, at, actor, action, subject, detail, prev_hash, hash`

// AppendAudit appends an entry to the audit log and returns it, for
// events recorded by nothing else in the store, such as a verdict
// posted: AppendAudit(ctx, "repoguard", "verdict.posted",
// "pr/acme/vault#7", "failure 1a2b3c").
func (db *DB) AppendAudit(ctx context.Context, actor, action, subject, detail string) (guard.AuditEntry, error) {
	var e guard.AuditEntry
	err := db.inTx(ctx, "append audit", func(tx *sql.Tx) error {
		var err error
		e, err = db.appendAuditTx(ctx, tx, actor, action, subject, detail)
		return err
	})
	return e, err
}

// appendAuditTx appends an entry within tx, so that a change and the
// entry recording it commit together. Transactions begin IMMEDIATE, so
// no other writer can take the same seq.
func (db *DB) appendAuditTx(ctx context.Context, tx *sql.Tx, actor, action, subject, detail string) (guard.AuditEntry, error) {
	if actor == "" || action == "" || subject == "" {
		return guard.AuditEntry{}, invalidf("an audit entry needs an actor, an action and a subject")
	}
	e := guard.AuditEntry{
		Seq:     1,
		At:      time.Unix(db.now().Unix(), 0).UTC(), // stored as unix seconds, hashed as stored
		Actor:   actor,
		Action:  action,
		Subject: subject,
		Detail:  detail,
	}
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.PrevHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return e, err
	default:
		e.Seq++
	}
	e.Hash = db.auditHash(&e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Seq, e.At.Unix(), e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash, e.Hash)
	if err == nil && db.OnAudit != nil {
		db.appended.Store(tx, e)
	}
	return e, err
}

// AuditHead returns the newest entry of the audit log; its Seq is 0
// when the log is empty.
func (db *DB) AuditHead(ctx context.Context) (guard.AuditEntry, error) {
	es, err := db.auditQuery(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq DESC LIMIT 1`)
	if err != nil || len(es) == 0 {
		return guard.AuditEntry{}, db.wrap("audit head", err)
	}
	return es[0], nil
}

// auditHash returns the hash e must carry: e.ComputeHash(), or with an
// audit key the HMAC-SHA256 of the same canonical bytes.
func (db *DB) auditHash(e *guard.AuditEntry) string {
	if len(db.AuditKey) == 0 {
		return e.ComputeHash()
	}
	m := hmac.New(sha256.New, db.AuditKey)
	m.Write(auditCanonical(e))
	return hex.EncodeToString(m.Sum(nil))
}

// auditCanonical serializes e as guard.AuditEntry.ComputeHash does
// before hashing: each field length-prefixed ("len:field;"), PrevHash
// last. A test keeps the two in step.
func auditCanonical(e *guard.AuditEntry) []byte {
	var b []byte
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash} {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, ';')
	}
	return b
}

// AuditEntries returns up to limit entries (100 when limit <= 0, at most
// 1000) from seq fromSeq on, in order.
func (db *DB) AuditEntries(ctx context.Context, fromSeq int64, limit int) ([]guard.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	es, err := db.auditQuery(ctx, `SELECT `+auditCols+` FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2`, fromSeq, limit)
	return es, db.wrap("audit entries", err)
}

// History returns the audit entries about anomaly id, oldest first.
func (db *DB) History(ctx context.Context, id int64) ([]guard.AuditEntry, error) {
	if err := db.anomalyExists(ctx, id); err != nil {
		return nil, err
	}
	es, err := db.auditQuery(ctx, `SELECT `+auditCols+` FROM audit WHERE subject = $1 ORDER BY seq`, anomalySubject(id))
	return es, db.wrap("history", err)
}

// ExportAudit calls fn with every entry from seq fromSeq on, in order,
// reading in batches so that fn may take its time (and use the DB). It
// stops at the first error fn returns, and returns it.
func (db *DB) ExportAudit(ctx context.Context, fromSeq int64, fn func(guard.AuditEntry) error) error {
	for {
		es, err := db.auditQuery(ctx, `SELECT `+auditCols+` FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2`, fromSeq, auditBatch)
		if err != nil {
			return db.wrap("export audit", err)
		}
		for _, e := range es {
			if err := fn(e); err != nil {
				return err
			}
			fromSeq = e.Seq + 1
		}
		if len(es) < auditBatch {
			return nil
		}
	}
}

// VerifyAudit checks the whole audit log, streaming it in order: seq
// must run 1, 2, 3, ... without gaps, each entry must point at the hash
// of the one before it, and each hash must match the entry (under
// DB.AuditKey when set). When the chain is broken it returns ok false,
// the seq of the first entry that fails (a missing entry's own seq) and
// why; firstBroken is 0 when ok. err is for failures to read.
func (db *DB) VerifyAudit(ctx context.Context) (ok bool, firstBroken int64, why string, err error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq`)
	if err != nil {
		return false, 0, "", db.wrap("verify audit", err)
	}
	defer rows.Close()
	want, prev := int64(1), ""
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return false, 0, "", db.wrap("verify audit", err)
		}
		switch {
		case e.Seq > want:
			return false, want, missing(want, e.Seq), nil
		case e.Seq < want:
			return false, e.Seq, fmt.Sprintf("entry %d is out of sequence: entry %d was expected", e.Seq, want), nil
		case e.PrevHash != prev:
			return false, e.Seq, fmt.Sprintf("entry %d does not point at the hash of entry %d: one of the two was rewritten", e.Seq, e.Seq-1), nil
		case !hmac.Equal([]byte(e.Hash), []byte(db.auditHash(&e))):
			return false, e.Seq, fmt.Sprintf("entry %d was altered: its content does not match its hash", e.Seq), nil
		}
		want, prev = want+1, e.Hash
	}
	if err := rows.Err(); err != nil {
		return false, 0, "", db.wrap("verify audit", err)
	}
	return true, 0, "", nil
}

// missing says why the log jumps to entry got where entry want was due.
func missing(want, got int64) string {
	what := fmt.Sprintf("entry %d is missing", want)
	if got > want+1 {
		what = fmt.Sprintf("entries %d to %d are missing", want, got-1)
	}
	if want == 1 {
		return fmt.Sprintf("%s: the log starts at entry %d", what, got)
	}
	return fmt.Sprintf("%s: entry %d follows entry %d", what, got, want-1)
}

// auditQuery runs a query selecting auditCols.
func (db *DB) auditQuery(ctx context.Context, query string, args ...any) ([]guard.AuditEntry, error) {
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []guard.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanAudit(rows *sql.Rows) (guard.AuditEntry, error) {
	var e guard.AuditEntry
	var at int64
	err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = time.Unix(at, 0).UTC()
	return e, err
}

// inTx runs fn in a transaction and commits it when fn succeeds; then
// it reports the audit head the transaction appended to OnAudit.
func (db *DB) inTx(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return db.wrap(op, err)
	}
	defer tx.Rollback()
	defer db.appended.Delete(tx)
	if err := fn(tx); err != nil {
		return db.wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.wrap(op, err)
	}
	if e, ok := db.appended.Load(tx); ok && db.OnAudit != nil {
		db.OnAudit(e.(guard.AuditEntry))
	}
	return nil
}
