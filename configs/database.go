package configs

import (
	"errors"

	"github.com/repoguard/repoguard/guard/sqlite"
)

// useDatabaseURL makes DatabaseURL, when set, the store (DB), after
// checking that it is a PostgreSQL URL; the error names it without its
// password.
func (c *Server) useDatabaseURL() error {
	if c.DatabaseURL == "" {
		return nil
	}
	if !sqlite.IsURL(c.DatabaseURL) {
		return errors.New("database_url (REPOGUARD_DATABASE_URL): want a postgres:// or postgresql:// URL")
	}
	c.DB = c.DatabaseURL
	return nil
}
