// Package sqlite is repoguard's store on SQLite (modernc.org/sqlite, pure
// Go): author identities, behaviour profiles and learning cursors in one
// database file.
//
// # Opening
//
// Open applies the migrations embedded from migrations/NNNN_*.sql in
// order, each in a transaction with its row in schema_migrations
// (version, applied_at). Every connection runs with WAL journaling,
// foreign keys on, synchronous NORMAL and a busy timeout, set in the DSN.
// NORMAL loses nothing on a process crash and at most the last commits on
// a power loss; the inbox, whose writes are acknowledged to GitHub, syncs
// the write-ahead log itself after each group commit of deliveries
// (Inbox.Enqueue), before any of them is answered.
// A file that is not a database fails with ErrCorrupt, a lock held past
// the timeout with ErrLocked, and a database that records a migration
// this binary lacks with ErrNewerSchema; such a file is not written to.
//
// # Schema
//
// Times are unix seconds, counts BIGINT, text TEXT: the same DDL and
// queries ($N placeholders, INSERT ... ON CONFLICT DO UPDATE) run on
// PostgreSQL. What is SQLite's own (DSN, driver error codes, the catalog
// query) lives in dialect.go.
//
// # PostgreSQL
//
// A DB whose Path is a postgres:// URL runs on PostgreSQL (pgx through
// database/sql), the store several `serve` replicas share; the package
// keeps its name. The migrations are the same files, their SQLite key
// and BLOB types rewritten (dialect_pg.go), except where a file under
// migrations/postgres replaces one. Where SQLite has one writer at a
// time, PostgreSQL transactions of the store take a writer lock (an
// advisory lock per schema), so that read-modify-write transactions such
// as the audit chain's append stay serial across replicas; the inbox
// instead locks per serial key and claims with FOR UPDATE SKIP LOCKED
// (inbox_pg.go). Errors name the URL without its password.
//
//	identities      (key PK, login UNIQUE, created)
//	identity_emails (identity_key FK, email, commits, first_seen, last_seen; PK both)
//	identity_names  (identity_key FK, name, commits, first_seen, last_seen; PK both)
//	profiles        (repo, key, commits, first_seen, last_seen, data; PK (repo, key))
//	cursors         (repo, ref, hash, commits, updated; PK (repo, ref))
//	pushes          (repo, commit_sha, branch, pusher, pushed; PK all but pushed)
//
// pushes records who pushed each commit to each branch, from push events:
// everyone who pushed a commit of a pull request's base..head may not
// approve it (pushes.go), also when they pushed before the pull request
// was opened or while it was closed.
//
// An identity's key is its GitHub login, lowercased, when known (from
// GitHub or from a noreply address); otherwise the normalized email.
// Email keys always contain an '@' and logins never do, so the two cannot
// collide. identity_emails doubles as the email index: which identities
// used an address. When an email is linked to a login, the email's
// identity and profiles are merged into the login's and deleted.
//
// A profile row is the JSON of guard.Profile (data) with its counts and
// times copied into columns. repo "" holds organization-wide profiles and
// key "*" (guard.OrgKey) the profile of everyone, so a commit updates four
// rows: (repo, key), ("", key), (repo, "*") and ("", "*").
//
// A cursor (guard.Cursor) is how far learning went on a ref, written in
// the same transaction as what was learned, so an interrupted backfill
// resumes where its last Commit left off. A walk advances its cursor
// with each commit it learns (Learner.Advance); every Commit writes the
// cursors advanced since the last, whichever walk makes it.
//
// # Learning
//
// A Learner keeps the profiles and identities it touches in memory and
// writes them in batches with Commit; its Baseline answers from memory,
// so a scan judges each commit against the baseline before it and then
// learns it, without a database round trip per commit.
//
// # The queue
//
// anomalies holds one row per guard.AnomalyKey, each in the case of its
// commit or pull request (cases, one row per guard.CaseKey). A case
// carries the summary of its anomalies (status, highest severity,
// counts) in columns, rewritten in the transaction of every change to
// one of them, so that the queue filters, sorts and counts cases
// without reading their anomalies; a page of cases then reads its
// anomalies' detectors and severities to show them.
package sqlite
