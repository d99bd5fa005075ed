package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// anomalyCols are the columns scanAnomaly reads, in order.
const anomalyCols = `id, coalesce(case_id, 0), key, repo, detector, commit_sha, pull_request, author, author_name, author_email,
	severity, score, path, line, message, evidence, hunk, url, status, reason, assignee, suppressed, seen, created, updated,
	release_kind, release_by, release_reason, release_at`

// exportBatch is how many anomalies ExportAnomalies reads per query.
const exportBatch = 500

// RecordFindings turns each finding at or above rec.Queue into an
// anomaly keyed by guard.AnomalyKey, in one transaction. A finding whose
// anomaly exists merges into it: Seen grows, UpdatedAt moves, severity
// and score rise to the larger, the commit and line (and the evidence
// and URL when given) become the latest, the hunk is the latest
// finding's, and the status stays as it is
// (a closed anomaly stays closed); so a reopened or re-pushed pull
// request reuses its anomalies. A new anomaly that an active suppression
// applies to (see AddSuppression: approved for a pull request's, and
// never to a change its creator or approver took part in) is recorded
// with Suppressed set and kept out of the queue; a suppression does not
// take an anomaly already queued out of it. Each anomaly
// created is appended to the audit log ("anomaly.created", suppressed
// or not, naming the suppression).
//
// The anomalies join the case of rec's commit or pull request (see
// guard.Case), created with rec's subject, date, author, link and risk
// on its first anomaly, and updated by later records (see upsertCase);
// its summary is rewritten from its anomalies.
//
// created holds the anomalies that entered the queue: the new ones not
// suppressed, and suppressed ones seen again once no suppression
// matches them any more (audited as "anomaly.queued").
func (db *DB) RecordFindings(ctx context.Context, rec guard.FindingRecord) (created []guard.Anomaly, err error) {
	if rec.Repo == "" {
		return nil, invalidf("record findings: repository required")
	}
	if rec.Actor == "" {
		rec.Actor = "repoguard"
	}
	err = db.inTx(ctx, "record findings "+rec.Repo, func(tx *sql.Tx) error {
		now := db.now().Unix()
		sups, err := suppressionsAfter(ctx, tx, now)
		if err != nil {
			return err
		}
		var ids []int64
		var caseID int64
		queued := map[int64]bool{}
		tp := newTwoPerson(ctx, tx)
		for i := range rec.Findings {
			f := &rec.Findings[i]
			if f.Severity < rec.Queue {
				continue
			}
			if caseID == 0 {
				if caseID, err = upsertCase(ctx, tx, &rec, now); err != nil {
					return fmt.Errorf("case: %w", err)
				}
			}
			sup, err := suppressionFor(tp, sups, &rec, f)
			if err != nil {
				return fmt.Errorf("finding %d (%s): %w", i, f.Detector, err)
			}
			id, q, err := db.recordFinding(ctx, tx, &rec, f, caseID, sup, now)
			if err != nil {
				return fmt.Errorf("finding %d (%s): %w", i, f.Detector, err)
			}
			if q && !queued[id] {
				queued[id] = true
				ids = append(ids, id)
			}
		}
		if caseID != 0 {
			if err := refreshCase(ctx, tx, caseID); err != nil {
				return fmt.Errorf("case %d: %w", caseID, err)
			}
		}
		for _, id := range ids {
			a, err := anomalyByID(ctx, tx, id)
			if err != nil {
				return err
			}
			created = append(created, *a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// recordFinding creates or merges the anomaly of f and reports whether
// it entered the queue.
func (db *DB) recordFinding(ctx context.Context, tx *sql.Tx, rec *guard.FindingRecord, f *guard.Finding,
	caseID int64, sup *guard.Suppression, now int64) (id int64, queued bool, err error) {
	commit := f.Commit
	if commit == "" {
		commit = rec.Commit
	}
	key := guard.AnomalyKey(rec.Repo, f.Detector, commit, rec.PullRequest, f.Path, f.Message)
	evidence, err := json.Marshal(nonNil(f.Evidence))
	if err != nil {
		return 0, false, err
	}
	hunk, err := json.Marshal(nonNilLines(f.Hunk))
	if err != nil {
		return 0, false, err
	}
	var suppressed bool
	var status, oldEvidence, oldCommit, pending string
	err = tx.QueryRowContext(ctx, `SELECT id, suppressed, status, evidence, commit_sha, release_kind FROM anomalies
		WHERE key = $1`, key).Scan(&id, &suppressed, &status, &oldEvidence, &oldCommit, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return db.insertAnomaly(ctx, tx, rec, f, caseID, key, commit, string(evidence), string(hunk), sup, now)
	}
	if err != nil {
		return 0, false, err
	}
	unsuppress := suppressed && sup == nil
	_, err = tx.ExecContext(ctx, `UPDATE anomalies SET seen = seen + 1, updated = $2,
		severity = CASE WHEN $3 > severity THEN $3 ELSE severity END,
		score = CASE WHEN $4 > score THEN $4 ELSE score END,
		commit_sha = $5, line = $6,
		evidence = CASE WHEN $7 = '[]' THEN evidence ELSE $7 END,
		url = CASE WHEN $8 = '' THEN url ELSE $8 END,
		suppressed = CASE WHEN $9 THEN 0 ELSE suppressed END,
		suppression_id = CASE WHEN $9 THEN 0 ELSE suppression_id END,
		hunk = $10, case_id = coalesce(case_id, $11)
		WHERE id = $1`,
		id, now, int64(f.Severity), f.Score, commit, f.Line, string(evidence), rec.URL, unsuppress, string(hunk), caseID)
	if err != nil {
		return id, false, err
	}
	// A closed anomaly of a pull request whose finding comes back on
	// another commit with other evidence (another key at the same place)
	// is reopened, and a release asked for is withdrawn: a reviewer's
	// release must not carry over to content they never saw.
	changed := commit != oldCommit && string(evidence) != "[]" && string(evidence) != oldEvidence
	if changed && pending != "" {
		if err := clearRelease(ctx, tx, id); err != nil {
			return id, false, err
		}
		if _, err := db.appendAuditTx(ctx, tx, rec.Actor, "anomaly.release_withdrawn", anomalySubject(id),
			fmt.Sprintf("the %s asked for no longer applies: the finding came back with other evidence on %s",
				pending, guard.ShortHash(commit))); err != nil {
			return id, false, err
		}
	}
	if guard.AnomalyStatus(status).Closed() && changed {
		if _, err := tx.ExecContext(ctx, `UPDATE anomalies SET status = $2, reason = '' WHERE id = $1`,
			id, string(guard.StatusOpen)); err != nil {
			return id, false, err
		}
		_, err = db.appendAuditTx(ctx, tx, rec.Actor, "anomaly.reopened", anomalySubject(id),
			fmt.Sprintf("was %s; the finding came back with other evidence on %s", status, guard.ShortHash(commit)))
		return id, err == nil, err
	}
	if !unsuppress {
		return id, false, nil
	}
	_, err = db.appendAuditTx(ctx, tx, rec.Actor, "anomaly.queued", anomalySubject(id), "no suppression matches any more")
	return id, true, err
}

// insertAnomaly creates the anomaly of f and its audit entry.
func (db *DB) insertAnomaly(ctx context.Context, tx *sql.Tx, rec *guard.FindingRecord, f *guard.Finding,
	caseID int64, key, commit, evidence, hunk string, sup *guard.Suppression, now int64) (int64, bool, error) {
	var supID int64
	if sup != nil {
		supID = sup.ID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO anomalies (key, repo, detector, commit_sha, pull_request,
		author, author_name, author_email, severity, score, path, line, message, evidence, url,
		status, suppressed, suppression_id, seen, created, updated, hunk, case_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $19, $20, $21)
		RETURNING id`,
		key, rec.Repo, f.Detector, commit, rec.PullRequest, rec.Author, rec.AuthorName, rec.AuthorEmail,
		int64(f.Severity), f.Score, f.Path, f.Line, f.Message, evidence, rec.URL,
		string(guard.StatusOpen), sup != nil, supID, now, hunk, caseID).Scan(&id)
	if err != nil {
		return 0, false, err
	}
	detail := createdDetail(rec, f, commit)
	if sup != nil {
		detail += fmt.Sprintf(" [suppressed by suppression/%d]", sup.ID)
	}
	_, err = db.appendAuditTx(ctx, tx, rec.Actor, "anomaly.created", anomalySubject(id), detail)
	return id, sup == nil, err
}

// createdDetail describes a new anomaly in one line for the audit log:
// "high secrets acme/vault#7 (1a2b3c4d5e6f) by alice deploy/key.pem: message".
func createdDetail(rec *guard.FindingRecord, f *guard.Finding, commit string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", f.Severity, f.Detector, rec.Repo)
	if rec.PullRequest > 0 {
		fmt.Fprintf(&b, "#%d", rec.PullRequest)
	}
	if commit != "" {
		fmt.Fprintf(&b, " (%.12s)", commit)
	}
	if rec.Author != "" {
		fmt.Fprintf(&b, " by %s", rec.Author)
	}
	if loc := f.Location(); loc != "" {
		fmt.Fprintf(&b, " %s", loc)
	}
	fmt.Fprintf(&b, ": %s", f.Message)
	return b.String()
}

// Anomaly returns the anomaly id; the error wraps guard.ErrNotFound when
// there is none.
func (db *DB) Anomaly(ctx context.Context, id int64) (*guard.Anomaly, error) {
	a, err := anomalyByID(ctx, db.db, id)
	if errors.Is(err, guard.ErrNotFound) {
		return nil, err
	}
	return a, db.wrap("anomaly", err)
}

// AuthorAnomalies returns the latest anomalies of an author (identity
// key), suppressed ones included, newest first: up to limit (100 when
// limit <= 0).
func (db *DB) AuthorAnomalies(ctx context.Context, authorKey string, limit int) ([]guard.Anomaly, error) {
	if limit <= 0 {
		limit = 100
	}
	as, err := queryAnomalies(ctx, db.db, `SELECT `+anomalyCols+` FROM anomalies
		WHERE author = $1 ORDER BY created DESC, id DESC LIMIT $2`, authorKey, limit)
	return as, db.wrap("author anomalies", err)
}

// AnomaliesForPR returns every anomaly of a pull request, suppressed
// ones included, most severe first.
func (db *DB) AnomaliesForPR(ctx context.Context, repo string, pr int) ([]guard.Anomaly, error) {
	as, err := queryAnomalies(ctx, db.db, `SELECT `+anomalyCols+` FROM anomalies
		WHERE repo = $1 AND pull_request = $2 ORDER BY severity DESC, id`, repo, pr)
	return as, db.wrap("pull request anomalies", err)
}

// ExportAnomalies calls fn with every anomaly updated at or after since
// (all of them for the zero time), suppressed ones included, in id
// order. It reads in batches, so fn may take its time and use the DB;
// an anomaly changed during the export may be seen in its old or new
// state. It stops at the first error fn returns, and returns it.
func (db *DB) ExportAnomalies(ctx context.Context, since time.Time, fn func(guard.Anomaly) error) error {
	from := int64(0)
	if !since.IsZero() {
		from = since.Unix()
	}
	var last int64
	for {
		as, err := queryAnomalies(ctx, db.db, `SELECT `+anomalyCols+` FROM anomalies
			WHERE id > $1 AND updated >= $2 ORDER BY id LIMIT $3`, last, from, exportBatch)
		if err != nil {
			return db.wrap("export anomalies", err)
		}
		for _, a := range as {
			if err := fn(a); err != nil {
				return err
			}
			last = a.ID
		}
		if len(as) < exportBatch {
			return nil
		}
	}
}

// anomalySubject is the audit subject of anomaly id.
func anomalySubject(id int64) string { return "anomaly/" + strconv.FormatInt(id, 10) }

// anomalyExists returns an error wrapping guard.ErrNotFound when there
// is no anomaly id.
func (db *DB) anomalyExists(ctx context.Context, id int64) error {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM anomalies WHERE id = $1`, id).Scan(&n)
	if err == nil && n == 0 {
		return fmt.Errorf("anomaly %d: %w", id, guard.ErrNotFound)
	}
	return db.wrap("anomaly", err)
}

// rowQuerier is what *sql.DB and *sql.Tx have in common for reading.
type rowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// anomalyByID reads anomaly id; the error wraps guard.ErrNotFound when
// there is none.
func anomalyByID(ctx context.Context, q rowQuerier, id int64) (*guard.Anomaly, error) {
	a, err := scanAnomaly(q.QueryRowContext(ctx, `SELECT `+anomalyCols+` FROM anomalies WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("anomaly %d: %w", id, guard.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// queryAnomalies runs a query selecting anomalyCols.
func queryAnomalies(ctx context.Context, q rowQuerier, query string, args ...any) ([]guard.Anomaly, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []guard.Anomaly
	for rows.Next() {
		a, err := scanAnomaly(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// scanAnomaly reads one row of anomalyCols.
func scanAnomaly(row interface{ Scan(...any) error }) (guard.Anomaly, error) {
	var a guard.Anomaly
	var sev, created, updated, releaseAt int64
	var evidence, hunk, status string
	var rel guard.Release
	err := row.Scan(&a.ID, &a.CaseID, &a.Key, &a.Repo, &a.Detector, &a.Commit, &a.PullRequest, &a.Author, &a.AuthorName,
		&a.AuthorEmail, &sev, &a.Score, &a.Path, &a.Line, &a.Message, &evidence, &hunk, &a.URL, &status, &a.Reason,
		&a.Assignee, &a.Suppressed, &a.Seen, &created, &updated, &rel.Kind, &rel.By, &rel.Reason, &releaseAt)
	if err != nil {
		return a, err
	}
	if rel.Kind != "" {
		rel.At = time.Unix(releaseAt, 0).UTC()
		a.Release = &rel
	}
	a.Severity, a.Status = guard.Severity(sev), guard.AnomalyStatus(status)
	a.CreatedAt, a.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	if evidence != "" && evidence != "[]" {
		if err := json.Unmarshal([]byte(evidence), &a.Evidence); err != nil {
			return a, fmt.Errorf("anomaly %d: evidence: %w", a.ID, err)
		}
	}
	if hunk != "" && hunk != "[]" {
		if err := json.Unmarshal([]byte(hunk), &a.Hunk); err != nil {
			return a, fmt.Errorf("anomaly %d: hunk: %w", a.ID, err)
		}
	}
	return a, nil
}

// nonNil returns s, or an empty slice for nil, so that it encodes as [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// nonNilLines returns ls, or an empty slice for nil, so that it encodes
// as [].
func nonNilLines(ls []guard.Line) []guard.Line {
	if ls == nil {
		return []guard.Line{}
	}
	return ls
}
