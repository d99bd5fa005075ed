package gitrepo

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/repoguard/repoguard/guard"
)

// commitHeader is the part of a commit that history walks need.
type commitHeader struct {
	tree    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer time, Unix seconds
}

var errMalformed = errors.New("malformed commit")

// parseCommit parses a raw commit object. When c is non-nil it also fills
// in its author, committer, signature flag and message.
func parseCommit(raw string, c *guard.Commit) (commitHeader, error) {
	var hdr commitHeader
	sawTree, sawCommitter := false, false
	for len(raw) > 0 {
		line, rest, ok := strings.Cut(raw, "\n")
		if !ok {
			return hdr, fmt.Errorf("%w: unterminated header", errMalformed)
		}
		raw = rest
		if line == "" {
			break // the message follows
		}
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "tree":
			h, err := parseHash(val)
			if err != nil || sawTree {
				return hdr, fmt.Errorf("%w: bad tree %q", errMalformed, val)
			}
			hdr.tree, sawTree = h, true
		case "parent":
			h, err := parseHash(val)
			if err != nil {
				return hdr, fmt.Errorf("%w: bad parent %q", errMalformed, val)
			}
			hdr.parents = append(hdr.parents, h)
		case "committer":
			p := parsePerson(val)
			hdr.when, sawCommitter = p.When.Unix(), true
			if c != nil {
				c.Committer = p
			}
		case "author":
			if c != nil {
				c.Author = parsePerson(val)
			}
		case "gpgsig", "gpgsig-sha256":
			if c != nil {
				c.Signed = true
			}
		}
		// Continuation lines of multi-line headers (signatures, mergetag)
		// start with a space.
		for strings.HasPrefix(raw, " ") {
			_, raw, _ = strings.Cut(raw, "\n")
		}
	}
	if !sawTree {
		return hdr, fmt.Errorf("%w: no tree", errMalformed)
	}
	if !sawCommitter {
		hdr.when = 0
	}
	if c != nil {
		c.Message = raw
	}
	return hdr, nil
}

func parseHash(s string) (plumbing.Hash, error) {
	var h plumbing.Hash
	if len(s) != 2*len(h) {
		return h, errMalformed
	}
	_, err := hex.Decode(h[:], []byte(s))
	return h, err
}

// parsePerson parses "Name <email> 1700000000 +0530". Malformed parts are
// left empty or zero rather than failing the commit: old repositories hold
// odd identities.
func parsePerson(s string) guard.Person {
	var p guard.Person
	lt := strings.IndexByte(s, '<')
	gt := strings.LastIndexByte(s, '>')
	if lt < 0 || gt < lt {
		p.Name = strings.TrimSpace(s)
		return p
	}
	p.Name = strings.TrimSpace(s[:lt])
	p.Email = s[lt+1 : gt]
	fields := strings.Fields(s[gt+1:])
	if len(fields) == 0 {
		return p
	}
	sec, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return p
	}
	loc := time.UTC
	if len(fields) > 1 {
		loc = zone(fields[1])
	}
	p.When = time.Unix(sec, 0).In(loc)
	return p
}

var zones sync.Map // "+0530" -> *time.Location

// zone returns a fixed zone named after Git's offset string ("+0530").
func zone(tz string) *time.Location {
	if l, ok := zones.Load(tz); ok {
		return l.(*time.Location)
	}
	if len(tz) != 5 || (tz[0] != '+' && tz[0] != '-') {
		return time.UTC
	}
	for i := 1; i < 5; i++ {
		if tz[i] < '0' || tz[i] > '9' {
			return time.UTC
		}
	}
	hh := int(tz[1]-'0')*10 + int(tz[2]-'0')
	mm := int(tz[3]-'0')*10 + int(tz[4]-'0')
	if mm >= 60 {
		return time.UTC
	}
	off := hh*3600 + mm*60
	if tz[0] == '-' {
		off = -off
	}
	l := time.FixedZone(tz, off)
	zones.Store(tz, l)
	return l
}
