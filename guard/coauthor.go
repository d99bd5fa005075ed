package guard

import "strings"

// coAuthorKey is the trailer GitHub credits co-authors from.
const coAuthorKey = "co-authored-by"

// CoAuthors returns the people a commit message names in Co-authored-by
// trailers, in order, one per email (normalized). As git reads
// trailers, the key is matched case-insensitively, may be followed by
// whitespace before the colon, and a value continues on the lines after
// it that start with whitespace. Unlike git, every line of the message
// is read, not only its last paragraph: whoever a message names as a
// co-author anywhere is taken for one, which errs on the safe side when
// deciding who may approve. The emails of a value are those in angle
// brackets ("Bob <bob@example.com>"), else its words that hold an '@';
// a value without one names nobody.
func CoAuthors(message string) []Person {
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(message), "\n")
	var out []Person
	seen := map[string]bool{}
	for i := 0; i < len(lines); i++ {
		value, ok := trailerValue(lines[i], coAuthorKey)
		if !ok {
			continue
		}
		for i+1 < len(lines) && continues(lines[i+1]) {
			i++
			value += " " + strings.TrimSpace(lines[i])
		}
		for _, p := range people(value) {
			if !seen[p.Email] {
				seen[p.Email] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// trailerValue returns the value of line when it is a trailer with key
// ("Key: value", "key : value"), leading whitespace allowed.
func trailerValue(line, key string) (string, bool) {
	k, v, ok := strings.Cut(line, ":")
	if !ok || !strings.EqualFold(strings.TrimSpace(k), key) {
		return "", false
	}
	return strings.TrimSpace(v), true
}

// continues reports whether a line continues the trailer above it: it
// starts with whitespace, holds more, and is no co-author trailer itself.
func continues(line string) bool {
	if line == "" || (line[0] != ' ' && line[0] != '\t') || strings.TrimSpace(line) == "" {
		return false
	}
	_, trailer := trailerValue(line, coAuthorKey)
	return !trailer
}

// people reads the people a trailer value names: "Name <email>" pairs,
// else bare emails.
func people(value string) []Person {
	var out []Person
	rest := value
	for {
		open := strings.IndexByte(rest, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '>')
		if end < 0 {
			break
		}
		if e := NormalizeEmail(rest[open+1 : open+end]); plausibleEmail(e) {
			out = append(out, Person{Name: strings.Trim(rest[:open], " \t,;"), Email: e})
		}
		rest = rest[open+end+1:]
	}
	if len(out) > 0 {
		return out
	}
	for _, w := range strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == ';' }) {
		if e := NormalizeEmail(w); plausibleEmail(e) {
			out = append(out, Person{Email: e})
		}
	}
	return out
}

// plausibleEmail reports whether e (normalized) can be an address:
// something on both sides of an '@', no whitespace, no brackets.
func plausibleEmail(e string) bool {
	at := strings.IndexByte(e, '@')
	return at > 0 && at < len(e)-1 && !strings.ContainsAny(e, " \t\n<>")
}
