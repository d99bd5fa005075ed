package inboxtest_test

import (
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

func TestMemInboxConformance(t *testing.T) {
	inboxtest.Conformance(t, func(t *testing.T, now func() time.Time) webhooks.Inbox {
		return inboxtest.NewMemInbox(inboxtest.MemInboxOptions{Now: now})
	})
}
