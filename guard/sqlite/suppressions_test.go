package sqlite_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
)

func addSuppression(t testing.TB, db *sqlite.DB, s guard.Suppression) int64 {
	t.Helper()
	if s.Reason == "" {
		s.Reason = "known and accepted"
	}
	if s.CreatedBy == "" {
		s.CreatedBy = "sec"
	}
	if s.ExpiresAt.IsZero() {
		s.ExpiresAt = epoch.Add(24 * time.Hour)
	}
	id, err := db.AddSuppression(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSuppressionsKeepFindingsOutOfTheQueue(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name       string
		s          guard.Suppression
		suppressed []string // messages of the findings suppressed
	}{
		{"author", guard.Suppression{Detector: "late-hour", Author: "Alice"}, []string{"late alice"}},
		{"path", guard.Suppression{Detector: "key-material", PathGlob: "testdata/**/*.pem"}, []string{"fixture key"}},
		{"path in repo", guard.Suppression{Detector: "key-material", PathGlob: "testdata/**", Repo: "acme/vault"}, []string{"fixture key"}},
		{"path in another repo", guard.Suppression{Detector: "key-material", PathGlob: "testdata/**", Repo: "acme/web"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, _ := openQueue(t)
			sid := addSuppression(t, db, c.s)
			findings := []guard.Finding{
				finding("late-hour", guard.Medium, "", "late alice"),
				finding("key-material", guard.Critical, "testdata/keys/a.pem", "fixture key"),
				finding("key-material", guard.Critical, "deploy/prod.pem", "real key"),
				finding("new-path", guard.Medium, "testdata/keys/a.pem", "other detector"),
			}
			created := record(t, db, pushRecord("c1", findings...))
			if len(created)+len(c.suppressed) != len(findings) {
				t.Fatalf("created %d anomalies, want %d", len(created), len(findings)-len(c.suppressed))
			}
			queued, total, err := db.Anomalies(ctx, guard.AnomalyFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(created) {
				t.Fatalf("the queue holds %d, want %d", total, len(created))
			}
			all, _, _ := db.Anomalies(ctx, guard.AnomalyFilter{IncludeSuppressed: true})
			if len(all) != len(findings) {
				t.Fatalf("recorded %d, want %d", len(all), len(findings))
			}
			var suppressed []string
			for _, a := range all {
				if a.Suppressed {
					suppressed = append(suppressed, a.Message)
				}
			}
			if strings.Join(suppressed, ",") != strings.Join(c.suppressed, ",") {
				t.Fatalf("suppressed %q, want %q", suppressed, c.suppressed)
			}
			for _, a := range queued {
				if a.Suppressed {
					t.Fatalf("queued a suppressed anomaly: %+v", a)
				}
			}
			// The suppressed creation is on record, naming the suppression.
			es, _ := db.AuditEntries(ctx, 1, 100)
			n := 0
			for _, e := range es {
				if strings.HasSuffix(e.Detail, "[suppressed by suppression/1]") {
					n++
				}
			}
			if n != len(c.suppressed) || es[0].Action != "suppression.created" || es[0].Subject != "suppression/1" || sid != 1 {
				t.Fatalf("audit: %d suppressed creations; first %+v", n, es[0])
			}
		})
	}
}

func TestExpiredOrRemovedSuppressionNoLongerApplies(t *testing.T) {
	ctx := context.Background()
	db, clock := openQueue(t)
	addSuppression(t, db, guard.Suppression{Detector: "late-hour", Author: "alice", ExpiresAt: epoch.Add(time.Hour)})
	late := finding("late-hour", guard.Medium, "", "commit at 03:00")
	if created := record(t, db, pushRecord("c1", late)); len(created) != 0 {
		t.Fatalf("suppressed finding queued: %+v", created)
	}
	clock.advance(2 * time.Hour)
	if ss, _ := db.Suppressions(ctx, false); len(ss) != 0 {
		t.Fatalf("active after expiry: %+v", ss)
	}
	if ss, _ := db.Suppressions(ctx, true); len(ss) != 1 || ss[0].Author != "alice" || !ss[0].ExpiresAt.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("with expired: %+v", ss)
	}
	if created := record(t, db, pushRecord("c2", late)); len(created) != 1 || created[0].Suppressed {
		t.Fatalf("after expiry: %+v", created)
	}
	// The anomaly recorded suppressed, seen again, enters the queue.
	created := record(t, db, pushRecord("c1", late))
	if len(created) != 1 || created[0].Suppressed || created[0].Seen != 2 {
		t.Fatalf("seen again after expiry: %+v", created)
	}
	if _, total, _ := db.Anomalies(ctx, guard.AnomalyFilter{}); total != 2 {
		t.Fatalf("queue of %d", total)
	}

	// Removed: no longer listed nor applied; removing twice fails.
	id := addSuppression(t, db, guard.Suppression{Detector: "late-hour", Author: "alice", ExpiresAt: epoch.Add(48 * time.Hour)})
	if err := db.RemoveSuppression(ctx, id, "sec"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveSuppression(ctx, id, "sec"); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("removed twice: %v", err)
	}
	if ss, _ := db.Suppressions(ctx, true); len(ss) != 1 {
		t.Fatalf("listed after removal: %+v", ss)
	}
	if created := record(t, db, pushRecord("c3", late)); len(created) != 1 {
		t.Fatalf("a removed suppression applied: %+v", created)
	}
	acts := auditActions(t, db)
	if acts[len(acts)-2] != "suppression.removed suppression/2" {
		t.Fatalf("audit %v", acts)
	}
}

func TestAddSuppressionValidates(t *testing.T) {
	ctx := context.Background()
	db, _ := openQueue(t)
	ok := guard.Suppression{Detector: "late-hour", Author: "alice", Reason: "night shift", CreatedBy: "sec",
		ExpiresAt: epoch.Add(time.Hour)}
	for _, c := range []struct {
		name   string
		change func(*guard.Suppression)
		err    error
	}{
		{"no detector", func(s *guard.Suppression) { s.Detector = "" }, guard.ErrInvalid},
		{"author and glob", func(s *guard.Suppression) { s.PathGlob = "testdata/**" }, guard.ErrInvalid},
		{"neither", func(s *guard.Suppression) { s.Author = "" }, guard.ErrInvalid},
		{"bad glob", func(s *guard.Suppression) { s.Author, s.PathGlob = "", "testdata/[a" }, guard.ErrInvalid},
		{"no reason", func(s *guard.Suppression) { s.Reason = " " }, guard.ErrInvalid},
		{"no creator", func(s *guard.Suppression) { s.CreatedBy = "" }, guard.ErrInvalid},
		{"expired", func(s *guard.Suppression) { s.ExpiresAt = epoch }, guard.ErrInvalid},
		{"no expiry", func(s *guard.Suppression) { s.ExpiresAt = time.Time{} }, guard.ErrInvalid},
		{"about oneself", func(s *guard.Suppression) { s.CreatedBy = "ALICE" }, guard.ErrForbidden},
	} {
		s := ok
		c.change(&s)
		if _, err := db.AddSuppression(ctx, s); !errors.Is(err, c.err) {
			t.Errorf("%s: %v, want %v", c.name, err, c.err)
		}
	}
	if ss, _ := db.Suppressions(ctx, true); len(ss) != 0 {
		t.Fatalf("stored invalid suppressions: %+v", ss)
	}
	if err := db.RemoveSuppression(ctx, 7, "sec"); !errors.Is(err, guard.ErrNotFound) {
		t.Fatalf("remove missing: %v", err)
	}
	if n := len(auditActions(t, db)); n != 0 {
		t.Fatalf("%d audit entries", n)
	}
}
