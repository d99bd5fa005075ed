package sqlite

// SetSyncer replaces the sync of the inbox's write-ahead log with sync:
// a disk layer that fails or waits, in tests.
func (in *Inbox) SetSyncer(sync func() error) { in.syncer = syncFunc(sync) }

// syncFunc is a func as a syncer.
type syncFunc func() error

func (f syncFunc) Sync() error { return f() }

// Waiting is the number of deliveries waiting for a group commit.
func (in *Inbox) Waiting() int {
	in.qmu.Lock()
	defer in.qmu.Unlock()
	return len(in.queue)
}

// WALSyncer returns the syncer of the write-ahead log of the database
// file path.
func WALSyncer(path string) interface{ Sync() error } { return &walSyncer{path: path + "-wal"} }
