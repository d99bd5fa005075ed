package app

import (
	"context"
	"fmt"

	"github.com/repoguard/repoguard/guard"
)

// savePullState saves st and, when it posts a new verdict (a conclusion
// other than the saved state's, or the same one on a new head), appends
// the verdict to the audit log as "verdict.posted".
func (a *App) savePullState(ctx context.Context, st *PullState) error {
	prev, err := a.Store.PullState(ctx, st.Repo, st.Number)
	if err != nil {
		return fmt.Errorf("load state of #%d: %w", st.Number, err)
	}
	if err := a.Store.SavePullState(ctx, st); err != nil {
		return fmt.Errorf("save state of #%d: %w", st.Number, err)
	}
	if !postsVerdict(prev, st) {
		return nil
	}
	_, err = a.Store.AppendAudit(ctx, "repoguard", "verdict.posted", fmt.Sprintf("pr/%s#%d", st.Repo, st.Number),
		fmt.Sprintf("%s on %s: %s", st.Conclusion, guard.ShortHash(st.HeadSHA), st.Verdict.Title))
	if err != nil {
		return fmt.Errorf("audit the verdict of #%d: %w", st.Number, err)
	}
	return nil
}

// postsVerdict reports whether saving st over prev (nil: none saved)
// posts a new verdict.
func postsVerdict(prev, st *PullState) bool {
	return st.Conclusion != "" && (prev == nil || prev.Conclusion != st.Conclusion || prev.HeadSHA != st.HeadSHA)
}
