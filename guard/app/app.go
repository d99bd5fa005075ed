package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/webhooks"
)

// Defaults of the App's tunables.
const (
	DefaultGitURL            = "https://github.com"
	DefaultRubberStampLines  = 100
	DefaultRubberStampWindow = 2 * time.Minute
	DefaultProgressEvery     = 1000
	DefaultMaxAnnotations    = 200
)

// App is the GitHub App's behaviour: Handle runs one webhook job. Set the
// required fields (Clients, Repos, Store, Profiles, Detectors); zero
// optional fields take defaults. An App is safe for concurrent use; Close
// stops its background backfills.
type App struct {
	// Clients returns the GitHub client of an installation. Required.
	Clients func(installationID int64) GitHubClient
	// Repos keeps the local clones. Required.
	Repos Repos
	// Store keeps pull request states, resolutions, ref heads and
	// findings. Required.
	Store Store
	// Profiles keeps author baselines and learns. Required.
	Profiles Profiles
	// Detectors are the detectors policies are checked against and the
	// engine runs (detectors.All() in cmd). Required.
	Detectors []*guard.Detector

	// PublicURL is the base of the App's own web UI; action_required
	// and failing checks link to PublicURL/pulls/{owner}/{repo}/{n}.
	PublicURL string
	// GitURL is the base clone URLs are made from:
	// GitURL/{owner}/{repo}.git [DefaultGitURL].
	GitURL string
	// ProtectedBranches are path.Match patterns of branches (besides the
	// default branch) whose rewrite or deletion is a finding, and whose
	// pull requests are not also judged against the default branch.
	ProtectedBranches []string
	// RubberStampLines and RubberStampWindow: an approval of a sensitive
	// change of at least that many lines within that time of the last
	// push is a rubber-stamp finding [100, 2 minutes].
	RubberStampLines  int
	RubberStampWindow time.Duration
	// MaxAnnotations caps the annotations of one check run [200].
	MaxAnnotations int
	// ProgressEvery is how often (in commits) a backfill reports [1000].
	ProgressEvery int
	// Logger [slog.Default()] and Observer [NopObserver].
	Logger   *slog.Logger
	Observer Observer
	// Now is the clock [time.Now].
	Now func() time.Time

	once      sync.Once
	profiles  *serialProfiles
	backfills *backfills
	policies  *policies
}

func (a *App) init() {
	a.once.Do(func() {
		if a.GitURL == "" {
			a.GitURL = DefaultGitURL
		}
		if a.RubberStampLines <= 0 {
			a.RubberStampLines = DefaultRubberStampLines
		}
		if a.RubberStampWindow <= 0 {
			a.RubberStampWindow = DefaultRubberStampWindow
		}
		if a.MaxAnnotations <= 0 {
			a.MaxAnnotations = DefaultMaxAnnotations
		}
		if a.ProgressEvery <= 0 {
			a.ProgressEvery = DefaultProgressEvery
		}
		if a.Logger == nil {
			a.Logger = slog.Default()
		}
		if a.Observer == nil {
			a.Observer = NopObserver{}
		}
		if a.Now == nil {
			a.Now = time.Now
		}
		a.profiles = &serialProfiles{p: a.Profiles}
		a.backfills = newBackfills()
		a.policies = &policies{m: map[[32]byte]*policy{}}
	})
}

// Handle runs one webhook job: it decodes the delivery and dispatches it
// by event (see Events). Transient failures (GitHub, Git, the store) are
// returned for the pool to retry; a payload that cannot be handled is
// wrapped with webhooks.Permanent. Deliveries without an installation,
// and events and actions the App does not handle, are skipped.
func (a *App) Handle(ctx context.Context, job *webhooks.Job) error {
	a.init()
	d := job.Delivery
	log := a.Logger.With("delivery", d.ID, "event", d.Event, "action", d.Action,
		"installation", d.InstallationID, "repo", d.Repo)
	if d.InstallationID == 0 {
		log.Info("webhook skipped: no installation in the payload")
		return nil
	}
	h, ok := handlerOf(&d)
	if !ok {
		log.Debug("webhook ignored: event or action not handled")
		return nil
	}
	ev, err := webhooks.Decode(d)
	if err != nil {
		return err
	}
	if err := h.handle(a, withLogger(ctx, log), &d, ev); err != nil {
		return fmt.Errorf("%s %s: %w", d.Event, d.ID, err)
	}
	return nil
}

// Close cancels running backfills and waits for them to stop.
func (a *App) Close() {
	a.init()
	a.backfills.stopAll()
}

// WaitBackfills waits until no backfill is running.
func (a *App) WaitBackfills() {
	a.init()
	a.backfills.wait()
}

// cloneURL returns the HTTPS clone URL of "owner/name".
func (a *App) cloneURL(fullName string) string {
	return strings.TrimSuffix(a.GitURL, "/") + "/" + fullName + ".git"
}

// detailsURL is the App's page for a pull request.
func (a *App) detailsURL(owner, repo string, number int) string {
	if a.PublicURL == "" {
		return ""
	}
	return fmt.Sprintf("%s/pulls/%s/%s/%d", strings.TrimSuffix(a.PublicURL, "/"), owner, repo, number)
}

type logKey struct{}

func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, logKey{}, l)
}

// logger returns the request-scoped logger of ctx.
func (a *App) logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(logKey{}).(*slog.Logger); ok {
		return l
	}
	return a.Logger
}

// splitRepo splits "owner/name".
func splitRepo(full string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(full, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", "", webhooks.Permanent(fmt.Errorf("bad repository name %q", full))
	}
	return owner, name, nil
}
