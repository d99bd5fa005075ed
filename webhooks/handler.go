package webhooks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"time"
)

// MaxBodyBytes is GitHub's cap on webhook payloads, 25 MB; the Handler
// refuses larger bodies.
const MaxBodyBytes = 25 << 20

// HandlerConfig configures a Handler.
type HandlerConfig struct {
	// Secrets are the accepted webhook secrets, the current one first.
	// During a rotation both the old and the new secret are listed. At
	// least one is required and none may be empty.
	Secrets [][]byte
	// Inbox stores the deliveries. Required.
	Inbox Enqueuer
	// Events are the events and actions stored, those the job handler
	// handles. Required: the rest is answered 202 and dropped.
	Events Events
	// Notify, if set, is called after a new delivery is stored, to wake
	// the workers (Pool.Notify).
	Notify func()
	// MaxBody caps the body in bytes; 0 means MaxBodyBytes.
	MaxBody int64
	// StoreTimeout bounds Enqueue; 0 means 5 seconds. The store runs even
	// when GitHub hangs up first, so that a redelivery finds it done.
	StoreTimeout time.Duration
	// Observer receives an outcome per request; nil means NopObserver.
	Observer Observer
	// Logger logs each delivery; nil means slog.Default().
	Logger *slog.Logger
	// Now stamps Delivery.ReceivedAt; nil means time.Now.
	Now func() time.Time
}

// Handler is the http.Handler for GitHub webhook deliveries; see the
// package documentation for what it answers. Build it with NewHandler.
type Handler struct {
	cfg HandlerConfig
}

// NewHandler checks cfg, fills in defaults and returns the Handler.
func NewHandler(cfg HandlerConfig) (*Handler, error) {
	if len(cfg.Secrets) == 0 {
		return nil, errors.New("webhooks: no webhook secret configured")
	}
	for i, s := range cfg.Secrets {
		if len(s) == 0 {
			return nil, fmt.Errorf("webhooks: webhook secret %d is empty", i)
		}
	}
	if cfg.Inbox == nil {
		return nil, errors.New("webhooks: handler needs an inbox")
	}
	if len(cfg.Events) == 0 {
		return nil, errors.New("webhooks: handler needs the events to store")
	}
	h := &Handler{cfg: cfg}
	h.cfg.Events = maps.Clone(cfg.Events)
	if h.cfg.MaxBody <= 0 {
		h.cfg.MaxBody = MaxBodyBytes
	}
	if h.cfg.StoreTimeout <= 0 {
		h.cfg.StoreTimeout = 5 * time.Second
	}
	h.cfg.Observer = observerOr(cfg.Observer)
	if h.cfg.Logger == nil {
		h.cfg.Logger = slog.Default()
	}
	if h.cfg.Now == nil {
		h.cfg.Now = time.Now
	}
	return h, nil
}

// ServeHTTP verifies, indexes and stores one delivery. The event name
// passed to the Observer is "" until the signature is verified, so that
// unauthenticated callers cannot create metric labels.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h == nil || len(h.cfg.Secrets) == 0 || h.cfg.Inbox == nil {
		reply(w, http.StatusInternalServerError, "webhook handler not configured")
		return
	}
	log := h.cfg.Logger
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.answer(w, http.StatusMethodNotAllowed, "", OutcomeBadMethod, "method not allowed")
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			log.Warn("webhook body too large", "remote", r.RemoteAddr, "limit", h.cfg.MaxBody)
			h.answer(w, http.StatusRequestEntityTooLarge, "", OutcomeTooLarge, "payload too large")
			return
		}
		h.answer(w, http.StatusBadRequest, "", OutcomeBadRequest, "cannot read body")
		return
	}
	if !VerifySignature(r.Header.Get(SignatureHeader), body, h.cfg.Secrets) {
		log.Warn("webhook signature rejected", "remote", r.RemoteAddr,
			"delivery", clip(r.Header.Get("X-GitHub-Delivery")))
		h.answer(w, http.StatusUnauthorized, "", OutcomeBadSignature, "bad signature")
		return
	}
	h.accept(w, r, body)
}

// accept handles a delivery whose signature is verified.
func (h *Handler) accept(w http.ResponseWriter, r *http.Request, body []byte) {
	event := r.Header.Get("X-GitHub-Event")
	id := r.Header.Get("X-GitHub-Delivery")
	log := h.cfg.Logger.With("delivery", clip(id), "event", clip(event))
	if !validName(event) || !validName(id) {
		log.Warn("webhook without valid X-GitHub-Event or X-GitHub-Delivery")
		h.answer(w, http.StatusBadRequest, "", OutcomeBadRequest, "missing or invalid X-GitHub-Event or X-GitHub-Delivery")
		return
	}
	if event == "ping" {
		log.Info("webhook ping")
		h.answer(w, http.StatusOK, event, OutcomePing, "pong")
		return
	}
	if _, ok := h.cfg.Events[event]; !ok {
		h.drop(w, log, event, "")
		return
	}
	payload, err := jsonPayload(r.Header.Get("Content-Type"), body)
	if err == nil {
		d := Delivery{ID: id, Event: event, Body: payload, BodySHA256: sha256.Sum256(body), ReceivedAt: h.cfg.Now().UTC()}
		if err = parseEnvelope(&d); err == nil {
			if !h.cfg.Events.Has(event, d.Action) {
				h.drop(w, log, event, d.Action)
				return
			}
			h.store(w, r.Context(), log, d)
			return
		}
	}
	log.Warn("webhook payload rejected", "err", err)
	h.answer(w, http.StatusBadRequest, event, OutcomeBadRequest, "malformed payload")
}

// drop answers a delivery of an event or action that is not stored.
func (h *Handler) drop(w http.ResponseWriter, log *slog.Logger, event, action string) {
	log.Debug("webhook dropped: event or action not handled", "action", clip(action))
	h.answer(w, http.StatusAccepted, event, OutcomeDropped, "event ignored")
}

// store writes d to the inbox and answers.
func (h *Handler) store(w http.ResponseWriter, ctx context.Context, log *slog.Logger, d Delivery) {
	log = log.With("action", d.Action, "installation", d.InstallationID, "repo", d.Repo)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.cfg.StoreTimeout)
	defer cancel()
	dup, err := h.cfg.Inbox.Enqueue(ctx, d)
	var replay *ReplayError
	switch {
	case errors.As(err, &replay):
		log.Warn("webhook replay refused", "original", replay.Original)
		h.answer(w, http.StatusConflict, d.Event, OutcomeReplay, "replay of an earlier delivery under a new id, refused")
	case err != nil:
		log.Error("webhook not stored", "err", err)
		h.answer(w, http.StatusServiceUnavailable, d.Event, OutcomeStoreError, "cannot store delivery, redeliver later")
	case dup:
		log.Info("webhook redelivery ignored")
		h.answer(w, http.StatusOK, d.Event, OutcomeDuplicate, "duplicate")
	default:
		log.Info("webhook stored")
		if h.cfg.Notify != nil {
			h.cfg.Notify()
		}
		h.answer(w, http.StatusAccepted, d.Event, OutcomeStored, "accepted")
	}
}

// readBody reads at most MaxBody bytes of the body.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > h.cfg.MaxBody {
		return nil, &http.MaxBytesError{Limit: h.cfg.MaxBody}
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.cfg.MaxBody))
	if err != nil {
		return nil, fmt.Errorf("read webhook body: %w", err)
	}
	return buf.Bytes(), nil
}

func (h *Handler) answer(w http.ResponseWriter, code int, event, outcome, msg string) {
	h.cfg.Observer.Delivery(event, outcome)
	reply(w, code, msg)
}

func reply(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}
