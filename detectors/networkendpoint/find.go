package networkendpoint

import (
	"net/netip"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/textscan"
)

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

// netFindIPv4 finds dotted quads with valid octets that are not part of a
// longer dotted sequence, an identifier or a version ("v1.2.3.4",
// "image:1.2.3.4", "version 1.2.3.4").
func netFindIPv4(s string, spans [][2]int) []netEndpoint {
	var out []netEndpoint
	urls := netSpans{spans: spans}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' || (i > 0 && (textscan.IsIdent(s[i-1]) || s[i-1] == '.')) {
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
	if k < len(s) && (textscan.IsIdent(s[k]) || s[k] == '.' && k+1 < len(s) && s[k+1] >= '0' && s[k+1] <= '9') {
		return k, false
	}
	if k+1 < len(s) && s[k] == '-' && textscan.IsIdent(s[k+1]) {
		return k, false // 1.2.3.4-beta
	}
	return k, true
}

// netVersionContext reports whether the quad at s[i:] reads as a version:
// an image tag ("name:1.2.3.4") or after the word "version".
func netVersionContext(s string, i int) bool {
	if i >= 2 && s[i-1] == ':' && textscan.IsIdent(s[i-2]) {
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
		if !(textscan.IsHex(s[i]) || s[i] == ':') || (i > 0 && (textscan.IsIdent(s[i-1]) || s[i-1] == ':' || s[i-1] == '.')) {
			i++
			continue
		}
		j := i
		for j < len(s) && (textscan.IsHex(s[j]) || s[j] == ':' || s[j] == '.') {
			j++
		}
		tok := strings.TrimRight(s[i:j], ".")
		start := i
		i = j
		if j < len(s) && textscan.IsIdent(s[j]) || urls.covers(start) || strings.Count(tok, ":") < 2 ||
			!strings.ContainsAny(tok, "0123456789") || (!strings.Contains(tok, "::") && strings.Count(tok, ":") != 7) ||
			netByteGroups(tok) {
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

// netByteGroups reports eight colon-separated groups of at most two hex
// digits: a MAC address or a fingerprint (93:6c:9e:29:8d:37:7b:66), which
// an IPv6 address written in full never is in practice.
func netByteGroups(tok string) bool {
	if strings.Contains(tok, "::") {
		return false
	}
	for _, g := range strings.Split(tok, ":") {
		if len(g) > 2 {
			return false
		}
	}
	return true
}
