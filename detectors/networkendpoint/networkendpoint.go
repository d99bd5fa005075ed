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
	// known_hosts are well-known hosts (registries, code hosts,
	// mirrors, key-management services): a new endpoint there is
	// low. An entry also covers its subdomains; "*" stands for
	// labels ("kms.*.amazonaws.com"). A policy's list replaces
	// this one: repeat the defaults.
	KnownHosts []string `setting:"known_hosts"`
	// key_code_words are words of folder and file names that make
	// a file key-handling code even outside the keys category
	// (src/ecdsa_impl.h, wallet/session.rs). A policy's list
	// replaces this one: repeat the defaults.
	KeyCodeWords []string `setting:"key_code_words"`
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
	Doc: "Reports URLs and IP addresses newly added to code of key-handling, contract and deploy files, " +
		"naming the host: a new endpoint there is how keys or funds leave; and outbound network calls " +
		"added to key-handling code (high even when the host is not written out). Comments, " +
		"documentation links, licences, XML namespaces, loopback and documentation addresses and " +
		"allowed hosts are skipped; well-known registries and endpoints in tests, docs, examples and " +
		"vendored code are low; private and cluster-internal hosts are informational.",
	Severity: guard.Medium,
	Settings: &Settings{
		Categories:      []string{guard.CategoryKeys, guard.CategoryContracts, guard.CategoryDeploy},
		AllowHosts:      []string{"localhost"},
		KnownHosts:      netDefaultKnownHosts,
		KeyCodeWords:    netDefaultKeyCodeWords,
		IncludeComments: false,
		MaxPerFile:      10,
	},
	Run: run,
}

// netMinifiedLine is the length beyond which a line is taken for minified
// or generated code: its endpoints are low.
const netMinifiedLine = 1000

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
	knownOld bool   // the host also appears in the deleted lines
	known    bool   // a well-known host (known_hosts)
	lowered  string // why it is low wherever it is (a test file...), "" when it is not
	readable bool   // it is on a line short enough to be no minified code
}

// netConfig holds the settings of one run.
type netConfig struct {
	allow, known []string
	keyWords     map[string]bool
	comments     bool
	limit        int
}

func run(pass *guard.Pass) {
	set := pass.Settings().(*Settings)
	cfg := netConfig{allow: set.AllowHosts, known: set.KnownHosts, keyWords: map[string]bool{},
		comments: set.IncludeComments, limit: max(set.MaxPerFile, 1)}
	for _, w := range set.KeyCodeWords {
		cfg.keyWords[strings.ToLower(w)] = true
	}
	for i := range pass.Files {
		f := &pass.Files[i]
		if f.Status == guard.Deleted || len(f.AddedLines) == 0 {
			continue
		}
		role := netRole(pass, i, set.Categories, cfg.keyWords)
		if role == "" {
			continue
		}
		lowered := netLowered(pass, i)
		code := netCodeLines(f, cfg.comments)
		netReport(pass, f, role, netScanFile(f, code, lowered, &cfg), cfg.limit)
		if role == guard.CategoryKeys && lowered == "" {
			netReportCalls(pass, f.Path, netCalls(f, code, netSyntaxOf(f.Path).tail == "#"))
		}
	}
}

// netCodeLines returns the code of each added line of a file, "" for a
// comment (all of the line, unless comments are scanned too).
func netCodeLines(f *guard.FileChange, comments bool) []string {
	code := make([]string, len(f.AddedLines))
	c := netCode{syn: netSyntaxOf(f.Path), last: -1}
	for j, l := range f.AddedLines {
		if comments {
			code[j] = l.Text
		} else {
			code[j] = c.code(l)
		}
	}
	return code
}

// netScanFile collects the new endpoints in the code of a file by host, in
// order of first appearance. lowered says why the whole file is low, if it
// is.
func netScanFile(f *guard.FileChange, code []string, lowered string, cfg *netConfig) []*netHost {
	var deleted *textscan.Index
	var byHost map[string]*netHost
	var order []*netHost
	for j, l := range f.AddedLines {
		s := code[j]
		if !netMayHaveEndpoint(s) || netDocLine(s) {
			continue
		}
		for _, e := range netFind(s) {
			if netSkipped(e, cfg.allow) || netDocLink(e) {
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
				h = &netHost{host: e.host, class: netClass(e), knownOld: deleted.Contains(e.host),
					known: netKnownHost(e.host, cfg.known), lowered: lowered}
				byHost[e.host] = h
				order = append(order, h)
			}
			h.readable = h.readable || len(s) <= netMinifiedLine
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
