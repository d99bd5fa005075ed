package dependencychange

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/guard"
)

// This file judges code that runs when a package is installed or built:
// npm lifecycle scripts, build.rs and setup.py. Building the project is
// ordinary; downloading something while doing it is the shape of
// ua-parser-js 2021 (a preinstall script that fetched a miner).

// depInstallHooks are npm lifecycle scripts that run when the package or
// the project is installed; true marks those that run on the machine of
// everyone who installs the package from the registry.
var depInstallHooks = map[string]bool{"preinstall": true, "install": true, "postinstall": true,
	"prepare": false, "prepublish": false, "preprepare": false, "postprepare": false, "prepack": false}

var (
	// depFetch finds a download: a fetching command or a URL.
	depFetch = regexp.MustCompile(`(?i)\b(?:curl|wget|Invoke-WebRequest|Invoke-RestMethod|iwr|irm|certutil|` +
		`bitsadmin)\b|\b(?:https?|ftp)://`)
	// depInline finds code given inline rather than in a file of the tree.
	depInline = regexp.MustCompile(`(?i)\bnode\s+(?:-e|--eval|-p|--print)\b|\bpython[0-9.]*\s+-c\b|\beval\b|` +
		`base64|\b(?:ba)?sh\s+-c\b|-EncodedCommand\b|\bpowershell\b.*\s-enc?\b`)
	// depScriptFile finds a script of the tree run by an interpreter.
	depScriptFile = regexp.MustCompile(`(?:^|[\s;&|])(?:node|sh|bash|python[0-9.]*|ruby|perl|pwsh|powershell)\s+` +
		`(?:-\S+\s+)*\S+\.(?:c?js|mjs|ts|sh|py|rb|pl|ps1)\b|(?:^|[\s;&|])\./\S+`)
)

// scripts judges the install-time scripts a package.json adds or
// changes: high when one downloads, medium for a new install hook that
// runs inline code or a script of the tree (it runs on every installing
// machine), low otherwise.
func (d *depDiff) scripts(added []depEntry, old map[string]*depEntry) {
	for _, e := range added {
		o := old[e.name]
		if o != nil && o.spec == e.spec {
			continue
		}
		verb := "Adds"
		if o != nil {
			verb = "Changes"
		}
		consumers := depInstallHooks[e.name]
		sev, why := guard.Low, "which runs on npm install in a checkout of the project"
		if consumers {
			why = "which runs on the machine of everyone who installs this package"
		}
		switch {
		case depFetch.MatchString(e.spec):
			sev, why = guard.High, why+", and downloads code that the repository does not hold"
		case o == nil && consumers && depInline.MatchString(e.spec):
			sev, why = guard.Medium, why+", with code given inline"
		case o == nil && consumers && depScriptFile.MatchString(e.spec):
			sev = guard.Medium
		}
		d.report(sev, e.line.Number, fmt.Sprintf("%s the %s script %s, %s.", verb, e.name, depQuote(e.spec), why),
			&e.line)
	}
}

// depBuildFetch finds network access in a build script: HTTP clients,
// sockets and download commands in build.rs and setup.py.
var depBuildFetch = regexp.MustCompile(`\b(?:reqwest|ureq|attohttpc|minreq|isahc|curl)::|TcpStream::connect|` +
	`Command::new\(\s*"(?:curl|wget)"|\burllib\.request\b|\burlopen\(|\burlretrieve\(|\brequests\.(?:get|post)\(|` +
	`\bhttp\.client\b|\bsocket\.socket\(|\b(?:os\.system|subprocess\.\w+)\(.*\b(?:curl|wget)\b`)

// depBuildScript reports a build script (build.rs, setup.py) that gains
// network access: code it fetches at build time is not in the
// repository, and runs on every machine that builds it.
func depBuildScript(pass *guard.Pass, f *guard.FileChange) {
	base := path.Base(f.Path)
	if base != "build.rs" && base != "setup.py" {
		return
	}
	old := map[string]bool{}
	for _, l := range f.DeletedLines {
		old[strings.TrimSpace(l.Text)] = true
	}
	for _, l := range f.AddedLines {
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, "//") || strings.HasPrefix(t, "#") || old[t] || !depBuildFetch.MatchString(t) {
			continue
		}
		depReport(pass, f.Path, guard.High, l.Number, fmt.Sprintf("The build script %s reaches the network: "+
			"what it downloads at build time is not in the repository and runs on every machine that builds it.",
			base), explain.Line(l))
		return
	}
}
