package sqlite

import "github.com/repoguard/repoguard/webhooks"

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

// Preload puts deliveries in the queue of a group commit as if their
// Enqueues were waiting for it, without anyone waiting for the answers.
func (in *Inbox) Preload(ds ...webhooks.Delivery) {
	in.qmu.Lock()
	defer in.qmu.Unlock()
	for _, d := range ds {
		in.queue = append(in.queue, &enqueueReq{d: d, done: make(chan struct{})})
	}
}
