package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v62/github"
)

// IsTeamMember reports whether login is an active member of the team
// org/teamSlug. GitHub counts members of child teams as members. A
// pending invitation is not membership. The App needs the organization
// "Members: read" permission; without it GitHub answers 403, an error.
func (c *Client) IsTeamMember(ctx context.Context, org, teamSlug, login string) (bool, error) {
	m, _, err := call(ctx, c, func() (*gh.Membership, *gh.Response, error) {
		return c.api.Teams.GetTeamMembershipBySlug(ctx, org, teamSlug, login)
	})
	if IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("team membership of %s in %s/%s: %w", login, org, teamSlug, err)
	}
	return m.GetState() == "active", nil
}

// FileContent reads a file at a ref ("" for the default branch), for
// example the organization's default policy from its ".github"
// repository. A missing file, ref or repository is not an error: found is
// false. GitHub also answers 404 when the installation has no access to
// the repository, so a policy the App cannot see reads as missing.
// Files over 1 MB are not served by this endpoint and give an error.
func (c *Client) FileContent(ctx context.Context, owner, repo, ref, path string) ([]byte, bool, error) {
	where := fmt.Sprintf("%s/%s/%s", owner, repo, path)
	if ref != "" {
		where += "@" + ref
	}
	var opts *gh.RepositoryContentGetOptions
	if ref != "" {
		opts = &gh.RepositoryContentGetOptions{Ref: ref}
	}
	type result struct {
		file *gh.RepositoryContent
		dir  []*gh.RepositoryContent
	}
	res, _, err := call(ctx, c, func() (result, *gh.Response, error) {
		f, d, resp, err := c.api.Repositories.GetContents(ctx, owner, repo, path, opts)
		return result{f, d}, resp, err
	})
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("get contents of %s: %w", where, err)
	}
	if res.file == nil || res.file.GetType() != "file" {
		return nil, false, fmt.Errorf("get contents of %s: not a file", where)
	}
	s, err := res.file.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("get contents of %s: %w", where, err)
	}
	return []byte(s), true, nil
}
