package sqlite

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// TestAuditCanonicalMatchesComputeHash keeps the bytes the keyed mode
// signs in step with guard.AuditEntry.ComputeHash.
func TestAuditCanonicalMatchesComputeHash(t *testing.T) {
	for _, e := range []guard.AuditEntry{
		{},
		{Seq: 1, At: time.Unix(1700000000, 0), Actor: "repoguard", Action: "verdict.posted",
			Subject: "pr/acme/vault#7", Detail: "failure 1a2b"},
		{Seq: 12345, At: time.Date(2024, 3, 1, 12, 0, 0, 5, time.FixedZone("X", 3600)), Actor: "a;b:c",
			Action: "anomaly.commented", Subject: "anomaly/3", Detail: "ünïcode\x00;2:xx;", PrevHash: "ab12"},
	} {
		sum := sha256.Sum256(auditCanonical(&e))
		if got, want := hex.EncodeToString(sum[:]), e.ComputeHash(); got != want {
			t.Errorf("entry %+v: canonical bytes hash to %s, ComputeHash gives %s", e, got, want)
		}
	}
}
