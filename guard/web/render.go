package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
)

//go:embed templates
var templateFS embed.FS

// pageNames are the templates under templates/, each rendered inside
// layout.html.
var pageNames = []string{"login", "queue", "case", "anomaly", "author", "pull", "suppressions", "error", "setup"}

// pages holds one parsed template set per page.
type pages struct{ sets map[string]*template.Template }

// common is what every page's layout needs.
type common struct {
	Title string
	User  *principal
	// CSRF goes into every form.
	CSRF string
	// Nav names the active navigation entry.
	Nav string
}

func (c *common) base() *common { return c }

// pageData is implemented by every page's data through common.
type pageData interface{ base() *common }

// parsePages parses the layout with each page.
func (s *server) parsePages() (*pages, error) {
	layout, err := template.New("layout.html").Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	c := data.base()
	if p := principalOf(r); p != nil {
		c.User, c.CSRF = p, p.CSRF
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := s.pages.sets[name].ExecuteTemplate(buf, "layout.html", data); err != nil {
		s.logError(r, http.StatusInternalServerError, fmt.Errorf("render %s: %w", name, err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// funcs are the template helpers.
func (s *server) funcs() template.FuncMap {
	return template.FuncMap{
		"age":       func(t time.Time) string { return age(s.now().Sub(t)) },
		"when":      when,
		"zone":      zoneName,
		"authorURL": func(key string) string { return "/authors/" + url.PathEscape(key) },
		"pullURL": func(repo string, n int) string {
			return "/pulls/" + escapeRepo(repo) + "/" + fmt.Sprint(n)
		},
		"short": guard.ShortHash,
		"sub":   func(a, b int) int { return a - b },
		"join":  strings.Join,
		"pct": func(n, total int) string {
			if total == 0 {
				return "0%"
			}
			return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(total))
		},
		"detectorDoc": func(d string) string { return s.cfg.DetectorDocs[d] },
		"risk":        func(r float64) string { return fmt.Sprintf("%.0f", r) },
		"band":        guard.RiskBand,
		"day":         func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
		"bySeverity":  bySeverity,
		"first": func(n int, ss []string) []string {
			return ss[:min(n, len(ss))]
		},
	}
}

// severityCount is how many findings of a severity a case has.
type severityCount struct {
	Severity guard.Severity
	N        int
}

// bySeverity lists the counts of m, most severe first.
func bySeverity(m map[guard.Severity]int) []severityCount {
	var out []severityCount
	for sev := guard.Critical; sev > guard.SeverityNone; sev-- {
		if m[sev] > 0 {
			out = append(out, severityCount{sev, m[sev]})
		}
	}
	return out
}

// escapeRepo escapes "owner/name" for a path, keeping the slash.
func escapeRepo(repo string) string {
	owner, name, _ := strings.Cut(repo, "/")
	return url.PathEscape(owner) + "/" + url.PathEscape(name)
}

// age renders a duration as the queue shows it: "5m", "3h", "2d", "7w".
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	return fmt.Sprintf("%dw", int(d.Hours()/24/7))
}

// when renders a time in UTC, "" for the zero time.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// zoneName renders an offset in seconds east of UTC as "UTC+05:30".
func zoneName(offset int) string {
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, offset/3600, offset%3600/60)
}
