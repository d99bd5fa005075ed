package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v62/github"

	"github.com/repoguard/repoguard/guard"
)

// CreateCheckRun creates a check run and returns its ID. Annotations
// beyond MaxAnnotationsPerRequest follow in further updates; a run that
// is to be completed is completed by the last of them.
//
// A create that fails with a server error is retried, so in rare cases
// GitHub may hold two runs; FindCheckRun finds the newest.
func (c *Client) CreateCheckRun(ctx context.Context, owner, repo string, cr CheckRun) (int64, error) {
	where := fmt.Sprintf("%s/%s@%s", owner, repo, guard.ShortHash(cr.HeadSHA))
	cr, err := cr.normalize()
	if err == nil && cr.HeadSHA == "" {
		err = fmt.Errorf("no head sha")
	}
	if err != nil {
		return 0, fmt.Errorf("create check run for %s: %w", where, err)
	}
	steps := cr.steps()
	s := steps[0]
	opts := gh.CreateCheckRunOptions{
		Name:       cr.Name,
		HeadSHA:    cr.HeadSHA,
		DetailsURL: optString(cr.DetailsURL),
		ExternalID: optString(cr.ExternalID),
		Status:     optString(string(s.status)),
		StartedAt:  optTime(cr.StartedAt),
		Output:     cr.output(s.annotations),
		Actions:    cr.actions(),
	}
	if s.last {
		opts.Conclusion = optString(string(cr.Conclusion))
		opts.CompletedAt = optTime(cr.CompletedAt)
	}
	run, _, err := call(ctx, c, func() (*gh.CheckRun, *gh.Response, error) {
		return c.api.Checks.CreateCheckRun(ctx, owner, repo, opts)
	})
	if err != nil {
		return 0, fmt.Errorf("create check run for %s: %w", where, err)
	}
	id := run.GetID()
	if err := c.updateSteps(ctx, owner, repo, id, cr, steps[1:]); err != nil {
		return id, fmt.Errorf("create check run for %s: %w", where, err)
	}
	return id, nil
}

// UpdateCheckRun updates a check run; fields left empty are unchanged.
// Annotations are added to those the run already has, in batches of
// MaxAnnotationsPerRequest; a completion is sent with the last batch.
func (c *Client) UpdateCheckRun(ctx context.Context, owner, repo string, id int64, cr CheckRun) error {
	cr, err := cr.normalize()
	if err == nil {
		err = c.updateSteps(ctx, owner, repo, id, cr, cr.steps())
	}
	if err != nil {
		return fmt.Errorf("update check run %d in %s/%s: %w", id, owner, repo, err)
	}
	return nil
}

func (c *Client) updateSteps(ctx context.Context, owner, repo string, id int64, cr CheckRun, steps []step) error {
	for i, s := range steps {
		opts := gh.UpdateCheckRunOptions{
			Name:   cr.Name,
			Status: optString(string(s.status)),
			Output: cr.output(s.annotations),
		}
		if s.first {
			opts.DetailsURL = optString(cr.DetailsURL)
			opts.ExternalID = optString(cr.ExternalID)
			opts.Actions = cr.actions()
		}
		if s.last {
			opts.Conclusion = optString(string(cr.Conclusion))
			opts.CompletedAt = optTime(cr.CompletedAt)
		}
		_, _, err := call(ctx, c, func() (*gh.CheckRun, *gh.Response, error) {
			return c.api.Checks.UpdateCheckRun(ctx, owner, repo, id, opts)
		})
		if err != nil {
			return fmt.Errorf("request %d of %d: %w", i+1, len(steps), err)
		}
	}
	return nil
}

// FindCheckRun returns the newest check run of this App with the given
// name on a commit. Runs of other Apps with the same name are ignored.
func (c *Client) FindCheckRun(ctx context.Context, owner, repo, headSHA, name string) (int64, bool, error) {
	opts := &gh.ListCheckRunsOptions{CheckName: gh.String(name), AppID: gh.Int64(c.appID)}
	runs, err := paginate(ctx, c, func(lo *gh.ListOptions) ([]*gh.CheckRun, *gh.Response, error) {
		opts.ListOptions = *lo
		res, resp, err := c.api.Checks.ListCheckRunsForRef(ctx, owner, repo, headSHA, opts)
		if res == nil {
			return nil, resp, err
		}
		return res.CheckRuns, resp, err
	})
	if err != nil {
		return 0, false, fmt.Errorf("find check run %q for %s/%s@%s: %w", name, owner, repo, guard.ShortHash(headSHA), err)
	}
	var best int64
	for _, r := range runs {
		if r.GetName() == name && r.GetID() > best {
			best = r.GetID()
		}
	}
	return best, best != 0, nil
}

// output builds the output of one request: title, summary and text are
// repeated in each, as GitHub requires them whenever output is sent.
func (cr CheckRun) output(anns []Annotation) *gh.CheckRunOutput {
	if cr.Title == "" {
		return nil
	}
	out := &gh.CheckRunOutput{
		Title:   gh.String(cr.Title),
		Summary: gh.String(cr.Summary),
		Text:    optString(cr.Text),
	}
	for _, a := range anns {
		out.Annotations = append(out.Annotations, &gh.CheckRunAnnotation{
			Path:            gh.String(a.Path),
			StartLine:       gh.Int(a.StartLine),
			EndLine:         gh.Int(a.EndLine),
			AnnotationLevel: gh.String(string(a.Level)),
			Title:           optString(a.Title),
			Message:         gh.String(a.Message),
			RawDetails:      optString(a.RawDetails),
		})
	}
	return out
}

func (cr CheckRun) actions() []*gh.CheckRunAction {
	var out []*gh.CheckRunAction
	for _, a := range cr.Actions {
		out = append(out, &gh.CheckRunAction{Label: a.Label, Description: a.Description, Identifier: a.Identifier})
	}
	return out
}
