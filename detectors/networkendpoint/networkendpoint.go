package networkendpoint

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
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

// netFind returns the URLs, then the bare IP addresses outside them, on a
// line.
func netFind(s string) []netEndpoint {
	var out []netEndpoint
	var spans [][2]int
	for off := 0; ; {
		i := strings.Index(s[off:], "://")
		if i < 0 {
			break
		}
		i += off
		start, end := textscan.URLBounds(s, i)
		off = end
		if start == i {
			continue // no scheme
		}
		spans = append(spans, [2]int{start, end})
		if e, ok := netParseURL(s[start:end]); ok {
			out = append(out, e)
		}
	}
	if strings.Count(s, ".") >= 3 {
		out = append(out, netFindIPv4(s, spans)...)
	}
	if strings.Contains(s, "::") || strings.Count(s, ":") >= 7 {
		out = append(out, netFindIPv6(s, spans)...)
	}
	return out
}

// netParseURL extracts the host of a URL and redacts its credentials.
func netParseURL(u string) (netEndpoint, bool) {
	scheme, rest, _ := strings.Cut(u, "://")
	auth := rest
	if i := strings.IndexAny(auth, "/?#"); i >= 0 {
		auth = auth[:i]
	}
	e := netEndpoint{raw: u, text: u}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		e.cred = true
		e.text = scheme + "://***@" + rest[at+1:]
		auth = auth[at+1:]
	}
	host := auth
	if strings.HasPrefix(host, "[") {
		if j := strings.IndexByte(host, ']'); j > 0 {
			host = host[1:j]
		}
	} else if j := strings.LastIndexByte(host, ':'); j >= 0 {
		host = host[:j]
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || strings.ContainsAny(host, "$%*") {
		return e, false // templated or empty: not a literal endpoint
	}
	e.host = host
	if a, err := netip.ParseAddr(host); err == nil {
		e.addr = a
	}
	if len(e.text) > 100 {
		e.text = e.text[:97] + "..."
	}
	return e, true
}

// netSpans tells whether positions of a line fall inside its URLs. The
// spans netFind collects are disjoint and in order, and each scan asks
// about increasing positions, so one cursor answers all of a scan's
// questions in a single pass over the spans: checking every span at every
// candidate is quadratic on a line of URLs and addresses (issue 8).
type netSpans struct {
	spans [][2]int
	k     int // the first span that may still hold a position asked about
}

// covers reports whether i, at least every position asked before, is in
// a span.
func (sp *netSpans) covers(i int) bool {
	for sp.k < len(sp.spans) && sp.spans[sp.k][1] <= i {
		sp.k++
	}
	return sp.k < len(sp.spans) && sp.spans[sp.k][0] <= i
}

func netIdentChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// netFindIPv4 finds dotted quads with valid octets that are not part of a
// longer dotted sequence, an identifier or a version ("v1.2.3.4",
// "image:1.2.3.4", "version 1.2.3.4").
func netFindIPv4(s string, spans [][2]int) []netEndpoint {
	var out []netEndpoint
	urls := netSpans{spans: spans}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || (i > 0 && (netIdentChar(s[i-1]) || s[i-1] == '.')) {
			continue
		}
		end, ok := netDottedQuad(s, i)
		if !ok {
			continue
		}
		j := i
		i = end
		if urls.covers(j) || netVersionContext(s, j) {
			continue
		}
		text := s[j:end]
		a, err := netip.ParseAddr(text)
		if err != nil {
			continue
		}
		raw := text
		if end < len(s) && s[end] == '/' { // CIDR
			k := end + 1
			for k < len(s) && k < end+3 && s[k] >= '0' && s[k] <= '9' {
				k++
			}
			raw = s[j:k]
		}
		out = append(out, netEndpoint{text: raw, raw: raw, host: text, addr: a})
	}
	return out
}

// netDottedQuad parses four octets at s[i:] and returns where they end.
func netDottedQuad(s string, i int) (int, bool) {
	k := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if k >= len(s) || s[k] != '.' {
				return k, false
			}
			k++
		}
		start, v := k, 0
		for k < len(s) && s[k] >= '0' && s[k] <= '9' && k-start < 4 {
			v = v*10 + int(s[k]-'0')
			k++
		}
		if n := k - start; n == 0 || n > 3 || v > 255 || (n > 1 && s[start] == '0') {
			return k, false
		}
	}
	if k < len(s) && (netIdentChar(s[k]) || s[k] == '.' && k+1 < len(s) && s[k+1] >= '0' && s[k+1] <= '9') {
		return k, false
	}
	if k+1 < len(s) && s[k] == '-' && netIdentChar(s[k+1]) {
		return k, false // 1.2.3.4-beta
	}
	return k, true
}

// netVersionContext reports whether the quad at s[i:] reads as a version:
// an image tag ("name:1.2.3.4") or after the word "version".
func netVersionContext(s string, i int) bool {
	if i >= 2 && s[i-1] == ':' && netIdentChar(s[i-2]) {
		return true
	}
	before := strings.ToLower(s[max(0, i-16):i])
	return strings.Contains(before, "version") || strings.Contains(before, "ver=") ||
		strings.Contains(before, "release")
}

// netFindIPv6 finds IPv6 literals: hex-and-colon tokens with "::" or
// eight groups, a decimal digit, and identifier boundaries (so that
// "Foo::bar" and "0x1::coin" are not addresses).
func netFindIPv6(s string, spans [][2]int) []netEndpoint {
	var out []netEndpoint
	urls := netSpans{spans: spans}
	for i := 0; i < len(s); {
		if !netHex6Char(s[i]) || (i > 0 && (netIdentChar(s[i-1]) || s[i-1] == ':' || s[i-1] == '.')) {
			i++
			continue
		}
		j := i
		for j < len(s) && (netHex6Char(s[j]) || s[j] == '.') {
			j++
		}
		tok := strings.TrimRight(s[i:j], ".")
		start := i
		i = j
		if j < len(s) && netIdentChar(s[j]) || urls.covers(start) || strings.Count(tok, ":") < 2 ||
			!strings.ContainsAny(tok, "0123456789") || (!strings.Contains(tok, "::") && strings.Count(tok, ":") != 7) {
			continue
		}
		a, err := netip.ParseAddr(tok)
		if err != nil || !a.Is6() {
			continue
		}
		out = append(out, netEndpoint{text: tok, raw: tok, host: a.String(), addr: a})
	}
	return out
}

func netHex6Char(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':'
}

// netDocRanges are the address blocks reserved for documentation
// (RFC 5737, RFC 3849) and benchmarking (RFC 2544).
var netDocRanges = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("198.18.0.0/15"),
}

// netSkipped reports endpoints that are not worth a reviewer's time:
// loopback, unspecified, multicast, documentation addresses, reserved
// example domains and allowed hosts.
func netSkipped(e netEndpoint, allow []string) bool {
	if e.addr.IsValid() {
		a := e.addr.Unmap()
		if a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() || a == netip.MustParseAddr("255.255.255.255") {
			return true
		}
		for _, p := range netDocRanges {
			if p.Contains(a) {
				return true
			}
		}
		return netHostAllowed(e.host, allow)
	}
	h := e.host
	for _, reserved := range []string{"example.com", "example.net", "example.org", "example", "test",
		"invalid", "localhost"} {
		if h == reserved || strings.HasSuffix(h, "."+reserved) {
			return true
		}
	}
	return netHostAllowed(h, allow)
}

func netHostAllowed(h string, allow []string) bool {
	for _, a := range allow {
		a = strings.ToLower(strings.TrimPrefix(a, "*."))
		if a != "" && (h == a || strings.HasSuffix(h, "."+a)) {
			return true
		}
	}
	return false
}

var netMetadata = map[string]bool{"169.254.169.254": true, "fd00:ec2::254": true,
	"metadata.google.internal": true, "100.100.100.200": true, "169.254.170.2": true}

// netClass says whether an endpoint is a cloud metadata service, an
// internal (private, link-local or cluster) one, or neither.
func netClass(e netEndpoint) string {
	if netMetadata[e.host] {
		return "metadata"
	}
	if e.addr.IsValid() {
		a := e.addr.Unmap()
		if a.IsPrivate() || a.IsLinkLocalUnicast() || netip.MustParsePrefix("100.64.0.0/10").Contains(a) {
			return "internal"
		}
		return ""
	}
	if !strings.Contains(e.host, ".") {
		return "internal" // a single-label name resolves inside the network
	}
	for _, suffix := range []string{".local", ".internal", ".lan", ".corp", ".home.arpa", ".intranet"} {
		if strings.HasSuffix(e.host, suffix) {
			return "internal"
		}
	}
	return ""
}

// netCategoryRole describes the file for the message.
var netCategoryRole = map[string]string{
	guard.CategoryKeys:      "the key-handling file %s: key material or signatures can leave through it",
	guard.CategoryContracts: "the contract file %s: check what the contract or its tooling sends there or trusts from it",
	guard.CategoryDeploy:    "the deploy file %s: check that the deployment should talk to it or let it in",
}

func netReport(pass *guard.Pass, f *guard.FileChange, cat string, hosts []*netHost, limit int) {
	if limit < 1 {
		limit = 1
	}
	for n, h := range hosts {
		if n == limit && len(hosts) > limit {
			netReportRest(pass, f, cat, hosts[n:])
			return
		}
		sev := netSeverity(cat, h)
		role := netCategoryRole[cat]
		if role == "" {
			role = "the " + cat + " file %s"
		}
		what := netDescribe(h)
		ev := []string{"host: " + h.host}
		for _, t := range h.texts {
			ev = append(ev, "endpoint: "+t)
		}
		if len(h.lines) > 1 {
			ev = append(ev, fmt.Sprintf("%s in the added lines", explain.Plural(len(h.lines), "occurrence")))
		}
		if h.knownOld {
			ev = append(ev, "the host also appears in the lines this change removes")
		}
		if h.class == "internal" {
			ev = append(ev, "private address or internal name: informational")
		}
		pass.Report(guard.Finding{
			Severity: sev,
			Score:    0.2 + 0.15*float64(sev),
			Path:     f.Path,
			Line:     h.lines[0],
			Message:  fmt.Sprintf("Adds %s to "+role+".", what, f.Path),
			Evidence: ev,
		})
	}
}

// netDescribe names the endpoints of a host for a message.
func netDescribe(h *netHost) string {
	t := h.texts[0]
	host := ""
	if t != h.host && !strings.HasPrefix(t, h.host+"/") {
		host = " (host " + h.host + ")"
	}
	switch {
	case h.class == "metadata":
		return "the cloud metadata endpoint " + t + ", which hands out the machine's credentials,"
	case h.cred:
		return "the endpoint " + t + host + " with credentials in the URL"
	case strings.HasPrefix(t, h.host+"/"):
		return "the network " + t
	}
	return "the endpoint " + t + host
}

// netSeverity grades a host: medium, high in key-handling files, high for
// metadata services and URLs with credentials, lower for internal hosts
// and hosts the file already used.
func netSeverity(cat string, h *netHost) guard.Severity {
	sev := guard.Medium
	if cat == guard.CategoryKeys {
		sev = guard.High
	}
	switch {
	case h.class == "metadata" || h.cred:
		return guard.High
	case h.class == "internal":
		sev -= 2
	case h.knownOld:
		sev--
	}
	return max(sev, guard.Info)
}

func netReportRest(pass *guard.Pass, f *guard.FileChange, cat string, rest []*netHost) {
	names := make([]string, len(rest))
	sev := guard.Info
	for i, h := range rest {
		names[i] = h.host
		sev = max(sev, netSeverity(cat, h))
	}
	pass.Report(guard.Finding{
		Severity: sev,
		Score:    0.3,
		Path:     f.Path,
		Line:     rest[0].lines[0],
		Message: fmt.Sprintf("Adds endpoints on %s more to the %s file %s: %s.", explain.Plural(len(rest), "host"),
			cat, f.Path, explain.List(names, 6)),
		Evidence: names[:min(len(names), 20)],
	})
}
