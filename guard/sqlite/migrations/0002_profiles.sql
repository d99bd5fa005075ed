-- Profiles: one row per (repo, key). repo '' is the organization-wide
-- profile, key '*' (guard.OrgKey) the profile of everyone. data is the
-- JSON of guard.Profile; commits and the times are copied out of it so
-- that they can be listed without decoding.

CREATE TABLE profiles (
	repo       TEXT NOT NULL,
	key        TEXT NOT NULL,
	commits    BIGINT NOT NULL,
	first_seen BIGINT NOT NULL,
	last_seen  BIGINT NOT NULL,
	data       TEXT NOT NULL,
	PRIMARY KEY (repo, key)
);

CREATE INDEX profiles_key ON profiles (key);
