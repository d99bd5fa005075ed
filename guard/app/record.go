package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/repoguard/repoguard/guard"
)

// recordFindings puts findings into the anomaly queue.
func (a *App) recordFindings(ctx context.Context, rec guard.FindingRecord) error {
	if len(rec.Findings) == 0 {
		return nil
	}
	if _, err := a.Store.RecordFindings(ctx, rec); err != nil {
		return fmt.Errorf("record %d findings: %w", len(rec.Findings), err)
	}
	return nil
}

// queueOf is the lowest severity that enters the anomaly queue.
func queueOf(p *guard.Policy) guard.Severity {
	if p != nil && p.Thresholds.Queue != guard.SeverityNone {
		return p.Thresholds.Queue
	}
	return guard.Medium
}

// pullURL links to a pull request on GitHub.
func (a *App) pullURL(repo string, n int) string {
	return strings.TrimSuffix(a.GitURL, "/") + "/" + repo + "/pull/" + strconv.Itoa(n)
}

// commitURL links to a commit on GitHub.
func (a *App) commitURL(repo, sha string) string {
	return strings.TrimSuffix(a.GitURL, "/") + "/" + repo + "/commit/" + sha
}
