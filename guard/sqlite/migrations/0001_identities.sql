-- Identities: one person, keyed by GitHub login when known, otherwise by
-- normalized email, with every email and name they committed under.
-- Times are unix seconds (UTC).

CREATE TABLE identities (
	key     TEXT PRIMARY KEY,
	login   TEXT UNIQUE,
	created BIGINT NOT NULL
);

CREATE TABLE identity_emails (
	identity_key TEXT NOT NULL REFERENCES identities (key) ON DELETE CASCADE,
	email        TEXT NOT NULL,
	commits      BIGINT NOT NULL,
	first_seen   BIGINT NOT NULL,
	last_seen    BIGINT NOT NULL,
	PRIMARY KEY (identity_key, email)
);

CREATE INDEX identity_emails_email ON identity_emails (email);

CREATE TABLE identity_names (
	identity_key TEXT NOT NULL REFERENCES identities (key) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	commits      BIGINT NOT NULL,
	first_seen   BIGINT NOT NULL,
	last_seen    BIGINT NOT NULL,
	PRIMARY KEY (identity_key, name)
);
