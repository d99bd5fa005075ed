package guard

import (
	"fmt"
	"strings"
	"testing"
)

func TestCoAuthors(t *testing.T) {
	for _, tc := range []struct {
		name, msg string
		want      string // "name <email>" joined by "; "
	}{
		{"none", "Add token\n\nSigned-off-by: Alice <alice@acme.test>\n", ""},
		{"one trailer", "Add token\n\nCo-authored-by: Bob Builder <bob@acme.test>\n", "Bob Builder <bob@acme.test>"},
		{"key case and spacing", "Fix\n\nco-AUTHORED-by : Bob <Bob@Acme.Test>\nCO-AUTHORED-BY:Carol <carol@acme.test>", "Bob <bob@acme.test>; Carol <carol@acme.test>"},
		{"noreply address", "Fix\n\nCo-authored-by: carol <12345+carol@users.noreply.github.com>", "carol <12345+carol@users.noreply.github.com>"},
		{"bare email", "Fix\n\nCo-authored-by: dave@acme.test", " <dave@acme.test>"},
		{"continuation line", "Fix\n\nCo-authored-by: Erin\n  Example <erin@acme.test>\nSigned-off-by: A <a@b.c>", "Erin Example <erin@acme.test>"},
		{"outside the last paragraph", "Co-authored-by: Frank <frank@acme.test>\n\nMore text.", "Frank <frank@acme.test>"},
		{"indented trailer", "Fix\n\n    Co-authored-by: Gina <gina@acme.test>", "Gina <gina@acme.test>"},
		{"two in one value", "Fix\n\nCo-authored-by: A <a@acme.test>, B <b@acme.test>", "A <a@acme.test>; B <b@acme.test>"},
		{"repeated email once", "Co-authored-by: Bob <bob@acme.test>\nCo-authored-by: Robert <BOB@acme.test>", "Bob <bob@acme.test>"},
		{"crlf", "Fix\r\n\r\nCo-authored-by: Bob <bob@acme.test>\r\n", "Bob <bob@acme.test>"},
		{"no email", "Co-authored-by: just a name\nCo-authored-by: Bob <not an email>", ""},
		{"other trailer", "Reviewed-by: Bob <bob@acme.test>\nCo-authored: Bob <bob@acme.test>", ""},
		{"prose mentions the key", "We dropped the Co-authored-by line.", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range CoAuthors(tc.msg) {
				got = append(got, fmt.Sprintf("%s <%s>", p.Name, p.Email))
			}
			if s := strings.Join(got, "; "); s != tc.want {
				t.Errorf("CoAuthors(%q) = %q, want %q", tc.msg, s, tc.want)
			}
		})
	}
}

func FuzzCoAuthors(f *testing.F) {
	for _, s := range []string{
		"Add\n\nCo-authored-by: Bob <bob@acme.test>",
		"co-authored-by : a@b\n  <c@d>\r\nCo-Authored-By: <x@y>, z@w;q@r",
		"Co-authored-by: <@>\nCo-authored-by: <a@>",
		"Co-authored-by:\n\t\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		got := CoAuthors(msg)
		if len(got) > 0 && !strings.Contains(strings.ToLower(msg), "co-authored-by") {
			t.Fatalf("co-authors %v from a message without the trailer key", got)
		}
		seen := map[string]bool{}
		for _, p := range got {
			if p.Email != NormalizeEmail(p.Email) || !plausibleEmail(p.Email) {
				t.Fatalf("email %q is not a normalized address", p.Email)
			}
			if seen[p.Email] {
				t.Fatalf("email %q returned twice", p.Email)
			}
			seen[p.Email] = true
			if !strings.Contains(strings.ToLower(msg), p.Email) {
				t.Fatalf("email %q is not in the message", p.Email)
			}
		}
	})
}
