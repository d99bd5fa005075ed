package keymaterial

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// kmPartial returns why the body of a closed, unencrypted key block is no
// usable key, or "" when it may be one. A DER key (PKCS#1, PKCS#8, SEC1)
// starts with a SEQUENCE whose length says how long the key is, and an
// OpenPGP key with a packet header that does the same: a body shorter than
// its own header declares (by more than a tenth) is a fragment, as secret
// scanners keep in their rules and tests. Bodies in other formats (OpenSSH, SSH2) are not judged.
func kmPartial(label, body string) string {
	raw, ok := kmDecodePrefix(body)
	if !ok || len(raw) < 2 {
		return ""
	}
	var declared int
	switch label {
	case "OPENSSH PRIVATE KEY", "SSH2 ENCRYPTED PRIVATE KEY":
		return ""
	case "PGP PRIVATE KEY BLOCK":
		declared, ok = kmPGPPacketLen(raw)
	default:
		if raw[0] != 0x30 {
			return "no key: its body is not the DER encoding a " + label + " block holds"
		}
		declared, ok = kmDERLen(raw)
	}
	if !ok || len(raw)*10 >= declared*9 {
		return "" // whole, or nearly: reading a block may drop a '+' at a line's end
	}
	return fmt.Sprintf("a fragment of a key: its encoding declares %d bytes and holds %d", declared, len(raw))
}

// kmDecodePrefix decodes the base64 of a body up to its first '=' (padding,
// or an armor checksum after it), dropping a trailing odd character.
func kmDecodePrefix(body string) ([]byte, bool) {
	if i := strings.IndexByte(body, '='); i >= 0 {
		body = body[:i]
	}
	if len(body)%4 == 1 {
		body = body[:len(body)-1]
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	return raw, err == nil
}

// kmDERLen returns the total length, header included, that a DER element
// at the start of b declares.
func kmDERLen(b []byte) (int, bool) {
	if b[1] < 0x80 {
		return 2 + int(b[1]), true
	}
	n := int(b[1] & 0x7f)
	if n == 0 || n > 3 || len(b) < 2+n {
		return 0, false
	}
	l := 0
	for _, c := range b[2 : 2+n] {
		l = l<<8 | int(c)
	}
	return 2 + n + l, true
}

// kmPGPPacketLen returns the total length, header included, that the
// OpenPGP packet at the start of b declares (RFC 4880, 4.2), when it
// declares one.
func kmPGPPacketLen(b []byte) (int, bool) {
	tag := b[0]
	if tag&0x80 == 0 {
		return 0, false
	}
	if tag&0x40 == 0 { // old format: the low two bits give the length's size
		size := [3]int{1, 2, 4}
		if tag&3 == 3 || len(b) < 1+size[tag&3] {
			return 0, false
		}
		l := 0
		for _, c := range b[1 : 1+size[tag&3]] {
			l = l<<8 | int(c)
		}
		return 1 + size[tag&3] + l, true
	}
	switch o := int(b[1]); {
	case o < 192:
		return 2 + o, true
	case o < 224 && len(b) >= 3:
		return 3 + (o-192)<<8 + int(b[2]) + 192, true
	case o == 255 && len(b) >= 6:
		return 6 + (int(b[2])<<24 | int(b[3])<<16 | int(b[4])<<8 | int(b[5])), true
	}
	return 0, false
}
