package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/detectors"
	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/app"
	ghapp "github.com/repoguard/repoguard/guard/github"
	"github.com/repoguard/repoguard/guard/notify"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/web"
	"github.com/repoguard/repoguard/webhooks"
)

// runServe runs the GitHub App: the webhook endpoint with its durable
// inbox and workers, the anomaly queue UI and API, health and metrics.
func runServe(e *env, args []string) int {
	fs := newFlagSet(e, "serve", "serve [--config FILE] [--data DIR] [--db FILE]")
	cfgFile := fs.String("config", "", "YAML configuration `FILE`; every setting can also come from REPOGUARD_* variables")
	var store storeFlags
	store.register(fs)
	if _, code, ok := parseArgs(fs, args); !ok {
		return code
	}
	cfg, err := configs.LoadServer(*cfgFile, store.overEnv(os.Getenv))
	if err != nil {
		return fail(e, err)
	}
	srv, err := newServer(e.ctx, cfg, e.stderr)
	if err != nil {
		return fail(e, err)
	}
	if err := srv.run(e.ctx, e.stdout); err != nil {
		return fail(e, err)
	}
	return exitOK
}

// server is a wired `repoguard serve`.
type server struct {
	cfg     *configs.Server // as started
	log     *slog.Logger
	db      *sqlite.DB
	inbox   *sqlite.Inbox
	store   *appStore
	metrics *serverMetrics
	notify  *notify.Notifier
	anchor  *auditAnchor
	// setup is the page that registers the App, for a server started
	// without one; nil otherwise.
	setup *web.Setup
	// handler serves the routes of the server as it is: the setup page
	// replaces them when the server becomes an App.
	handler swapHandler
	workers poolRunner
	// onListen, when set, is told the address run bound (tests listen
	// on port 0).
	onListen func(addr string)

	// mu guards the App's parts, which the setup page sets while
	// serving.
	mu      sync.Mutex
	app     *app.App
	pool    *webhooks.Pool
	local   *web.LocalLogin
	appInfo *web.RegisteredApp
}

func newServer(ctx context.Context, cfg *configs.Server, logOut io.Writer) (*server, error) {
	s := &server{cfg: cfg, log: newLogger(logOut, cfg.LogLevel)}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	// Background checkpoints keep WAL writes out of the webhook's insert.
	db := sqlite.NewDB(cfg.DB)
	db.Checkpoint = time.Second
	key, err := readAuditKey(cfg.AuditKeyFile)
	if err != nil {
		return nil, err
	}
	db.AuditKey = key
	if len(key) == 0 {
		s.log.Warn("no audit key: someone who can write the database can rewrite the audit log and recompute its hashes",
			slog.String("hint", "set REPOGUARD_AUDIT_KEY_FILE to a file holding a random key, before the first entry"))
	}
	s.anchor = newAuditAnchor(s.log, cfg.AuditAnchor.Every, cfg.AuditAnchor.Interval)
	s.anchor.db, db.OnAudit = db, s.anchor.appended
	if err := db.Open(ctx); err != nil {
		return nil, err
	}
	s.db = db
	s.inbox = db.Inbox(sqlite.InboxOptions{})
	s.metrics = newServerMetrics(s.inbox)
	if err := s.wire(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// wire builds the outgoing webhook, the App (when GitHub credentials
// are set) or else the setup page that registers it, and the routes.
func (s *server) wire(ctx context.Context) error {
	cfg := s.cfg
	notifier, err := s.notifier()
	if err != nil {
		return err
	}
	s.notify = notifier
	if notifier != nil {
		s.anchor.notify = notifier
	}
	s.store = &appStore{DB: s.db, metrics: s.metrics, notify: notifier}
	switch {
	case !cfg.AppConfigured():
		s.log.Warn("no GitHub App credentials: serving the anomaly queue, and the setup page that registers the App",
			slog.String("hint", "open the setup link printed at start, or set REPOGUARD_APP_ID, REPOGUARD_PRIVATE_KEY_FILE and REPOGUARD_WEBHOOK_SECRET_FILE"))
		if err := s.newSetup(); err != nil {
			return err
		}
	case cfg.PublicURL == "":
		s.log.Warn("no public URL: check runs will have no details link to the server's pull request page",
			slog.String("hint", "set REPOGUARD_PUBLIC_URL to the server's https address"))
	}
	rt, err := s.build(cfg, nil)
	if err != nil {
		return err
	}
	s.app, s.pool, s.local = rt.app, rt.pool, rt.local
	s.handler.set(rt.handler)
	return nil
}

// routes are the parts of a server that depend on its configuration's
// App.
type routes struct {
	handler http.Handler
	app     *app.App // nil without App credentials
	pool    *webhooks.Pool
	local   *web.LocalLogin // nil with GitHub sign-in
}

// build wires the routes of cfg: health and metrics, the webhook and the
// App with its workers when cfg has App credentials, the anomaly queue,
// and the setup page of a server started without an App. local is the
// one-time sign-in to keep when there is no GitHub sign-in, if any.
func (s *server) build(cfg *configs.Server, local *web.LocalLogin) (*routes, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	rt := &routes{}
	if cfg.AppConfigured() {
		if err := s.wireApp(mux, cfg, rt); err != nil {
			return nil, err
		}
	} else {
		mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "repoguard has no GitHub App credentials yet: register the App from its setup page", http.StatusServiceUnavailable)
		})
	}
	ui, local, err := s.webUI(cfg, rt.app, local)
	if err != nil {
		return nil, err
	}
	rt.local = local
	mux.Handle("/", ui)
	mux.Handle("GET /static/", web.Static())
	if s.setup != nil {
		mux.Handle("/setup", s.setup)
		mux.Handle("/setup/", s.setup)
	}
	rt.handler = mux
	return rt, nil
}

func (s *server) wireApp(mux *http.ServeMux, cfg *configs.Server, rt *routes) error {
	key, err := os.ReadFile(cfg.GitHub.PrivateKeyFile)
	if err != nil {
		return fmt.Errorf("read App private key: %w", err)
	}
	gh, err := ghapp.NewApp(ghapp.AppConfig{AppID: cfg.GitHub.AppID, PrivateKeyPEM: key, BaseURL: cfg.GitHub.APIURL,
		Logger: s.log, Metrics: s.metrics})
	if err != nil {
		return err
	}
	secret, err := cfg.Secret()
	if err != nil {
		return err
	}
	rt.app = &app.App{
		Clients: func(id int64) app.GitHubClient { return gh.Installation(id) },
		Repos: &app.RepoCache{Dir: filepath.Join(cfg.DataDir, "repos"), MaxBytes: cfg.CacheMaxBytes,
			Token: gh.Token, Logger: s.log},
		Store:             s.store,
		Profiles:          sqlite.NewLearner(s.db),
		Detectors:         detectors.All(),
		PublicURL:         cfg.PublicURL,
		GitURL:            cfg.GitHubWebURL(),
		ProtectedBranches: cfg.ProtectedBranches,
		Logger:            s.log,
		Observer:          s.metrics,
	}
	rt.pool = &webhooks.Pool{Inbox: s.inbox, Handle: rt.app.Handle, Workers: cfg.Workers, Grace: cfg.ShutdownGrace,
		Lease: cfg.JobLease, Deadline: cfg.JobDeadline, Observer: s.metrics, Logger: s.log}
	hook, err := webhooks.NewHandler(webhooks.HandlerConfig{Secrets: [][]byte{secret}, Inbox: s.inbox,
		Events: app.Events(), Notify: rt.pool.Notify, Observer: s.metrics, Logger: s.log})
	if err != nil {
		return err
	}
	mux.Handle("POST /webhook", hook)
	return nil
}

// notifier builds the outgoing webhook for new anomalies, or nil.
func (s *server) notifier() (*notify.Notifier, error) {
	n := s.cfg.Notify
	url := n.URL
	if n.URLFile != "" {
		b, err := os.ReadFile(n.URLFile)
		if err != nil {
			return nil, fmt.Errorf("read notify URL: %w", err)
		}
		url = strings.TrimSpace(string(b))
	}
	if url == "" {
		return nil, nil
	}
	ep := notify.Endpoint{URL: url, Format: n.Format, MinSeverity: guard.High}
	if n.MinSeverity != "" {
		ep.MinSeverity, _ = guard.ParseSeverity(n.MinSeverity)
	}
	if n.SecretFile != "" {
		b, err := os.ReadFile(n.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("read notify secret: %w", err)
		}
		ep.Secret = strings.TrimSpace(string(b))
	}
	if err := ep.Validate(); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return notify.New([]notify.Endpoint{ep}, notify.Options{Logger: s.log, BaseURL: s.cfg.PublicURL}), nil
}

func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, _, _, err := s.inbox.Depth(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// run serves until ctx ends, then shuts down gracefully: it stops taking
// requests, lets the workers finish or release the jobs in hand, and
// closes the database.
func (s *server) run(ctx context.Context, out io.Writer) error {
	defer s.db.Close()
	s.pruneInbox(ctx)
	defer s.startPruning()()
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	addr := ln.Addr().String()
	s.log.Info("serving", slog.String("addr", addr), slog.Any("config", *s.cfg), slog.Bool("app", s.app != nil))
	if s.onListen != nil {
		s.onListen(addr)
	}
	s.printLinks(out, addr)
	hs := &http.Server{Handler: &s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 1 << 20}
	defer s.workers.stop()
	if s.pool != nil {
		if err := s.workers.start(s.pool); err != nil {
			return err
		}
	}
	anchorCtx, stopAnchor := context.WithCancel(context.Background())
	defer func() { stopAnchor(); <-s.anchor.done }()
	go s.anchor.run(anchorCtx)
	httpDone := make(chan error, 1)
	go func() { httpDone <- hs.Serve(ln) }()
	select {
	case err := <-httpDone:
		_ = s.workers.stop()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	_ = hs.Shutdown(shutCtx)
	err = s.workers.stop()
	stopAnchor() // the last entries are in: anchor the final head
	<-s.anchor.done
	if a := s.currentApp(); a != nil {
		a.Close()
	}
	if s.notify != nil {
		if err := s.notify.Close(); err != nil {
			s.log.Warn("notifications not delivered at shutdown", slog.String("error", err.Error()))
		}
	}
	s.log.Info("stopped")
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func isLoopbackURL(u string) bool {
	for _, p := range []string{"http://127.0.0.1", "http://localhost", "http://[::1]"} {
		if len(u) >= len(p) && u[:len(p)] == p {
			return true
		}
	}
	return false
}
