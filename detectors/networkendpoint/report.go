package networkendpoint

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

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
		if why := netLowWhy(h); why != "" {
			ev = append(ev, why)
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
// and hosts the file already used, low for well-known hosts and in files
// and lines that do not run where the keys are (tests, docs, minified
// bundles...).
func netSeverity(cat string, h *netHost) guard.Severity {
	sev := guard.Medium
	if cat == guard.CategoryKeys {
		sev = guard.High
	}
	switch {
	case netLowWhy(h) != "":
		return guard.Low
	case h.class == "metadata" || h.cred:
		return guard.High
	case h.class == "internal":
		sev -= 2
	case h.knownOld:
		sev--
	}
	return max(sev, guard.Info)
}

// netLowWhy says why a host is low whatever the file's role, "" when it
// is not.
func netLowWhy(h *netHost) string {
	switch {
	case h.lowered != "":
		return "in " + h.lowered + ": low"
	case !h.readable:
		return "only on minified or generated lines: low"
	case h.known && h.class != "metadata" && !h.cred:
		return "a well-known registry, code host or service: low"
	}
	return ""
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
