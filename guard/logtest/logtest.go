// Package logtest holds what tests need of logs: a buffer that a
// logger's goroutines and the test share, and a writer to the test's own
// log.
package logtest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// Buffer is a bytes.Buffer safe for concurrent use: the log of a server
// or worker that the test reads while it runs. The zero Buffer is empty
// and ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p to the buffer.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Writer writes each write, trimmed, to T's log (shown with -v or when
// the test fails).
type Writer struct{ T testing.TB }

// Write logs p with T.Log.
func (w Writer) Write(p []byte) (int, error) {
	w.T.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
