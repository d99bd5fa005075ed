package networkendpoint

import (
	"net/netip"
	"strings"
)

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
