package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// auditMark is a head of the audit log anchored outside the database:
// the seq and hash an entry had when the server logged or sent it.
type auditMark struct {
	Seq  int64
	Hash string
}

func (m auditMark) String() string { return strconv.FormatInt(m.Seq, 10) + ":" + m.Hash }

// maxAnchorLine bounds a line of an --expect-file (a JSON log line).
const maxAnchorLine = 1 << 20

// parseMark reads "SEQ:HASH": a positive seq and the entry's hash, 64
// hex digits (SHA-256, or HMAC-SHA256 under the audit key).
func parseMark(s string) (auditMark, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return auditMark{}, fmt.Errorf("anchor %q: want SEQ:HASH", cut(s))
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	if err != nil || n < 1 {
		return auditMark{}, fmt.Errorf("anchor %q: seq %q is not a positive number", cut(s), cut(seq))
	}
	return checkMark(n, hash)
}

// checkMark checks an anchored hash and lowercases it.
func checkMark(seq int64, hash string) (auditMark, error) {
	if len(hash) != 64 || strings.Trim(strings.ToLower(hash), "0123456789abcdef") != "" {
		return auditMark{}, fmt.Errorf("anchor of entry %d: hash %q is not 64 hex digits", seq, cut(hash))
	}
	return auditMark{Seq: seq, Hash: strings.ToLower(hash)}, nil
}

// parseMarkLine reads one line of an --expect-file: SEQ:HASH, or a JSON
// line that anchors a head (the server's "audit.head" log line, or the
// body of an audit.head notification). ok is false for a line that
// holds no anchor: a blank line, a # comment, or another JSON log line.
func parseMarkLine(line string) (m auditMark, ok bool, err error) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return m, false, nil
	}
	if !strings.HasPrefix(line, "{") {
		m, err = parseMark(line)
		return m, err == nil, err
	}
	var rec struct {
		Msg   string          `json:"msg"`
		Event string          `json:"event"`
		Seq   json.RawMessage `json:"seq"`
		Hash  string          `json:"hash"`
	}
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		return m, false, fmt.Errorf("not SEQ:HASH nor a JSON line: %v", err)
	}
	if rec.Msg != auditHeadEvent && rec.Event != auditHeadEvent {
		return m, false, nil
	}
	seq, err := strconv.ParseInt(string(rec.Seq), 10, 64)
	if err != nil || seq < 1 {
		return m, false, fmt.Errorf("audit.head line: seq %s is not a positive number", cut(string(rec.Seq)))
	}
	m, err = checkMark(seq, rec.Hash)
	return m, err == nil, err
}

// readMarks reads the anchors of an --expect-file; an error names the
// file and line.
func readMarks(path string) ([]auditMark, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("expect file: %w", unwrapPathError(err))
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxAnchorLine)
	var out []auditMark
	for n := 1; sc.Scan(); n++ {
		m, ok, err := parseMarkLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if ok {
			out = append(out, m)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no anchor in it (want lines SEQ:HASH or audit.head JSON lines)", path)
	}
	return out, nil
}

// markFlags collects repeated --expect SEQ:HASH values.
type markFlags []auditMark

func (f *markFlags) String() string { return fmt.Sprint([]auditMark(*f)) }

func (f *markFlags) Set(v string) error {
	m, err := parseMark(v)
	if err == nil {
		*f = append(*f, m)
	}
	return err
}

// entryAt reads one audit entry.
type entryAt interface {
	AuditEntries(ctx context.Context, fromSeq int64, limit int) ([]guard.AuditEntry, error)
}

// checkMarks compares a verified chain ending at last with the anchors,
// lowest seq first. It returns why the first one that fails does: the
// log ends before it (its tail was cut) or the entry has another hash.
func checkMarks(ctx context.Context, db entryAt, last int64, marks []auditMark) (string, error) {
	marks = slices.Clone(marks)
	slices.SortFunc(marks, func(a, b auditMark) int { return int(min(max(a.Seq-b.Seq, -1), 1)) })
	for _, m := range marks {
		if m.Seq > last {
			return fmt.Sprintf("entry %d was anchored (hash %.12s…) but the log ends at entry %d: its newest entries were deleted",
				m.Seq, m.Hash, last), nil
		}
		es, err := db.AuditEntries(ctx, m.Seq, 1)
		if err != nil {
			return "", err
		}
		if len(es) != 1 || es[0].Seq != m.Seq {
			return "", errors.New("audit entries changed during verification; run it again")
		}
		if es[0].Hash != m.Hash {
			return fmt.Sprintf("entry %d has hash %.12s… but was anchored with %.12s…: the log was rewritten (or is verified under another audit key)",
				m.Seq, es[0].Hash, m.Hash), nil
		}
	}
	return "", nil
}

// cut shortens text quoted in an error.
func cut(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
