package webhooks

import "time"

// Observer receives metrics events from the Handler and the Pool. The
// caller implements it (for example with Prometheus counters);
// implementations must be safe for concurrent use and fast.
type Observer interface {
	// Delivery is called once per webhook request with the event name
	// (possibly "" when the header is missing) and one of the Outcome
	// constants.
	Delivery(event, outcome string)
	// JobDone is called after each attempt of a job: kind is the event
	// name, d how long the handler ran, err nil on success.
	JobDone(kind string, d time.Duration, err error)
}

// Outcomes of a webhook request, as passed to Observer.Delivery.
const (
	OutcomeStored       = "stored"        // written to the inbox, 202
	OutcomeDuplicate    = "duplicate"     // redelivery already stored, 200
	OutcomeReplay       = "replay"        // body stored under another delivery id, 409
	OutcomePing         = "ping"          // ping answered, 200
	OutcomeDropped      = "dropped"       // event not handled, 202
	OutcomeBadSignature = "bad_signature" // missing or wrong signature, 401
	OutcomeBadRequest   = "bad_request"   // missing headers or malformed body, 400
	OutcomeTooLarge     = "too_large"     // body over the limit, 413
	OutcomeBadMethod    = "bad_method"    // not a POST, 405
	OutcomeStoreError   = "store_error"   // the inbox failed, 503
	OutcomeMisconfig    = "misconfigured" // no secret configured, 500
)

// NopObserver is an Observer that does nothing; it is the default.
type NopObserver struct{}

// Delivery implements Observer.
func (NopObserver) Delivery(event, outcome string) {}

// JobDone implements Observer.
func (NopObserver) JobDone(kind string, d time.Duration, err error) {}

func observerOr(o Observer) Observer {
	if o == nil {
		return NopObserver{}
	}
	return o
}
