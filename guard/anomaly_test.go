package guard

import (
	"testing"
	"time"
)

func chain(n int) []AuditEntry {
	var out []AuditEntry
	prev := ""
	for i := 1; i <= n; i++ {
		e := AuditEntry{Seq: int64(i), At: time.Unix(int64(1700000000+i), 0), Actor: "alice", Action: "dismiss", Subject: "anomaly/1", PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestVerifyChain(t *testing.T) {
	if i, why := VerifyChain("", chain(5)); i != -1 {
		t.Fatalf("intact chain broken at %d: %s", i, why)
	}
	edited := chain(5)
	edited[2].Action = "confirm"
	if i, _ := VerifyChain("", edited); i != 2 {
		t.Errorf("edited entry: broken at %d, want 2", i)
	}
	rehashed := chain(5)
	rehashed[2].Detail = "x"
	rehashed[2].Hash = rehashed[2].ComputeHash()
	if i, _ := VerifyChain("", rehashed); i != 3 {
		t.Errorf("re-hashed entry: broken at %d, want 3 (the next one no longer links)", i)
	}
	deleted := append(chain(5)[:2:2], chain(5)[3:]...)
	if i, _ := VerifyChain("", deleted); i != 2 {
		t.Errorf("deleted entry: broken at %d, want 2", i)
	}
}

func TestAnomalyKey(t *testing.T) {
	a := AnomalyKey("acme/vault", "key-material", "abc", 7, "k.pem", "m")
	b := AnomalyKey("acme/vault", "key-material", "def", 7, "k.pem", "m")
	if a != b {
		t.Error("the same pull request and subject should share a key across commits")
	}
	if AnomalyKey("acme/vault", "key-material", "abc", 0, "k.pem", "m") == AnomalyKey("acme/vault", "key-material", "def", 0, "k.pem", "m") {
		t.Error("different commits without a pull request must not share a key")
	}
}
