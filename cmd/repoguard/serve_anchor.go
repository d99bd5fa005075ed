package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/repoguard/repoguard/guard"
)

// auditAnchor anchors the audit log's head outside the database, so that
// deleting its newest entries shows: it logs an "audit.head" JSON line
// with the head's seq and hash, and sends it to the notify endpoint,
// each time `every` more entries were appended, every `interval` when
// the head moved, and once more at shutdown.
type auditAnchor struct {
	db       headReader
	log      *slog.Logger
	notify   headNotifier // nil: log only
	every    int64
	interval time.Duration

	anchored atomic.Int64  // the seq last anchored
	kick     chan struct{} // the head crossed a multiple of every
	done     chan struct{}
}

// headReader reads the audit log's newest entry.
type headReader interface {
	AuditHead(ctx context.Context) (guard.AuditEntry, error)
}

// headNotifier sends the audit head out.
type headNotifier interface {
	NotifyAuditHead(ctx context.Context, head guard.AuditEntry)
}

func newAuditAnchor(log *slog.Logger, every int64, interval time.Duration) *auditAnchor {
	return &auditAnchor{log: log, every: max(every, 1), interval: interval,
		kick: make(chan struct{}, 1), done: make(chan struct{})}
}

// appended is the store's OnAudit hook: it wakes the anchor when the
// head reached the next multiple of every. It never blocks.
func (a *auditAnchor) appended(head guard.AuditEntry) {
	if head.Seq/a.every > a.anchored.Load()/a.every {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
}

// run anchors until ctx ends, then anchors the final head and returns.
func (a *auditAnchor) run(ctx context.Context) {
	defer close(a.done)
	t := time.NewTicker(a.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			a.anchor(context.WithoutCancel(ctx))
			return
		case <-a.kick:
		case <-t.C:
		}
		a.anchor(ctx)
	}
}

// anchor logs and sends the head when it moved since the last anchor.
func (a *auditAnchor) anchor(ctx context.Context) {
	head, err := a.db.AuditHead(ctx)
	if err != nil {
		a.log.Error("audit head", slog.String("error", err.Error()))
		return
	}
	if head.Seq == 0 || head.Seq == a.anchored.Load() {
		return
	}
	a.anchored.Store(head.Seq)
	a.log.Info(auditHeadEvent, slog.Int64("seq", head.Seq), slog.String("hash", head.Hash))
	if a.notify != nil {
		a.notify.NotifyAuditHead(ctx, head)
	}
}

// auditHeadEvent is the message of the log line that anchors the head,
// which `repoguard audit verify --expect-file` reads back.
const auditHeadEvent = "audit.head"
