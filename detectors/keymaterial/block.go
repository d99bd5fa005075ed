package keymaterial

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/detectors/internal/explain"
	"github.com/repoguard/repoguard/detectors/internal/textscan"
	"github.com/repoguard/repoguard/guard"
)

// kmEncryptedNote explains why an encrypted key is still reported high.
const kmEncryptedNote = "encrypted: safe only while its passphrase is strong and kept out of the repository and CI; " +
	"it can be attacked offline"

// kmMaxBlockLines bounds how far a key block is followed.
const kmMaxBlockLines = 300

// kmPEMAt recognizes a PEM private key block (or an SSH2 one) whose BEGIN
// marker is on lines[j], in raw form or embedded in a string literal with
// \n escapes, and returns the index of its last line. A marker without a
// base64 body (a parser's constant, a template) is not a key.
func kmPEMAt(lines []guard.Line, j int) (kmHit, int, bool) {
	label, rest, ok := kmPEMBegin(lines[j].Text)
	if !ok {
		return kmHit{}, j, false
	}
	b := kmBlockBody(lines, j, rest)
	body := b.text
	if len(body) < 64 || textscan.DistinctBytes(body) < 16 {
		return kmHit{}, j, false
	}
	kind, encrypted, known := kmPEMKind(label, body)
	encrypted = encrypted || b.encrypted
	h := kmHit{line: lines[j].Number, end: lines[b.last].Number, secret: body, severity: guard.Critical, score: 1}
	if b.closed && !b.encrypted {
		h.partial = kmPartial(label, body)
	}
	switch {
	case encrypted:
		h.kind = "passphrase-encrypted " + kind
		h.severity, h.score = guard.High, 0.8
		h.extra = append(h.extra, kmEncryptedNote)
	case known:
		h.kind = "unencrypted " + kind
	default:
		h.kind = kind
	}
	return h, b.last, true
}

// kmPEMBegin finds a "-----BEGIN ... PRIVATE KEY-----" (or "---- BEGIN
// ... ----") marker and returns its label and the text after it.
func kmPEMBegin(s string) (label, rest string, ok bool) {
	for off := 0; ; {
		i := strings.Index(s[off:], "BEGIN ")
		if i < 0 {
			return "", "", false
		}
		i += off
		off = i + 6
		if i < 5 || (s[i-5:i] != "-----" && s[i-5:i] != "---- ") {
			continue
		}
		after := s[i+6:]
		e := strings.Index(after[:min(len(after), 53)], "----") // a label is at most 48 bytes
		if e <= 0 || e > 48 {
			continue
		}
		label = strings.TrimSpace(after[:e])
		if kmPrivateLabel(label) {
			return label, strings.TrimLeft(after[e:], "-"), true
		}
	}
}

// kmHasPEMBegin reports whether s holds the BEGIN marker of a private
// key block.
func kmHasPEMBegin(s string) bool {
	_, _, ok := kmPEMBegin(s)
	return ok
}

// kmPrivateLabel reports whether a PEM label names a private key: capital
// letters, digits and spaces ending in PRIVATE KEY (or KEY BLOCK for PGP).
func kmPrivateLabel(l string) bool {
	if !strings.HasSuffix(l, "PRIVATE KEY") && l != "PGP PRIVATE KEY BLOCK" {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ') {
			return false
		}
	}
	return true
}

// kmPEMKind describes a PEM label and says whether the key is encrypted
// and whether that could be told at all.
func kmPEMKind(label, body string) (kind string, encrypted, known bool) {
	switch label {
	case "PRIVATE KEY":
		return "PKCS#8 private key (PEM block)", false, true
	case "ENCRYPTED PRIVATE KEY":
		return "PKCS#8 private key (PEM block)", true, true
	case "OPENSSH PRIVATE KEY":
		cipher := kmOpenSSHCipher(body)
		return "OpenSSH private key", cipher != "" && cipher != "none", cipher != ""
	case "PGP PRIVATE KEY BLOCK":
		return "PGP private key block", false, false
	case "SSH2 ENCRYPTED PRIVATE KEY":
		return "SSH2 private key", true, true
	}
	name := strings.TrimSuffix(label, " PRIVATE KEY")
	if name == "" || strings.Contains(name, " ") {
		return strings.ToLower(label) + " (PEM block)", false, false
	}
	return name + " private key (PEM block)", false, true
}

// kmOpenSSHCipher returns the cipher name recorded in an openssh-key-v1
// body ("none" when unencrypted), or "" when it cannot be read.
func kmOpenSSHCipher(body string) string {
	if len(body) > 64 {
		body = body[:64]
	}
	raw, err := base64.StdEncoding.DecodeString(body[:len(body)/4*4])
	const magic = "openssh-key-v1\x00"
	if err != nil || len(raw) < len(magic)+4 || string(raw[:len(magic)]) != magic {
		return ""
	}
	raw = raw[len(magic):]
	n := binary.BigEndian.Uint32(raw)
	if n == 0 || n > uint32(len(raw)-4) {
		return ""
	}
	return string(raw[4 : 4+n])
}

// kmBlockBody collects the base64 body of a key block that starts after
// the BEGIN marker (rest of lines[j]) and runs over consecutive added lines
// up to its END marker. Quotes, concatenation and literal \n escapes
// around the base64 are skipped; any other text ends the block, and so
// does the BEGIN marker of another key, so that no line is read again for
// each earlier marker: a file of markers costs one pass, not 300 (issue
// 8). It also reports a legacy "Proc-Type: 4,ENCRYPTED" header and whether
// the END marker closed the block.
func kmBlockBody(lines []guard.Line, j int, rest string) kmBody {
	var b strings.Builder
	out := kmBody{last: j}
	for k := j; k < len(lines) && k < j+kmMaxBlockLines; k++ {
		text := rest
		if k > j {
			if lines[k].Number != lines[k-1].Number+1 || kmHasPEMBegin(lines[k].Text) {
				break
			}
			text = lines[k].Text
		}
		out.last = k
		end := false
		for _, part := range strings.Split(text, `\n`) {
			p := strings.Trim(part, " \t\r\"'`+,;()\\")
			switch {
			case p == "":
			case strings.Contains(p, "END ") && strings.Contains(p, "----"):
				end, out.closed = true, true
			case kmIsBase64(p):
				b.WriteString(p)
			case b.Len() == 0 && strings.Contains(p, ": "):
				out.encrypted = out.encrypted || strings.Contains(p, "ENCRYPTED")
			default:
				end = true
			}
			if end {
				break
			}
		}
		if end {
			break
		}
	}
	out.text = b.String()
	return out
}

// kmBody is the body of a key block as kmBlockBody read it.
type kmBody struct {
	text      string // the base64, concatenated
	encrypted bool   // a legacy Proc-Type: 4,ENCRYPTED header
	closed    bool   // the END marker ended it
	last      int    // index of its last line
}

// kmIsBase64 reports whether s is made only of standard base64 characters.
func kmIsBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(textscan.IsIdent(c) && c != '_' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// kmPuTTYAt recognizes a PuTTY private key file whose first line is
// lines[j] and returns the index of its last line.
func kmPuTTYAt(lines []guard.Line, j int) (kmHit, int, bool) {
	s := lines[j].Text
	i := strings.Index(s, "PuTTY-User-Key-File-")
	typ := strings.TrimSpace(s[i+len("PuTTY-User-Key-File-"):])
	if _, t, ok := strings.Cut(typ, ":"); ok {
		typ = strings.TrimSpace(t)
	}
	enc := ""
	var body strings.Builder
	last, private := j, 0
scan:
	for k := j + 1; k < len(lines) && k < j+kmMaxBlockLines; k++ {
		if lines[k].Number != lines[k-1].Number+1 || strings.Contains(lines[k].Text, "PuTTY-User-Key-File-") {
			break // another key's first line: read from there instead
		}
		last = k
		t := strings.TrimSpace(lines[k].Text)
		key, val, _ := strings.Cut(t, ": ")
		switch {
		case private > 0:
			body.WriteString(t)
			private--
		case key == "Encryption":
			enc = val
		case key == "Private-Lines":
			private, _ = strconv.Atoi(val)
		case key == "Private-MAC":
			break scan
		}
	}
	if body.Len() < 64 {
		return kmHit{}, j, false
	}
	h := kmHit{line: lines[j].Number, end: lines[last].Number, secret: body.String(),
		kind: "unencrypted PuTTY private key", severity: guard.Critical, score: 1}
	if enc != "none" {
		h.kind, h.severity, h.score = "passphrase-encrypted PuTTY private key", guard.High, 0.8
		h.extra = append(h.extra, kmEncryptedNote)
	}
	if typ != "" {
		h.extra = append(h.extra, "key type: "+explain.Clip(typ, 40))
	}
	return h, last, true
}
