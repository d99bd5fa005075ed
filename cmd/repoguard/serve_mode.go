package main

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/repoguard/repoguard/configs"
	"github.com/repoguard/repoguard/guard/app"
	"github.com/repoguard/repoguard/guard/web"
	"github.com/repoguard/repoguard/webhooks"
)

// A server started without an App becomes one when the setup page has
// registered it: the routes are swapped for the App's (the webhook
// answers with the new secret; GitHub sign-in is offered when teams are
// set) and the inbox workers start, without a restart.

// swapHandler serves the routes last set.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// poolRunner runs the inbox workers from when the server has them, at
// start or after setup, until shutdown.
type poolRunner struct {
	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	err     error
	stopped bool
}

// start runs p in the background until stop.
func (r *poolRunner) start(p *webhooks.Pool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return errors.New("workers: shutting down")
	}
	if r.done != nil {
		return errors.New("workers: running already")
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		r.err = p.Run(ctx)
		close(r.done)
	}()
	return nil
}

// stop stops the workers, if any ran, and waits until they finished or
// released the jobs in hand; no worker starts after it.
func (r *poolRunner) stop() error {
	r.mu.Lock()
	r.stopped = true
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if done == nil {
		return nil
	}
	cancel()
	<-done
	return r.err
}

// becomeApp makes the server the App of cfg, which names the credentials
// the setup page stored: it builds the App's routes (keeping the one-time
// sign-in when there is no GitHub sign-in), starts the workers, then
// swaps the routes.
func (s *server) becomeApp(cfg *configs.Server, info *web.RegisteredApp) error {
	s.mu.Lock()
	local := s.local
	s.mu.Unlock()
	rt, err := s.build(cfg, local)
	if err != nil {
		return err
	}
	if err := s.workers.start(rt.pool); err != nil {
		rt.app.Close()
		return err
	}
	s.mu.Lock()
	s.app, s.pool, s.local, s.appInfo = rt.app, rt.pool, rt.local, info
	s.mu.Unlock()
	s.handler.set(rt.handler)
	return nil
}

// currentApp is the App the server serves as, nil while none.
func (s *server) currentApp() *app.App {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app
}
