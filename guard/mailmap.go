package guard

import (
	"bytes"
	"errors"
	"strings"
)

// MaxMailmapSize bounds the .mailmap content ParseMailmap accepts. Real
// mailmaps of very large projects are a few hundred kilobytes.
const MaxMailmapSize = 4 << 20

// ErrMailmapTooLarge is returned by ParseMailmap for content larger than
// MaxMailmapSize.
var ErrMailmapTooLarge = errors.New("mailmap too large")

// Mailmap maps the names and emails recorded in commits to canonical ones,
// as Git does with a repository's .mailmap file. The zero value and nil map
// nothing.
//
// A .mailmap is part of the repository, so whoever can change it can make
// their commits look like someone else's: read it from the default branch
// and treat a change to it as sensitive.
type Mailmap struct {
	// entries is keyed by the lowercased commit email.
	entries map[string]*mailmapEntry
}

// mailmapEntry is what one commit email maps to: a replacement that
// applies to every name, and replacements for particular commit names.
type mailmapEntry struct {
	name, email string
	// names is keyed by the lowercased commit name.
	names map[string]mailmapTarget
}

// mailmapTarget is a replacement; an empty field leaves that part alone.
type mailmapTarget struct{ name, email string }

// ParseMailmap parses the content of a .mailmap file. It accepts the four
// forms Git documents, one per line:
//
//	Proper Name <commit@email>
//	<proper@email> <commit@email>
//	Proper Name <proper@email> <commit@email>
//	Proper Name <proper@email> Commit Name <commit@email>
//
// Lines starting with '#' are comments, and text after the last email of a
// line is ignored. Like Git, it skips lines it cannot read rather than
// failing; the only error is content larger than MaxMailmapSize.
func ParseMailmap(data []byte) (*Mailmap, error) {
	if len(data) > MaxMailmapSize {
		return nil, ErrMailmapTooLarge
	}
	m := &Mailmap{entries: map[string]*mailmapEntry{}}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		m.parseLine(string(line))
	}
	return m, nil
}

// parseLine adds the mapping of one line, following Git's
// read_mailmap_line.
func (m *Mailmap) parseLine(line string) {
	if strings.HasPrefix(line, "#") {
		return
	}
	name1, email1, rest, ok := cutNameEmail(line, false)
	if !ok {
		return
	}
	name2, email2, _, ok2 := cutNameEmail(rest, true)
	if !ok2 {
		// "Proper Name <commit@email>": the only email is the commit's.
		m.add(name1, "", "", email1)
		return
	}
	m.add(name1, email1, name2, email2)
}

// cutNameEmail reads "Name <email>" from the start of s and returns the
// trimmed name, the email and the text after '>'.
func cutNameEmail(s string, allowEmptyEmail bool) (name, email, rest string, ok bool) {
	left := strings.IndexByte(s, '<')
	if left < 0 {
		return "", "", "", false
	}
	right := strings.IndexByte(s[left+1:], '>')
	if right < 0 {
		return "", "", "", false
	}
	right += left + 1
	if !allowEmptyEmail && right == left+1 {
		return "", "", "", false
	}
	return strings.TrimSpace(s[:left]), s[left+1 : right], s[right+1:], true
}

// add records that commits by oldName (any name when "") <oldEmail> are
// shown as newName <newEmail>; an empty new part is left unchanged.
func (m *Mailmap) add(newName, newEmail, oldName, oldEmail string) {
	k := strings.ToLower(oldEmail)
	e := m.entries[k]
	if e == nil {
		e = &mailmapEntry{}
		m.entries[k] = e
	}
	if oldName == "" {
		// A later simple line overrides only the parts it sets.
		if newName != "" {
			e.name = newName
		}
		if newEmail != "" {
			e.email = newEmail
		}
		return
	}
	if e.names == nil {
		e.names = map[string]mailmapTarget{}
	}
	e.names[strings.ToLower(oldName)] = mailmapTarget{name: newName, email: newEmail}
}

// Map returns the canonical name and email of a commit's name and email.
// Emails and names match case-insensitively; what does not match is
// returned unchanged.
func (m *Mailmap) Map(name, email string) (string, string) {
	if m == nil || len(m.entries) == 0 {
		return name, email
	}
	e := m.entries[strings.ToLower(email)]
	if e == nil {
		return name, email
	}
	t := mailmapTarget{name: e.name, email: e.email}
	if sub, ok := e.names[strings.ToLower(name)]; ok {
		t = sub
	}
	if t.name != "" {
		name = t.name
	}
	if t.email != "" {
		email = t.email
	}
	return name, email
}

// Apply rewrites c's author and committer to their canonical names and
// emails.
func (m *Mailmap) Apply(c *Commit) {
	c.Author.Name, c.Author.Email = m.Map(c.Author.Name, c.Author.Email)
	c.Committer.Name, c.Committer.Email = m.Map(c.Committer.Name, c.Committer.Email)
}

// Len returns the number of commit emails the mailmap has entries for.
func (m *Mailmap) Len() int {
	if m == nil {
		return 0
	}
	return len(m.entries)
}
