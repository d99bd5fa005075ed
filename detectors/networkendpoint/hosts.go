package networkendpoint

import (
	"net/netip"
	"path"
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

// netLicenseURLs are where licences live: a licence header names them, no
// code calls them.
var netLicenseURLs = []string{"apache.org/licenses", "opensource.org/licenses", "gnu.org/licenses",
	"mozilla.org/mpl", "creativecommons.org/licenses", "spdx.org/licenses", "unlicense.org",
	"choosealicense.com", "opensource.org/license/"}

// netNamespaceHosts serve XML namespaces and schema identifiers: names,
// not endpoints.
var netNamespaceHosts = []string{"www.w3.org", "w3.org", "json-schema.org", "schemas.xmlsoap.org",
	"schemas.microsoft.com", "schemas.android.com", "schemas.openxmlformats.org", "purl.org",
	"xmlns.com", "ns.adobe.com", "schema.org", "java.sun.com", "xmlns.jcp.org", "maven.apache.org/pom",
	"maven.apache.org/xsd"}

// netDocHosts publish documentation, standards and advisories: a link
// there points a reader to them.
var netDocHosts = []string{"eips.ethereum.org", "ethereum.org", "en.wikipedia.org", "wikipedia.org",
	"rfc-editor.org", "tools.ietf.org", "datatracker.ietf.org", "developer.mozilla.org",
	"stackoverflow.com", "pkg.go.dev", "go.dev/doc", "golang.org/doc", "docs.rs", "doc.rust-lang.org",
	"nvd.nist.gov", "cve.mitre.org", "semver.org", "keepachangelog.com", "docs.soliditylang.org",
	"docs.github.com", "docs.docker.com", "kubernetes.io/docs", "react.dev/errors", "reactjs.org/docs"}

// netDocLine reports lines whose URLs name things rather than reach them:
// XML namespaces, schema ids and image labels (a Dockerfile's LABEL line,
// and the OCI and label-schema keys on its continuation lines).
func netDocLine(line string) bool {
	return strings.Contains(line, "xmlns") || strings.Contains(line, `"$schema"`) || strings.Contains(line, `"$id"`) ||
		strings.Contains(line, "schemaLocation") || strings.Contains(line, "org.opencontainers.image.") ||
		strings.Contains(line, "org.label-schema.") || strings.HasPrefix(strings.TrimSpace(line), "LABEL ")
}

// netDocLink reports URLs that are documentation, not endpoints: licences,
// namespaces, documentation sites and pages, and pages of a code host that
// a person reads (an issue, a pull request, a file's page, a commit).
func netDocLink(e netEndpoint) bool {
	if e.addr.IsValid() {
		return false
	}
	u := strings.ToLower(e.raw)
	_, rest, _ := strings.Cut(u, "://")
	for _, lists := range [][]string{netLicenseURLs, netNamespaceHosts, netDocHosts} {
		for _, p := range lists {
			if rest == p || strings.HasPrefix(rest, p+"/") || strings.HasPrefix(rest, "www."+p) ||
				strings.HasPrefix(rest, p) && strings.HasSuffix(p, "/") {
				return true
			}
		}
	}
	return netCodeHostPage(rest) || netDocPage(rest)
}

// netDocPage reports a URL whose path is a document: under docs/, doc/ or
// wiki/, or a Markdown, HTML or reStructuredText page
// (prometheus.io/docs, releases.k8s.io/HEAD/docs/devel/api-conventions.md).
func netDocPage(rest string) bool {
	_, p, _ := strings.Cut(rest, "/")
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	p = "/" + strings.TrimSuffix(p, "/")
	for _, dir := range []string{"/docs", "/doc", "/documentation", "/wiki"} {
		if strings.HasSuffix(p, dir) || strings.Contains(p, dir+"/") {
			return true
		}
	}
	switch path.Ext(p) {
	case ".md", ".html", ".htm", ".rst":
		return true
	}
	return false
}

// netCodeHostPage reports a page of GitHub or GitLab that people read
// (host/owner/repo/issues/N...): downloads (raw, releases/download,
// archive) and the repository itself (a clone URL) are not pages.
func netCodeHostPage(rest string) bool {
	host, p, _ := strings.Cut(rest, "/")
	if host != "github.com" && host != "gitlab.com" {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(p, "-/"), "/")
	if len(parts) < 3 {
		return false
	}
	i := 2
	if parts[i] == "-" && len(parts) > 3 {
		i++ // gitlab.com/o/r/-/issues
	}
	switch parts[i] {
	case "issues", "pull", "pulls", "merge_requests", "blob", "tree", "commit", "commits", "wiki",
		"discussions", "security", "compare", "milestone", "actions", "projects":
		return true
	}
	return false
}

// netKnownHost reports hosts on a list (known_hosts): an entry names a host
// and its subdomains; "*" stands for one or more labels ("kms.*.amazonaws.com").
func netKnownHost(h string, known []string) bool {
	for _, k := range known {
		k = strings.ToLower(k)
		if strings.Contains(k, "*") {
			if ok, _ := path.Match(k, h); ok {
				return true
			}
			continue
		}
		if h == k || strings.HasSuffix(h, "."+k) {
			return true
		}
	}
	return false
}

// netDefaultKnownHosts are package registries, code hosts, toolchain and
// distribution mirrors, and key-management services: well known, so a new
// endpoint there is low. Key-handling code that calls any host still
// reports the call.
var netDefaultKnownHosts = []string{
	// Code hosts.
	"github.com", "githubusercontent.com", "gitlab.com", "bitbucket.org", "codeload.github.com",
	// Package registries.
	"registry.npmjs.org", "registry.yarnpkg.com", "pypi.org", "files.pythonhosted.org", "proxy.golang.org",
	"sum.golang.org", "crates.io", "static.crates.io", "index.crates.io", "rubygems.org", "repo.maven.apache.org",
	"repo1.maven.org", "plugins.gradle.org", "api.nuget.org", "registry.terraform.io",
	// Container registries.
	"docker.io", "registry-1.docker.io", "hub.docker.com", "ghcr.io", "gcr.io", "quay.io", "registry.k8s.io",
	"k8s.gcr.io", "public.ecr.aws", "mcr.microsoft.com",
	// Distributions and toolchains.
	"deb.debian.org", "security.debian.org", "archive.ubuntu.com", "security.ubuntu.com", "ports.ubuntu.com",
	"dl-cdn.alpinelinux.org", "dl.fedoraproject.org", "download.docker.com", "apt.llvm.org", "gcc.gnu.org",
	"ftp.gnu.org", "nixos.org", "go.dev", "golang.org", "dl.google.com", "nodejs.org", "deb.nodesource.com",
	"sh.rustup.rs", "static.rust-lang.org", "bun.sh",
	// Key-management services.
	"cloudkms.googleapis.com", "kms.*.amazonaws.com",
}
