package main

import (
	"strings"
	"testing"
)

// TestDatabaseNote: a scan says where it created a database file, and
// never prints a database URL, whose password it would leak.
func TestDatabaseNote(t *testing.T) {
	for _, tc := range []struct {
		path    string
		existed bool
		want    string
	}{
		{"/data/repoguard.db", false, "created the database /data/repoguard.db"},
		{"/data/repoguard.db", true, ""},
		{":memory:", false, ""},
		{"postgres://repoguard:s3cret@db.internal/repoguard", false, ""},
	} {
		got := databaseNote(tc.path, tc.existed)
		if tc.want == "" && got != "" || !strings.HasPrefix(got, tc.want) || strings.Contains(got, "s3cret") {
			t.Errorf("databaseNote(%q, %v) = %q, want %q...", tc.path, tc.existed, got, tc.want)
		}
	}
}
