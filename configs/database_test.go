package configs

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestDatabaseURL checks that REPOGUARD_DATABASE_URL and database_url
// select PostgreSQL over the file, that anything else is refused, and
// that neither the error nor the logged settings show the password.
func TestDatabaseURL(t *testing.T) {
	const pg = "postgres://rg:s3cret@db.internal:5432/repoguard?sslmode=require"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantDB  string
		wantErr string
	}{
		{"url over db", map[string]string{"REPOGUARD_DB": "/tmp/x.db", "REPOGUARD_DATABASE_URL": pg}, pg, ""},
		{"postgresql scheme", map[string]string{"REPOGUARD_DATABASE_URL": "postgresql://h/db"}, "postgresql://h/db", ""},
		{"db alone", map[string]string{"REPOGUARD_DB": pg}, pg, ""},
		{"not postgres", map[string]string{"REPOGUARD_DATABASE_URL": "mysql://rg:s3cret@h/db"}, "", "want a postgres:// or postgresql:// URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["REPOGUARD_DATA_DIR"] = t.TempDir()
			cfg, err := LoadServer("", envOf(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "s3cret") {
					t.Fatalf("err = %v, want %q without the password", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DB != tc.wantDB {
				t.Errorf("DB = %q, want %q", cfg.DB, tc.wantDB)
			}
			if logged := fmt.Sprint(slog.AnyValue(cfg).Resolve()); strings.Contains(logged, "s3cret") {
				t.Errorf("logged settings show the password: %s", logged)
			}
		})
	}
}
