package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// CheckRun is the server's state of one check run.
type CheckRun struct {
	ID           int64
	Owner, Repo  string
	AppID        int64
	Installation int64
	Name         string
	HeadSHA      string
	Status       string
	Conclusion   string
	DetailsURL   string
	ExternalID   string
	StartedAt    time.Time
	CompletedAt  time.Time
	Title        string
	Summary      string
	Text         string
	// Annotations accumulate over the create and every update.
	Annotations []Annotation
	Actions     []Action
	// Updates holds every accepted write, the create first.
	Updates []CheckRunUpdate
}

// Annotation is an annotation as the server received it.
type Annotation struct {
	Path       string `json:"path"`
	StartLine  int    `json:"start_line"`
	EndLine    int    `json:"end_line"`
	Level      string `json:"annotation_level"`
	Title      string `json:"title"`
	Message    string `json:"message"`
	RawDetails string `json:"raw_details"`
}

// Action is a check run button as the server received it.
type Action struct {
	Label       string `json:"label"`
	Description string `json:"description"`
	Identifier  string `json:"identifier"`
}

// CheckRunUpdate is one accepted create (POST) or update (PATCH).
type CheckRunUpdate struct {
	Method      string
	Status      string // as sent, "" when absent
	Conclusion  string // as sent, "" when absent
	Annotations int
	HasOutput   bool
}

// CheckRuns returns copies of every check run, by increasing ID.
func (s *Server) CheckRuns() []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CheckRun, 0, len(s.checkRuns))
	for _, cr := range s.checkRuns {
		out = append(out, cr.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// CheckRun returns a copy of one check run.
func (s *Server) CheckRun(id int64) (CheckRun, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, ok := s.checkRuns[id]
	if !ok {
		return CheckRun{}, false
	}
	return cr.clone(), true
}

func (cr *CheckRun) clone() CheckRun {
	c := *cr
	c.Annotations = append([]Annotation(nil), cr.Annotations...)
	c.Actions = append([]Action(nil), cr.Actions...)
	c.Updates = append([]CheckRunUpdate(nil), cr.Updates...)
	return c
}

func (s *Server) handleCreateCheckRun(w http.ResponseWriter, r *http.Request) {
	var b checkRunBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	cr := &CheckRun{Owner: r.PathValue("owner"), Repo: r.PathValue("repo"), AppID: s.AppID, Status: "queued"}
	if err := b.validate(cr, true); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: "+err.Error())
		return
	}
	cr.Installation, _ = r.Context().Value(ctxInstallation).(int64)
	s.mu.Lock()
	cr.ID = s.newID()
	b.apply(cr, http.MethodPost)
	s.checkRuns[cr.ID] = cr
	resp := cr.toJSON(s.URL)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, resp)
}

func (s *Server) handleUpdateCheckRun(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var b checkRunBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, ok := s.checkRuns[id]
	if !ok || cr.Owner != r.PathValue("owner") || cr.Repo != r.PathValue("repo") {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if err := b.validate(cr, false); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: "+err.Error())
		return
	}
	b.apply(cr, http.MethodPatch)
	writeJSON(w, http.StatusOK, cr.toJSON(s.URL))
}

// handleListCheckRuns lists the runs on a commit, newest first. With
// filter=latest (the default) only the newest run per App and name is
// listed.
func (s *Server) handleListCheckRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	owner, repo, ref := r.PathValue("owner"), r.PathValue("repo"), r.PathValue("ref")
	s.mu.Lock()
	var runs []*CheckRun
	for _, cr := range s.checkRuns {
		if cr.Owner != owner || cr.Repo != repo || cr.HeadSHA != ref {
			continue
		}
		if n := q.Get("check_name"); n != "" && cr.Name != n {
			continue
		}
		if a := q.Get("app_id"); a != "" && a != strconv.FormatInt(cr.AppID, 10) {
			continue
		}
		if st := q.Get("status"); st != "" && cr.Status != st {
			continue
		}
		runs = append(runs, cr)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].ID > runs[j].ID })
	if q.Get("filter") != "all" {
		seen := map[string]bool{}
		kept := runs[:0]
		for _, cr := range runs {
			k := fmt.Sprint(cr.AppID, "/", cr.Name)
			if !seen[k] {
				seen[k] = true
				kept = append(kept, cr)
			}
		}
		runs = kept
	}
	total := len(runs)
	page := paginate(w, r, runs)
	items := make([]checkRunJSON, len(page))
	for i, cr := range page {
		items[i] = cr.toJSON(s.URL)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"total_count": total, "check_runs": items})
}
