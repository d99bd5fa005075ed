package networkendpoint

import (
	"net/netip"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// Settings are the detector's tunable parameters, with their defaults in
// Detector; a policy overrides them under detectors.network-endpoint.settings.
type Settings struct {
	// categories are the sensitive categories whose files are
	// scanned, most sensitive first.
	Categories []string `setting:"categories"`
	// allow_hosts are hosts never reported; an entry also allows its
	// subdomains ("example.org" allows "api.example.org").
	AllowHosts []string `setting:"allow_hosts"`
	// include_comments also scans lines that are comments.
	IncludeComments bool `setting:"include_comments"`
	// max_per_file caps the hosts reported per file; the rest are
	// folded into one finding.
	MaxPerFile int `setting:"max_per_file"`
}

// Detector is the network-endpoint detector.
var Detector = &guard.Detector{
	Name: "network-endpoint",
	// No hunk: URLs may carry credentials.
	NoContext: true,
	Doc: "Reports URLs and IP addresses newly added to key-handling, contract and deploy files, " +
		"naming the host: a new endpoint there is how keys or funds leave. Loopback, documentation " +
		"and allowed hosts are skipped; private and cluster-internal hosts are informational.",
	Severity: guard.Medium,
	Settings: &Settings{
		Categories:      []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryDeploy},
		AllowHosts:      []string{"localhost"},
		IncludeComments: false,
		MaxPerFile:      10,
	},
	Run: run,
}

// netEndpoint is one URL or IP address found on an added line.
type netEndpoint struct {
	text string // as written, credentials redacted
	raw  string // as written, for the moved-line check
	host string // lowercase host name or IP address
	addr netip.Addr
	cred bool // the URL carries user information
}

// netHost gathers the endpoints of one host in one file.
type netHost struct {
	host     string
	lines    []int
	texts    []string
	class    string // "", "internal" or "metadata"
	cred     bool
	knownOld bool // the host also appears in the deleted lines
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	cats := set.Categories
	allow := set.AllowHosts
	comments := set.IncludeComments
	limit := set.MaxPerFile
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted || len(f.AddedLines) == 0 {
			continue
		}
		cat := ""
		for _, c := range cats {
			if pass.InCategory(i, c) {
				cat = c
				break
			}
		}
		if cat == "" {
			continue
		}
		hosts := netScanFile(f, allow, comments)
		netReport(pass, f, cat, hosts, limit)
	}
}

// netScanFile collects the new endpoints of a file by host, in order of
// first appearance.
func netScanFile(f *guard.FileChange, allow []string, comments bool) []*netHost {
	var deleted *textscan.Index
	var byHost map[string]*netHost
	var order []*netHost
	for _, l := range f.AddedLines {
		if !netMayHaveEndpoint(l.Text) || (!comments && netIsComment(l.Text)) {
			continue
		}
		for _, e := range netFind(l.Text) {
			if netSkipped(e, allow) {
				continue
			}
			if byHost == nil {
				byHost = map[string]*netHost{}
				deleted = textscan.NewIndex(netJoin(f.DeletedLines))
			}
			if deleted.Contains(e.raw) {
				continue // the same endpoint moved
			}
			h := byHost[e.host]
			if h == nil {
				h = &netHost{host: e.host, class: netClass(e), knownOld: deleted.Contains(e.host)}
				byHost[e.host] = h
				order = append(order, h)
			}
			h.lines = append(h.lines, l.Number)
			h.cred = h.cred || e.cred
			if len(h.texts) < 3 && !netContains(h.texts, e.text) {
				h.texts = append(h.texts, e.text)
			}
		}
	}
	return order
}

func netJoin(lines []guard.Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func netContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// netMayHaveEndpoint is a cheap prefilter: a scheme separator, three dots
// for an IPv4 address, or the colons of an IPv6 address.
func netMayHaveEndpoint(s string) bool {
	return strings.Contains(s, "://") || strings.Count(s, ".") >= 3 || strings.Contains(s, "::") ||
		strings.Count(s, ":") >= 7
}

// netIsComment reports whether a line is a comment in the common syntaxes.
func netIsComment(s string) bool {
	t := strings.TrimSpace(s)
	for _, p := range []string{"#", "//", "/*", "*", "--", ";", "<!--", "%"} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}
