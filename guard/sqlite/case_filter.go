package sqlite

import (
	"context"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// caseOrders maps AnomalyFilter.Sort, for cases, to the columns ordered
// by, before the id that makes the order total.
var caseOrders = map[string][]string{
	"risk":    {"risk", "commit_date"},
	"date":    {"commit_date"},
	"updated": {"updated"},
	"repo":    {"repo", "commit_date"},
}

// Cases returns a page of the queue's cases and how many the filter
// selects. With no Status it selects every status; cases whose every
// anomaly is suppressed only with IncludeSuppressed. Repo, Author (the
// identity key, name or email) and Detector (of any of a case's
// anomalies) match substrings, ignoring ASCII case; Since and Until
// bound the case's date (Since inclusive, Until exclusive). Sort "" is
// by risk, riskiest first; "risk", "date", "updated" and "repo" are
// ascending unless Desc. The page is Limit cases (DefaultPageSize when
// 0, at most MaxPageSize) from Offset. An unknown status or sort fails
// with an error wrapping guard.ErrInvalid.
func (db *DB) Cases(ctx context.Context, f guard.AnomalyFilter) ([]guard.Case, int, error) {
	q, err := db.dialect.caseQueries(f)
	if err != nil {
		return nil, 0, err
	}
	page, err := queryCases(ctx, db.db, q.page, q.pageArgs...)
	if err != nil {
		return nil, 0, db.wrap("cases", err)
	}
	var total int
	if err := db.db.QueryRowContext(ctx, q.count, q.args...).Scan(&total); err != nil {
		return nil, 0, db.wrap("cases", err)
	}
	return page, total, nil
}

// caseQueries returns the queries of a page of the cases f selects, of
// their total, and of their counts by status (ignoring f's Status).
func (d dialect) caseQueries(f guard.AnomalyFilter) (*queueQuery, error) {
	w, err := d.caseWhere(f, true)
	if err != nil {
		return nil, err
	}
	order, err := orderBy(f, caseOrders, "risk", "risk, date, updated or repo")
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	n := len(w.args)
	return &queueQuery{
		page: `SELECT ` + caseCols + ` FROM cases WHERE ` + w.sql() + ` ORDER BY ` + order +
			` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2),
		pageArgs: append(w.args[:n:n], min(limit, MaxPageSize), max(f.Offset, 0)),
		count:    `SELECT count(*) FROM cases WHERE ` + w.sql(),
		args:     w.args,
	}, nil
}

// caseCountsQuery returns the query counting the cases f selects by
// status, ignoring its Status, and its arguments.
func (d dialect) caseCountsQuery(f guard.AnomalyFilter) (string, []any) {
	w, _ := d.caseWhere(f, false) // fails only on a status
	return `SELECT status, count(*) FROM cases WHERE ` + w.sql() + ` GROUP BY status`, w.args
}

// CaseCounts returns how many cases the filter selects in each status,
// ignoring its Status (every status has an entry, 0 or more).
func (db *DB) CaseCounts(ctx context.Context, f guard.AnomalyFilter) (map[guard.AnomalyStatus]int, error) {
	query, args := db.dialect.caseCountsQuery(f)
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.wrap("case counts", err)
	}
	defer rows.Close()
	counts := map[guard.AnomalyStatus]int{}
	for _, s := range guard.Statuses() {
		counts[s] = 0
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, db.wrap("case counts", err)
		}
		counts[guard.AnomalyStatus(s)] = n
	}
	return counts, db.wrap("case counts", rows.Err())
}

// caseWhere returns the WHERE clause of f over cases, with its Status
// when withStatus.
func (d dialect) caseWhere(f guard.AnomalyFilter, withStatus bool) (*where, error) {
	w := &where{}
	if !f.IncludeSuppressed {
		w.add("suppressed = 0")
	}
	if withStatus {
		if err := w.statuses(f.Status); err != nil {
			return nil, err
		}
	}
	if f.MinSeverity > guard.SeverityNone {
		w.add("severity >= ?", int64(f.MinSeverity))
	}
	if f.Repo != "" {
		w.add(d.contains("repo"), likePattern(f.Repo))
	}
	if f.Author != "" {
		p := likePattern(f.Author)
		w.add("("+d.contains("author")+" OR "+d.contains("author_name")+" OR "+d.contains("author_email")+")", p, p, p)
	}
	if f.Detector != "" {
		w.add("id IN (SELECT case_id FROM anomalies WHERE "+d.contains("detector")+")", likePattern(f.Detector))
	}
	if !f.Since.IsZero() {
		w.add("commit_date >= ?", f.Since.Unix())
	}
	if !f.Until.IsZero() {
		w.add("commit_date < ?", f.Until.Unix())
	}
	return w, nil
}

// likePattern is a LIKE pattern (ESCAPE '\') matching s, lowercased,
// anywhere (see containsSQL).
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(strings.TrimSpace(s))) + "%"
}
