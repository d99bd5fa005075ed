package sqlite

import (
	"context"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// The queue's page size when the filter sets none, and the largest.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// sortOrders maps AnomalyFilter.Sort to the columns ordered by, before
// the id that makes the order total.
var sortOrders = map[string][]string{
	"severity": {"severity", "created"},
	"created":  {"created"},
	"updated":  {"updated"},
	"score":    {"score", "created"},
	"repo":     {"repo", "created"},
}

// Anomalies returns a page of the queue and the number of anomalies the
// filter selects. With no Status it selects every status; suppressed
// anomalies only with IncludeSuppressed. Since and Until bound the
// creation time (Since inclusive, Until exclusive). Sort "" is by
// severity, most severe first, and then newest first; other orders are
// ascending unless Desc. The page is Limit anomalies (DefaultPageSize
// when 0, at most MaxPageSize) from Offset. An unknown status or sort
// fails with an error wrapping guard.ErrInvalid.
func (db *DB) Anomalies(ctx context.Context, f guard.AnomalyFilter) ([]guard.Anomaly, int, error) {
	q, err := queueQueries(f)
	if err != nil {
		return nil, 0, err
	}
	page, err := queryAnomalies(ctx, db.db, q.page, q.pageArgs...)
	if err != nil {
		return nil, 0, db.wrap("anomalies", err)
	}
	var total int
	if err := db.db.QueryRowContext(ctx, q.count, q.args...).Scan(&total); err != nil {
		return nil, 0, db.wrap("anomalies", err)
	}
	return page, total, nil
}

// queueQuery is the SQL of a filter's page and total.
type queueQuery struct {
	page, count    string
	pageArgs, args []any
}

// queueQueries returns the queries of f. The page's ids are selected,
// sorted and cut from a covering index alone (see the migration); only
// the page's own rows are then read.
func queueQueries(f guard.AnomalyFilter) (*queueQuery, error) {
	where, args, err := filterSQL(f, true)
	if err != nil {
		return nil, err
	}
	order, err := orderSQL(f)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	n := len(args)
	ids := `SELECT id FROM anomalies WHERE ` + where + ` ORDER BY ` + order +
		` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2)
	return &queueQuery{
		page:     `SELECT ` + anomalyCols + ` FROM anomalies WHERE id IN (` + ids + `) ORDER BY ` + order,
		pageArgs: append(args[:n:n], min(limit, MaxPageSize), max(f.Offset, 0)),
		count:    `SELECT count(*) FROM anomalies WHERE ` + where,
		args:     args,
	}, nil
}

// countsQuery returns the query counting what f selects in each of
// guard.Statuses(), in one row, and its arguments. One pass of
// conditional counts over an index, unlike GROUP BY status, needs no
// index ordered by status and no sort.
func countsQuery(f guard.AnomalyFilter) (string, []any) {
	where, args, _ := filterSQL(f, false) // fails only on a status
	var cols []string
	for _, s := range guard.Statuses() {
		args = append(args, string(s))
		cols = append(cols, `count(CASE WHEN status = $`+strconv.Itoa(len(args))+` THEN 1 END)`)
	}
	return `SELECT ` + strings.Join(cols, ", ") + ` FROM anomalies WHERE ` + where, args
}

// AnomalyCounts returns how many anomalies the filter selects in each
// status, ignoring its Status (every status has an entry, 0 or more),
// so that a queue view can show the count of each tab.
func (db *DB) AnomalyCounts(ctx context.Context, f guard.AnomalyFilter) (map[guard.AnomalyStatus]int, error) {
	query, args := countsQuery(f)
	statuses := guard.Statuses()
	n := make([]int, len(statuses))
	ptrs := make([]any, len(statuses))
	for i := range n {
		ptrs[i] = &n[i]
	}
	if err := db.db.QueryRowContext(ctx, query, args...).Scan(ptrs...); err != nil {
		return nil, db.wrap("anomaly counts", err)
	}
	counts := make(map[guard.AnomalyStatus]int, len(statuses))
	for i, s := range statuses {
		counts[s] = n[i]
	}
	return counts, nil
}

// filterSQL returns the WHERE clause of f and its arguments ($1 on),
// with its Status when withStatus.
func filterSQL(f guard.AnomalyFilter, withStatus bool) (string, []any, error) {
	var w where
	if !f.IncludeSuppressed {
		w.add("suppressed = 0")
	}
	if withStatus {
		if err := w.statuses(f.Status); err != nil {
			return "", nil, err
		}
	}
	if f.MinSeverity > guard.SeverityNone {
		w.add("severity >= ?", int64(f.MinSeverity))
	}
	if f.Repo != "" {
		w.add("repo = ?", f.Repo)
	}
	if f.Author != "" {
		w.add("author = ?", f.Author)
	}
	if f.Detector != "" {
		w.add("detector = ?", f.Detector)
	}
	if !f.Since.IsZero() {
		w.add("created >= ?", f.Since.Unix())
	}
	if !f.Until.IsZero() {
		w.add("created < ?", f.Until.Unix())
	}
	return w.sql(), w.args, nil
}

// where builds a WHERE clause from conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each ? in it becomes the next $N, bound to
// the next of vals.
func (w *where) add(cond string, vals ...any) {
	for _, v := range vals {
		w.args = append(w.args, v)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// statuses adds "status IN (...)" for a non-empty list; an unknown
// status wraps guard.ErrInvalid.
func (w *where) statuses(sts []guard.AnomalyStatus) error {
	if len(sts) == 0 {
		return nil
	}
	marks := make([]string, len(sts))
	vals := make([]any, len(sts))
	for i, s := range sts {
		if !s.Valid() {
			return invalidf("unknown status %q", s)
		}
		marks[i], vals[i] = "?", string(s)
	}
	w.add("status IN ("+strings.Join(marks, ", ")+")", vals...)
	return nil
}

// sql returns the clause.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.conds, " AND ")
}

// orderSQL returns the ORDER BY clause of f.
func orderSQL(f guard.AnomalyFilter) (string, error) {
	return orderBy(f, sortOrders, "severity", "severity, created, updated, score or repo")
}

// orderBy returns the ORDER BY clause of f's Sort and Desc among orders,
// by def descending when Sort is ""; want lists the orders for an error.
func orderBy(f guard.AnomalyFilter, orders map[string][]string, def, want string) (string, error) {
	sort, desc := f.Sort, f.Desc
	if sort == "" {
		sort, desc = def, true
	}
	cols, ok := orders[sort]
	if !ok {
		return "", invalidf("unknown sort %q (want %s)", f.Sort, want)
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	terms := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		terms = append(terms, c+dir)
	}
	return strings.Join(append(terms, "id"+dir), ", "), nil
}
