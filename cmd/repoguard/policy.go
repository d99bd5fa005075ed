package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/gitrepo"
	"github.com/repoguard/repoguard/guard/sqlite"
)

// loadPolicy returns the effective policy for a scan and says where it came
// from: the file named by --policy, else the repository's own policy file
// at rev, else the built-in defaults.
func loadPolicy(ctx context.Context, repo *gitrepo.Repo, rev, file string) (*guard.Policy, string, error) {
	if file != "" {
		p, err := configs.LoadPolicy(file, detectors.All())
		return p, file, err
	}
	if _, err := repo.Resolve(rev); err != nil {
		return nil, "", err // a missing ref or no commits: not a policy problem
	}
	data, err := repo.ReadFile(ctx, rev, guard.PolicyPath)
	switch {
	case errors.Is(err, gitrepo.ErrFileNotFound):
		return defaultPolicy()
	case err != nil:
		return nil, "", fmt.Errorf("read %s at %s: %w", guard.PolicyPath, rev, err)
	}
	src := guard.PolicyPath + "@" + rev
	p, err := configs.ParsePolicy(src, data, detectors.All())
	return p, src, err
}

// defaultPolicy returns the built-in policy with every detector's settings.
func defaultPolicy() (*guard.Policy, string, error) {
	const src = "built-in defaults"
	p, err := configs.ParsePolicy(src, nil, detectors.All())
	return p, src, err
}

func newClassifier(p *guard.Policy) (guard.Classifier, error) {
	c, err := configs.NewClassifier(p)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return c, nil
}

func runPolicy(e *env, args []string) int {
	const usage = "usage: repoguard policy check FILE... | repoguard policy show [PATH] [--policy FILE]"
	return dispatch(e, "policy", usage, args, []subcommand{{"check", runPolicyCheck}, {"show", runPolicyShow}})
}

// runPolicyCheck validates each file: exit 0 when all are valid, 1 when one
// is invalid (each error printed as file:line:column: message), 2 when a
// file cannot be read.
func runPolicyCheck(e *env, args []string) int {
	fs := newFlagSet(e, "policy check", "policy check FILE...")
	files, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "usage: repoguard policy check FILE...")
		return exitError
	}
	code = exitOK
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(e.stderr, "repoguard: read policy: %v\n", unwrapPathError(err))
			code = exitError
			continue
		}
		if _, err := configs.ParsePolicy(file, data, detectors.All()); err != nil {
			fmt.Fprintln(e.stdout, strings.TrimRight(err.Error(), "\n"))
			if code == exitOK {
				code = exitFindings
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s: ok\n", file)
	}
	return code
}

// unwrapPathError renders an *os.PathError as "path: reason".
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}

// runPolicyShow prints the effective policy of a repository (its policy
// file at HEAD merged with the defaults), of a file, or the defaults.
func runPolicyShow(e *env, args []string) int {
	fs := newFlagSet(e, "policy show", "policy show [PATH] [--policy FILE] [--rev REV]")
	file := fs.String("policy", "", "show the effective policy of `FILE`")
	var store storeFlags
	store.register(fs)
	rev := fs.String("rev", "HEAD", "read the repository's policy at `REV`")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	var (
		pol *guard.Policy
		err error
	)
	src := "built-in defaults"
	switch {
	case *file != "":
		if pol, err = configs.LoadPolicy(*file, detectors.All()); err != nil {
			return fail(e, err)
		}
		src = *file
	case len(pos) > 0:
		repo, err := gitrepo.Open(pos[0], gitrepo.Options{})
		if err != nil {
			return fail(e, err)
		}
		defer repo.Close()
		if pol, src, err = loadPolicy(e.ctx, repo, *rev, ""); err != nil {
			if errors.Is(err, gitrepo.ErrRefNotFound) {
				err = fmt.Errorf("--rev %q: %w", *rev, err)
			}
			return fail(e, err)
		}
	default:
		if pol, src, err = defaultPolicy(); err != nil {
			return fail(e, err)
		}
	}
	out, err := configs.MarshalPolicy(pol)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "# effective policy from %s\n%s#\n%s", src, out, guard.ModelComment(pol.Thresholds.Budget))
	if len(pos) > 0 {
		lines, err := repoRates(e.ctx, &store, pos[0], pol.Thresholds.Budget)
		if err != nil {
			return fail(e, err)
		}
		for _, l := range lines {
			fmt.Fprintln(e.stdout, strings.TrimSpace("# "+l))
		}
	}
	return exitOK
}

// repoRates explains the rates the database keeps of the repository at
// path, when there is a database; it creates none.
func repoRates(ctx context.Context, store *storeFlags, path string, budget float64) ([]string, error) {
	file, err := store.existing()
	if err != nil || file == "" {
		return nil, err
	}
	repo, err := gitrepo.Open(path, gitrepo.Options{})
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	db, err := sqlite.Open(ctx, file)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	name := repoName(repo, "")
	here, org, err := sqlite.NewLearner(db).Rates(ctx, name, false)
	if err != nil {
		return nil, err
	}
	return append([]string{"", "In " + file + ":"}, guard.ExplainRates(name, here, org, budget, 25)...), nil
}

func runDetectors(e *env, args []string) int {
	fs := newFlagSet(e, "detectors", "detectors")
	if code, done := parseNoArgs(e, fs, args); done {
		return code
	}
	for _, d := range detectors.All() {
		fmt.Fprintf(e.stdout, "%-22s %-8s %s\n", d.Name, d.Severity, d.Doc)
	}
	return exitOK
}
