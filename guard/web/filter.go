package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// The orders the lists offer, the first the default (descending): of
// the queue's cases, and of anomalies (the API).
var (
	caseSorts    = []string{"risk", "date", "updated", "repo"}
	anomalySorts = []string{"severity", "created", "updated", "score", "repo"}
)

// pageSize is the number of rows on a queue page.
const pageSize = 50

// parseFilter reads the queue filters from query parameters, shared by
// the page and the API: status (repeated or comma-separated, "all" for
// every status; absent means defStatus), severity (the minimum), repo,
// author, detector, since and until (dates, 2006-01-02, or RFC 3339
// times; a date until includes that day), sort (one of sorts, the first
// by default, descending) and desc, and suppressed=1 to include
// suppressed anomalies.
func parseFilter(q url.Values, defStatus []guard.AnomalyStatus, sorts []string) (guard.AnomalyFilter, error) {
	f := guard.AnomalyFilter{Status: defStatus, Repo: strings.TrimSpace(q.Get("repo")),
		Author: strings.TrimSpace(q.Get("author")), Detector: strings.TrimSpace(q.Get("detector")),
		Sort: sorts[0], Desc: true, IncludeSuppressed: isTrue(q.Get("suppressed"))}
	if vs, ok := q["status"]; ok {
		st, err := parseStatuses(vs)
		if err != nil {
			return f, err
		}
		f.Status = st
	}
	if v := q.Get("severity"); v != "" {
		sev, err := guard.ParseSeverity(v)
		if err != nil {
			return f, invalid(err.Error())
		}
		f.MinSeverity = sev
	}
	var err error
	if f.Since, err = parseTime(q.Get("since"), false); err != nil {
		return f, err
	}
	if f.Until, err = parseTime(q.Get("until"), true); err != nil {
		return f, err
	}
	if v := q.Get("sort"); v != "" {
		if !slices.Contains(sorts, v) {
			return f, invalid("sort must be one of " + strings.Join(sorts, ", "))
		}
		f.Sort, f.Desc = v, isTrue(q.Get("desc"))
	}
	return f, nil
}

// parseStatuses reads status values; "all" or "" selects every status.
func parseStatuses(vs []string) ([]guard.AnomalyStatus, error) {
	var out []guard.AnomalyStatus
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			st := guard.AnomalyStatus(strings.TrimSpace(s))
			switch {
			case st == "all" || st == "":
				return nil, nil
			case !st.Valid():
				return nil, invalid("unknown status " + strconv.Quote(string(st)))
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// parseTime reads a date or an RFC 3339 time; a date as an upper bound
// means the end of that day.
func parseTime(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		if end {
			t = t.Add(24 * time.Hour)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, invalid("bad date " + strconv.Quote(v) + ": want 2006-01-02 or an RFC 3339 time")
	}
	return t, nil
}

// parsePaging reads limit (1 to 500, default 50) and offset.
func parsePaging(q url.Values) (limit, offset int, err error) {
	limit, offset = pageSize, 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 500 {
			return 0, 0, invalid("limit must be 1 to 500")
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, invalid("offset must be 0 or more")
		}
	}
	return limit, offset, nil
}

func isTrue(v string) bool { return v == "1" || v == "true" || v == "on" }

// queueLinks builds the queue's links from the current query, so that
// tabs, sorting and paging keep the other filters.
type queueLinks struct{ q url.Values }

// with returns the queue URL with key set to value ("" removes it) and
// the page reset unless key is the page.
func (l queueLinks) with(kv ...string) string {
	q := url.Values{}
	for k, v := range l.q {
		q[k] = slices.Clone(v)
	}
	q.Del("page")
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return "/"
	}
	return "/?" + q.Encode()
}
