package web

import (
	"net/http"
	"strconv"

	"github.com/repoguard/repoguard/guard"
)

// queueData is the queue page.
type queueData struct {
	common
	Form       queueForm
	Tabs       []queueTab
	Sorts      []sortLink
	Rows       []guard.Case
	Total      int
	First      int
	Last       int
	Prev, Next string
	Severities []string
}

// queueForm echoes the filters into the form.
type queueForm struct {
	Status, Severity, Repo, Author, Detector, Since, Until string
	Suppressed                                             bool
}

// queueTab is a status tab with its count.
type queueTab struct {
	Label  string
	Count  int
	URL    string
	Active bool
}

// sortLink orders the queue; following the active one reverses it.
type sortLink struct {
	Label  string
	URL    string
	Active bool
	Desc   bool
}

// queuePage lists cases: open ones by default, riskiest first.
func (s *server) queuePage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := parseFilter(q, []guard.AnomalyStatus{guard.StatusOpen}, caseSorts)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	f.Limit, f.Offset = pageSize, (page-1)*pageSize
	rows, total, err := s.store.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	counts, err := s.store.CaseCounts(r.Context(), f)
	if err != nil {
		return err
	}
	links := queueLinks{q}
	d := &queueData{common: common{Title: "Anomaly queue", Nav: "queue"}, Rows: rows, Total: total,
		Severities: guard.SeverityNames(),
		Form: queueForm{Status: q.Get("status"), Severity: q.Get("severity"), Repo: f.Repo, Author: f.Author,
			Detector: f.Detector, Since: q.Get("since"), Until: q.Get("until"), Suppressed: f.IncludeSuppressed}}
	if d.Form.Status == "" {
		d.Form.Status = string(guard.StatusOpen)
	}
	d.Tabs = queueTabs(counts, d.Form.Status, links)
	for _, key := range caseSorts {
		active := key == f.Sort
		desc := !active || !f.Desc // a new sort starts descending
		d.Sorts = append(d.Sorts, sortLink{Label: key, Active: active, Desc: f.Desc,
			URL: links.with("sort", key, "desc", boolParam(desc))})
	}
	if len(rows) > 0 {
		d.First, d.Last = f.Offset+1, f.Offset+len(rows)
	}
	if page > 1 {
		d.Prev = links.with("page", strconv.Itoa(page-1))
	}
	if f.Offset+len(rows) < total {
		d.Next = links.with("page", strconv.Itoa(page+1))
	}
	s.render(w, r, http.StatusOK, "queue", d)
	return nil
}

// queueTabs returns a tab per status and one for all of them.
func queueTabs(counts map[guard.AnomalyStatus]int, active string, links queueLinks) []queueTab {
	var tabs []queueTab
	all := 0
	for _, st := range guard.Statuses() {
		all += counts[st]
		tabs = append(tabs, queueTab{Label: string(st), Count: counts[st],
			URL: links.with("status", string(st)), Active: active == string(st)})
	}
	return append(tabs, queueTab{Label: "all", Count: all, URL: links.with("status", "all"), Active: active == "all"})
}

func boolParam(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
