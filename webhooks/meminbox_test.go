package webhooks_test

import (
	"testing"
	"time"

	"github.com/repoguard/repoguard/webhooks"
	"github.com/repoguard/repoguard/webhooks/inboxtest"
)

func TestMemInboxConformance(t *testing.T) {
	inboxtest.Conformance(t, func(t *testing.T, now func() time.Time) webhooks.Inbox {
		return webhooks.NewMemInbox(webhooks.MemInboxOptions{Now: now})
	})
}
