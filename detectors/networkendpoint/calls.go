package networkendpoint

import (
	"fmt"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/testpath"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// netCallAPI is a way code opens a connection or sends a request.
type netCallAPI struct {
	text  string // as written, up to its opening parenthesis or a blank
	shell bool   // a command: only in files with shell syntax
}

// netCallAPIs are the outbound calls of the common languages, DNS lookups
// among them (a key can leave as a subdomain). Each is matched where an
// identifier starts, so "prefetch(" is no "fetch(".
var netCallAPIs = []netCallAPI{
	// Go.
	{text: "http.Post("}, {text: "http.PostForm("}, {text: "http.Get("}, {text: "http.Head("},
	{text: "http.NewRequest("}, {text: "http.NewRequestWithContext("}, {text: "net.Dial("},
	{text: "net.DialTimeout("}, {text: "net.DialUDP("}, {text: "net.DialTCP("}, {text: "tls.Dial("},
	{text: "websocket.Dial("}, {text: "http.DefaultClient."}, {text: "net.LookupHost("}, {text: "net.LookupIP("},
	{text: "net.LookupTXT("}, {text: "net.ResolveIPAddr("},
	// JavaScript and TypeScript.
	{text: "fetch("}, {text: "axios("}, {text: "axios.post("}, {text: "axios.get("}, {text: "axios.put("},
	{text: "axios.request("}, {text: "XMLHttpRequest("}, {text: "sendBeacon("}, {text: "WebSocket("},
	{text: "https.request("}, {text: "http.request("}, {text: "https.get("}, {text: "http.get("},
	{text: "dgram.createSocket("}, {text: "net.connect("}, {text: "net.createConnection("},
	{text: "$.ajax("}, {text: "$.post("}, {text: "jQuery.ajax("}, {text: "dns.resolve"}, {text: "dns.lookup("},
	{text: "request.post("}, {text: "got.post("}, {text: "needle("}, {text: "superagent.post("},
	// Python.
	{text: "requests.post("}, {text: "requests.get("}, {text: "requests.put("}, {text: "requests.request("},
	{text: "urlopen("}, {text: "httpx.post("}, {text: "httpx.get("}, {text: "httpx.Client("},
	{text: "aiohttp.ClientSession("}, {text: "socket.socket("}, {text: "socket.create_connection("},
	{text: "HTTPConnection("}, {text: "HTTPSConnection("}, {text: "urllib3.PoolManager("}, {text: "smtplib.SMTP"},
	{text: "dns.resolver."},
	// Rust.
	{text: "reqwest::get("}, {text: "reqwest::Client::new("}, {text: "reqwest::blocking::"},
	{text: "UdpSocket::bind("}, {text: "TcpStream::connect("}, {text: "ureq::get("}, {text: "ureq::post("},
	{text: "surf::get("}, {text: "surf::post("}, {text: "reqwest::Client::builder("},
	{text: "TcpStream::connect_timeout("},
	// C and C++.
	{text: "socket(AF_INET"}, {text: "socket(PF_INET"}, {text: "sendto("}, {text: "curl_easy_perform("},
	{text: "getaddrinfo("}, {text: "gethostbyname("}, {text: "inet_pton("}, {text: "inet_addr("},
	// Java, Kotlin and C#.
	{text: "HttpURLConnection"}, {text: "HttpClient.newHttpClient("}, {text: "new Socket("},
	{text: "OkHttpClient("}, {text: "new HttpClient("},
	// Commands.
	{text: "curl ", shell: true}, {text: "wget ", shell: true}, {text: "Invoke-WebRequest", shell: true},
	{text: "nc ", shell: true},
}

// netKeyWords are the words of names that hold key material, and
// netEnvDumps the ways code reads its whole environment (where CI and
// servers keep keys).
var (
	netKeyWords = map[string]bool{"key": true, "keys": true, "priv": true, "privkey": true, "private": true,
		"seckey": true, "secret": true, "mnemonic": true, "keystore": true, "seed": true, "passphrase": true, "keypair": true}
	netEnvDumps = []string{"os.Environ()", "process.env", "os.environ", "env::vars(", "environ"}
)

// netCall is an outbound call on an added line.
type netCall struct {
	line  int
	api   string
	sends string // the key material or environment in reach, "" when none is named
}

// netCalls finds the outbound calls among the code lines of a file, leaving
// out calls that only moved (the same line is among the deleted ones),
// imports, and Rust test code (a test's client of a local server).
func netCalls(f *guard.FileChange, code []string, shell bool) []netCall {
	var out []netCall
	var deleted map[string]bool
	var tests [][2]int
	cursor := 0
	for j, c := range code {
		api := netCallIn(c, shell)
		if api == "" || netImport(c) {
			continue
		}
		if deleted == nil {
			deleted = map[string]bool{}
			for _, d := range f.DeletedLines {
				deleted[strings.TrimSpace(d.Text)] = true
			}
			tests = testpath.RustTestSpans(f.AddedLines)
		}
		if deleted[strings.TrimSpace(f.AddedLines[j].Text)] || testpath.InSpans(tests, &cursor, f.AddedLines[j].Number) {
			continue
		}
		name, _, _ := strings.Cut(api, "(")
		out = append(out, netCall{line: f.AddedLines[j].Number, api: strings.TrimSpace(name),
			sends: netSends(f.AddedLines, code, j)})
	}
	return out
}

// netCallIn returns the first outbound call API on a line of code.
func netCallIn(s string, shell bool) string {
	for _, a := range netCallAPIs {
		if a.shell && !shell {
			continue
		}
		for off := 0; ; {
			i := strings.Index(s[off:], a.text)
			if i < 0 {
				break
			}
			i += off
			if a.text[0] == '.' || i == 0 || !textscan.IsIdent(s[i-1]) {
				return a.text
			}
			off = i + 1
		}
	}
	return ""
}

// netImport reports lines that import or include rather than call.
func netImport(s string) bool {
	t := strings.TrimSpace(s)
	for _, p := range []string{"import ", "use ", "#include", "from ", "extern crate", "using "} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// netSends names the key material or the environment in reach of the call
// on code[j]: on its line, the three consecutive added lines before it (a
// payload built first) or the two after (arguments on their own lines).
func netSends(lines []guard.Line, code []string, j int) string {
	lo, hi := j, j
	for lo > 0 && j-lo < 3 && lines[lo-1].Number == lines[lo].Number-1 {
		lo--
	}
	for hi+1 < len(lines) && hi-j < 2 && lines[hi+1].Number == lines[hi].Number+1 {
		hi++
	}
	for k := lo; k <= hi; k++ {
		for _, env := range netEnvDumps {
			if strings.Contains(code[k], env) {
				return "the environment (" + strings.TrimSuffix(env, "(") + ")"
			}
		}
	}
	for k := lo; k <= hi; k++ {
		if name := netKeyName(code[k]); name != "" {
			return name
		}
	}
	return ""
}

// netKeyName returns the first identifier on a line whose words name key
// material (seckey, privateKey, mnemonic), clipped to 40 bytes.
func netKeyName(s string) string {
	for i := 0; i < len(s); {
		if !textscan.IsIdent(s[i]) {
			i++
			continue
		}
		k := i
		for k < len(s) && textscan.IsIdent(s[k]) {
			k++
		}
		id := s[i:k]
		i = k
		for _, w := range textscan.Words(id) {
			if netKeyWords[w] {
				return "the key-like name " + explain.Clip(id, 40)
			}
		}
	}
	return ""
}

// netReportCalls reports the outbound calls added to a key-handling file:
// high, whatever host they reach and whether or not it is written out
// (built from parts, read from the environment).
func netReportCalls(pass *guard.Pass, path string, calls []netCall) {
	if len(calls) == 0 {
		return
	}
	c := calls[0]
	for _, x := range calls {
		if c.sends == "" && x.sends != "" {
			c = x
		}
	}
	msg := fmt.Sprintf("Adds an outbound network call (%s) to the key-handling file %s at line %d", c.api, path, c.line)
	ev := []string{fmt.Sprintf("call: %s at line %d", c.api, c.line)}
	score := 0.8
	if c.sends != "" {
		msg += ", with " + c.sends + " in reach"
		ev = append(ev, "sends: "+c.sends)
		score = 0.9
	}
	if len(calls) > 1 {
		lines := make([]string, len(calls))
		for i, x := range calls {
			lines[i] = fmt.Sprintf("%s at line %d", x.api, x.line)
		}
		ev = append(ev, "calls: "+explain.List(lines, 6))
	}
	pass.Report(guard.Finding{
		Severity: guard.High,
		Score:    score,
		Path:     path,
		Line:     c.line,
		Message: msg + ": key material can leave through it, whether or not the host is written out " +
			"(the Slope wallet and Ledger connect-kit pattern).",
		Evidence: ev,
	})
}
