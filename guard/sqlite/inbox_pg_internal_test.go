package sqlite

import (
	"strings"
	"testing"
)

// TestClaimPGSQL checks that claimPGSQL was derived from claimSQL: the
// replacement is textual, so a change of claimSQL's ending must not
// leave PostgreSQL's claim without its locks.
func TestClaimPGSQL(t *testing.T) {
	for _, want := range []string{"FOR UPDATE SKIP LOCKED", "pg_try_advisory_xact_lock", "SET state = 'running'"} {
		if !strings.Contains(claimPGSQL, want) {
			t.Errorf("claimPGSQL lacks %q:\n%s", want, claimPGSQL)
		}
	}
}
