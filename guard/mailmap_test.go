package guard

import (
	"strings"
	"testing"
)

const sampleMailmap = `# Comment lines are ignored.
Jane Doe <jane@example.com>
<jane@example.com> <jane@old.example.org>
Joe Bloggs <joe@example.com> <JOE@Laptop.Local>
Other Author <other@example.com> Other <shared@example.com>
Alias Author <alias@example.com>  nick <SHARED@example.com>
Shared Default <shared@example.com>
Bob <bob@example.com> <bob@ci> # trailing comment
	   Spaced   Name   <spaced@example.com>

not an entry
<> <empty@example.com>
Empty Commit Email <fixed@example.com> <>
`

func TestMailmapMap(t *testing.T) {
	m, err := ParseMailmap([]byte(sampleMailmap))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, email         string
		wantName, wantEmail string
	}{
		{"J. Doe", "jane@example.com", "Jane Doe", "jane@example.com"},
		{"jd", "jane@old.example.org", "jd", "jane@example.com"},
		{"joe", "joe@laptop.local", "Joe Bloggs", "joe@example.com"},
		{"Other", "shared@example.com", "Other Author", "other@example.com"},
		{"OTHER", "Shared@Example.com", "Other Author", "other@example.com"},
		{"Nick", "shared@example.com", "Alias Author", "alias@example.com"},
		{"someone", "shared@example.com", "Shared Default", "shared@example.com"},
		{"b", "bob@ci", "Bob", "bob@example.com"},
		{"x", "spaced@example.com", "Spaced   Name", "spaced@example.com"},
		{"x", "empty@example.com", "x", "empty@example.com"},
		{"x", "", "Empty Commit Email", "fixed@example.com"},
		{"Unknown", "nobody@example.com", "Unknown", "nobody@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.email, func(t *testing.T) {
			n, e := m.Map(tt.name, tt.email)
			if n != tt.wantName || e != tt.wantEmail {
				t.Errorf("Map(%q, %q) = %q, %q; want %q, %q", tt.name, tt.email, n, e, tt.wantName, tt.wantEmail)
			}
		})
	}
}

func TestMailmapLaterLinesOverride(t *testing.T) {
	m, err := ParseMailmap([]byte("A <a@x>\n<b@x> <a@x>\nC <c@x> N <a@x>\nD <d@x> n <a@x>\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	// The simple lines combine: name from the first, email from the second.
	if n, e := m.Map("z", "A@X"); n != "A" || e != "b@x" {
		t.Errorf("simple = %q %q", n, e)
	}
	// The last name-specific line for the same name wins.
	if n, e := m.Map("N", "a@x"); n != "D" || e != "d@x" {
		t.Errorf("by name = %q %q", n, e)
	}
	if m.Len() != 1 {
		t.Errorf("Len = %d, want 1", m.Len())
	}
}

func TestMailmapNil(t *testing.T) {
	var m *Mailmap
	if n, e := m.Map("a", "b"); n != "a" || e != "b" {
		t.Errorf("nil Map = %q %q", n, e)
	}
	if _, err := ParseMailmap(make([]byte, MaxMailmapSize+1)); err == nil {
		t.Error("oversized mailmap: no error")
	}
}

func FuzzParseMailmap(f *testing.F) {
	f.Add([]byte(sampleMailmap), "Other", "shared@example.com")
	f.Add([]byte("<a> <b>\n"), "", "b")
	f.Fuzz(func(t *testing.T, data []byte, name, email string) {
		m, err := ParseMailmap(data)
		if err != nil {
			return
		}
		n, e := m.Map(name, email)
		// Mapping is case-insensitive on the email.
		n2, e2 := m.Map(name, strings.ToUpper(email))
		if strings.ToLower(email) == strings.ToLower(strings.ToUpper(email)) && (n != n2 || (e != e2 && e != email)) {
			t.Errorf("Map(%q, %q) = %q %q but upper email gives %q %q", name, email, n, e, n2, e2)
		}
		// Mapping an unmapped pair changes nothing.
		if _, ok := m.entries[strings.ToLower(email)]; !ok && (n != name || e != email) {
			t.Errorf("unmapped %q %q became %q %q", name, email, n, e)
		}
	})
}
