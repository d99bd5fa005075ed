package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
)

// The database runs with synchronous=NORMAL: in WAL mode a commit is
// written to the write-ahead log but not synced, so a process crash
// loses nothing and a power loss may lose the last commits. That is
// enough for profiles, anomalies and the jobs' progress, all of which
// are recomputed or redone, but not for a delivery answered 2xx: GitHub
// does not redeliver by itself. So the inbox syncs the log itself after
// each group commit of Enqueue (synchronous=FULL would sync every
// commit, also each claim and completion of a job, at about 1 ms each).
// A sync of the log makes durable every commit written to it before,
// and a checkpoint syncs the log before it copies it into the database
// and resets it, so a log reset meanwhile loses nothing either.

// syncer makes the commits written so far durable.
type syncer interface {
	Sync() error
}

// walSyncer syncs the write-ahead log of the database at path, and its
// directory whenever the log is a file it has not synced before (a new
// file is only found after a power loss once its directory entry is on
// disk).
type walSyncer struct {
	path string
	last os.FileInfo // the log file last synced
}

// Sync implements syncer.
func (w *walSyncer) Sync() error {
	f, err := os.Open(w.path)
	if err != nil {
		return fmt.Errorf("sync write-ahead log: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync write-ahead log %s: %w", w.path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("sync write-ahead log: %w", err)
	}
	if w.last != nil && os.SameFile(w.last, fi) {
		return nil
	}
	if err := syncDir(filepath.Dir(w.path)); err != nil {
		return err
	}
	w.last = fi
	return nil
}

// syncDir syncs a directory, and so the names of its files.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// noSync is the syncer of an in-memory database, and of PostgreSQL,
// whose commit returns once its log is flushed (synchronous_commit).
type noSync struct{}

// Sync implements syncer.
func (noSync) Sync() error { return nil }

// newSyncer returns the syncer of the inbox of db.
func newSyncer(db *DB) syncer {
	if db.Path == memoryPath || db.dialect.postgres {
		return noSync{}
	}
	return &walSyncer{path: db.Path + "-wal"}
}

// sync syncs what the inbox committed, in its turn to write. After a
// failed sync every later one fails too: the kernel may have dropped
// the pages it could not write, so what SQLite reads back is no longer
// known to be on disk, and a redelivery of a delivery that was refused
// would be answered as a duplicate it is not. Reopening the database
// (restarting repoguard) reads what is on disk.
func (in *Inbox) sync() error {
	if err := in.syncFailure(); err != nil {
		return err
	}
	in.syncs.Add(1)
	if err := in.syncer.Sync(); err != nil {
		err = fmt.Errorf("%w (deliveries are refused until repoguard restarts)", err)
		in.syncErr.Store(&err)
		return err
	}
	return nil
}

// syncFailure is the error of the sync that failed, nil when none did.
func (in *Inbox) syncFailure() error {
	if p := in.syncErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Syncs counts the syncs of the write-ahead log the inbox made: one per
// group commit of Enqueue.
func (in *Inbox) Syncs() int64 { return in.syncs.Load() }
