package keymaterial

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestKmPartial(t *testing.T) {
	b64 := func(b ...byte) string { return base64.StdEncoding.EncodeToString(b) }
	pad := func(head []byte, n int) []byte { return append(head, make([]byte, n)...) }
	tests := []struct {
		name, label, body string
		partial           bool
	}{
		{"whole SEC1 key", "EC PRIVATE KEY", b64(pad([]byte{0x30, 0x77}, 0x77)...), false},
		{"whole key, long form", "PRIVATE KEY", b64(pad([]byte{0x30, 0x82, 0x01, 0x00}, 0x100)...), false},
		{"a '+' lost at a line's end", "PRIVATE KEY", b64(pad([]byte{0x30, 0x82, 0x01, 0x00}, 0xfe)...), false},
		{"fragment", "RSA PRIVATE KEY", b64(pad([]byte{0x30, 0x82, 0x04, 0xa4}, 90)...), true},
		{"not DER", "PRIVATE KEY", b64([]byte(strings.Repeat("not a key ", 8))...), true},
		{"length of 4 bytes", "PRIVATE KEY", b64(pad([]byte{0x30, 0x84, 1, 0, 0, 0}, 60)...), false},
		{"PGP old format fragment", "PGP PRIVATE KEY BLOCK", b64(pad([]byte{0x95, 0x05, 0x86}, 45)...) + "=8xQN", true},
		{"PGP old format whole", "PGP PRIVATE KEY BLOCK", b64(pad([]byte{0x95, 0x00, 0x40}, 0x40)...) + "=AbCd", false},
		{"PGP new format fragment", "PGP PRIVATE KEY BLOCK", b64(pad([]byte{0xc5, 0xc8, 0x10}, 50)...), true},
		{"PGP new format 5-byte length", "PGP PRIVATE KEY BLOCK", b64(pad([]byte{0xc5, 0xff, 0, 0, 0x10, 0}, 50)...), true},
		{"PGP partial length: unknown", "PGP PRIVATE KEY BLOCK", b64(pad([]byte{0xc5, 0xe5}, 50)...), false},
		{"not PGP", "PGP PRIVATE KEY BLOCK", b64(pad([]byte{0x15, 0x05, 0x86}, 45)...), false},
		{"OpenSSH is not judged", "OPENSSH PRIVATE KEY", b64(pad([]byte{0x30, 0x82, 0x04, 0xa4}, 90)...), false},
		{"no base64", "PRIVATE KEY", "!!!!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kmPartial(tt.label, tt.body); (got != "") != tt.partial {
				t.Errorf("kmPartial = %q, want partial %v", got, tt.partial)
			}
		})
	}
}

func FuzzKmPartial(f *testing.F) {
	f.Add("PRIVATE KEY", "MIIEvQIBACiiOpzvtgWjh+pMURKZCYxEwxMD1E5PpeuuB5XtWGtc")
	f.Add("PGP PRIVATE KEY BLOCK", "lQWGBJz8Jk6LNT2psXeWtbp+tMiZCYnYNUm2Do6aoAL2dI85Qn4x=8xQN")
	f.Add("PGP PRIVATE KEY BLOCK", "xf8AAAAA")
	f.Add("EC PRIVATE KEY", "MIQ=")
	f.Fuzz(func(t *testing.T, label, body string) {
		got := kmPartial(label, body)
		if got != "" && !strings.HasPrefix(got, "a fragment") && !strings.HasPrefix(got, "no key") {
			t.Fatalf("kmPartial(%q, %q) = %q", label, body, got)
		}
	})
}
