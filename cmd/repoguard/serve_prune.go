package main

import (
	"context"
	"log/slog"
	"os"
	"time"
)

// pruneInterval is how often serve prunes the inbox after the prune at
// start: hourly, or every retention when that is shorter.
func (s *server) pruneInterval() time.Duration { return min(time.Hour, s.cfg.InboxRetention) }

// pruneInbox drops the bodies of the deliveries finished more than the
// retention ago (their ids and hashes stay, for deduplication and replay
// refusal), forgets the deliveries finished more than the replay window
// ago, and gives the space back to the file system. A failure is
// logged: the server goes on.
func (s *server) pruneInbox(ctx context.Context) {
	start := time.Now()
	n, err := s.inbox.Prune(ctx, start.Add(-s.cfg.InboxRetention))
	var forgot int64
	if err == nil {
		forgot, err = s.inbox.Forget(ctx, start.Add(-s.cfg.InboxReplayWindow))
	}
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("inbox prune failed", slog.Int64("bodies", n), slog.Int64("forgotten", forgot),
				slog.String("error", err.Error()))
		}
		return
	}
	level := slog.LevelDebug
	if n > 0 || forgot > 0 {
		level = slog.LevelInfo
	}
	attrs := []slog.Attr{slog.Int64("bodies", n), slog.Int64("forgotten", forgot),
		slog.Duration("retention", s.cfg.InboxRetention), slog.Duration("replay_window", s.cfg.InboxReplayWindow),
		slog.Duration("took", time.Since(start))}
	if fi, err := os.Stat(s.cfg.DB); err == nil {
		attrs = append(attrs, slog.Int64("db_bytes", fi.Size()))
	}
	s.log.LogAttrs(ctx, level, "inbox pruned", attrs...)
}

// startPruning prunes the inbox every pruneInterval in the background
// and returns the function that stops it and waits.
func (s *server) startPruning() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(s.pruneInterval())
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.pruneInbox(ctx)
			}
		}
	}()
	return func() { cancel(); <-done }
}
