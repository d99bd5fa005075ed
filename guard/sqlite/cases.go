package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// caseCols are the columns scanCase reads, in order.
const caseCols = `id, key, repo, commit_sha, pull_request, subject, author, author_name, author_email, url,
	commit_date, risk, status, severity, findings, pending, suppressed, created, updated`

// upsertCase creates the case of rec, or updates it, and returns its id.
// A later record replaces the commit (a pull request's new head), the
// subject, the date and the link when it gives them, raises the risk to
// the larger, and fills in the author only when the case has none: a
// pull request's case keeps the author of its first record, even when a
// rubber stamp's reviewer is recorded later. A risk outside 0 to 100 is
// taken as the nearest bound, NaN as 0.
func upsertCase(ctx context.Context, tx *sql.Tx, rec *guard.FindingRecord, now int64) (int64, error) {
	risk := rec.Risk
	if !(risk >= 0) { // NaN too
		risk = 0
	}
	risk = min(risk, 100)
	date := now
	if !rec.Date.IsZero() {
		date = rec.Date.Unix()
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO cases (key, repo, commit_sha, pull_request, subject, author,
		author_name, author_email, url, commit_date, risk, created, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
		ON CONFLICT (key) DO UPDATE SET
		commit_sha = CASE WHEN excluded.commit_sha = '' THEN cases.commit_sha ELSE excluded.commit_sha END,
		subject = CASE WHEN excluded.subject = '' THEN cases.subject ELSE excluded.subject END,
		commit_date = CASE WHEN $13 THEN excluded.commit_date ELSE cases.commit_date END,
		url = CASE WHEN excluded.url = '' THEN cases.url ELSE excluded.url END,
		risk = CASE WHEN excluded.risk > cases.risk THEN excluded.risk ELSE cases.risk END,
		author = CASE WHEN cases.author = '' THEN excluded.author ELSE cases.author END,
		author_name = CASE WHEN cases.author = '' THEN excluded.author_name ELSE cases.author_name END,
		author_email = CASE WHEN cases.author = '' THEN excluded.author_email ELSE cases.author_email END,
		updated = excluded.updated
		RETURNING id`,
		guard.CaseKey(rec.Repo, rec.Commit, rec.PullRequest), rec.Repo, rec.Commit, rec.PullRequest, rec.Subject,
		rec.Author, rec.AuthorName, rec.AuthorEmail, rec.URL, date, risk, now, !rec.Date.IsZero()).Scan(&id)
	return id, err
}

// refreshCase rewrites the summary of case id from its anomalies.
func refreshCase(ctx context.Context, tx *sql.Tx, id int64) error {
	parts, err := caseParts(ctx, tx, []int64{id})
	if err != nil {
		return err
	}
	s := guard.Summarize(parts[id])
	_, err = tx.ExecContext(ctx, `UPDATE cases SET status = $2, severity = $3, findings = $4, pending = $5,
		suppressed = $6, updated = CASE WHEN $7 > updated THEN $7 ELSE updated END WHERE id = $1`,
		id, string(s.Status), int64(s.Severity), s.Findings, s.Pending, s.Suppressed, lastUpdate(parts[id]))
	return err
}

// lastUpdate is the latest UpdatedAt of as, in unix seconds.
func lastUpdate(as []guard.Anomaly) int64 {
	var last int64
	for _, a := range as {
		last = max(last, a.UpdatedAt.Unix())
	}
	return last
}

// caseParts reads what guard.Summarize needs of the anomalies of the
// cases ids, by case.
func caseParts(ctx context.Context, q rowQuerier, ids []int64) (map[int64][]guard.Anomaly, error) {
	out := map[int64][]guard.Anomaly{}
	if len(ids) == 0 {
		return out, nil
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := q.QueryContext(ctx, `SELECT case_id, id, detector, severity, status, suppressed, release_kind, updated
		FROM anomalies WHERE case_id IN (`+strings.Join(marks, ", ")+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a guard.Anomaly
		var sev, updated int64
		var status, release string
		if err := rows.Scan(&a.CaseID, &a.ID, &a.Detector, &sev, &status, &a.Suppressed, &release, &updated); err != nil {
			return nil, err
		}
		a.Severity, a.Status, a.UpdatedAt = guard.Severity(sev), guard.AnomalyStatus(status), time.Unix(updated, 0)
		if release != "" {
			a.Release = &guard.Release{Kind: release}
		}
		out[a.CaseID] = append(out[a.CaseID], a)
	}
	return out, rows.Err()
}

// Case returns case id with the summary of its anomalies; the error
// wraps guard.ErrNotFound when there is none.
func (db *DB) Case(ctx context.Context, id int64) (*guard.Case, error) {
	c, err := caseByID(ctx, db.db, id)
	if errors.Is(err, guard.ErrNotFound) {
		return nil, err
	}
	return c, db.wrap("case", err)
}

// CaseAnomalies returns every anomaly of case id, suppressed ones
// included, most severe first; the error wraps guard.ErrNotFound when
// there is no such case.
func (db *DB) CaseAnomalies(ctx context.Context, id int64) ([]guard.Anomaly, error) {
	if _, err := db.Case(ctx, id); err != nil {
		return nil, err
	}
	as, err := caseAnomalies(ctx, db.db, id)
	return as, db.wrap("case anomalies", err)
}

// caseAnomalies reads the anomalies of case id, most severe first.
func caseAnomalies(ctx context.Context, q rowQuerier, id int64) ([]guard.Anomaly, error) {
	return queryAnomalies(ctx, q, `SELECT `+anomalyCols+` FROM anomalies WHERE case_id = $1
		ORDER BY severity DESC, score DESC, id`, id)
}

// CaseHistory returns the audit entries of case id and of its
// anomalies, oldest first.
func (db *DB) CaseHistory(ctx context.Context, id int64) ([]guard.AuditEntry, error) {
	as, err := db.CaseAnomalies(ctx, id)
	if err != nil {
		return nil, err
	}
	subjects := []any{caseSubject(id)}
	marks := []string{"$1"}
	for _, a := range as {
		subjects = append(subjects, anomalySubject(a.ID))
		marks = append(marks, "$"+strconv.Itoa(len(subjects)))
	}
	es, err := db.auditQuery(ctx, `SELECT `+auditCols+` FROM audit WHERE subject IN (`+strings.Join(marks, ", ")+
		`) ORDER BY seq`, subjects...)
	return es, db.wrap("case history", err)
}

// caseSubject is the audit subject of case id.
func caseSubject(id int64) string { return "case/" + strconv.FormatInt(id, 10) }

// caseByID reads case id with the summary of its anomalies.
func caseByID(ctx context.Context, q rowQuerier, id int64) (*guard.Case, error) {
	cs, err := queryCases(ctx, q, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("case %d: %w", id, guard.ErrNotFound)
	}
	return &cs[0], nil
}

// queryCases runs a query selecting caseCols and fills in each case's
// summary from its anomalies.
func queryCases(ctx context.Context, q rowQuerier, query string, args ...any) ([]guard.Case, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []guard.Case
	var ids []int64
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
		ids = append(ids, c.ID)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	parts, err := caseParts(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].CaseSummary = guard.Summarize(parts[out[i].ID])
	}
	return out, nil
}

// scanCase reads one row of caseCols.
func scanCase(row interface{ Scan(...any) error }) (guard.Case, error) {
	var c guard.Case
	var date, created, updated, sev int64
	var status string
	err := row.Scan(&c.ID, &c.Key, &c.Repo, &c.Commit, &c.PullRequest, &c.Subject, &c.Author, &c.AuthorName,
		&c.AuthorEmail, &c.URL, &date, &c.Risk, &status, &sev, &c.Findings, &c.Pending, &c.Suppressed, &created, &updated)
	c.Status, c.Severity = guard.AnomalyStatus(status), guard.Severity(sev)
	c.Date, c.CreatedAt, c.UpdatedAt = time.Unix(date, 0).UTC(), time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return c, err
}
