// Package webhooks receives GitHub App webhook deliveries and runs them as
// jobs.
//
// # Ingest
//
// Handler is the http.Handler GitHub posts to. For each delivery it
//
//  1. accepts POST only (405 otherwise) and at most MaxBody bytes, GitHub's
//     own 25 MB limit (413 otherwise, nothing stored);
//  2. checks X-Hub-Signature-256, an HMAC-SHA256 of the raw body, in
//     constant time against every accepted secret (several during a
//     rotation) before anything else in the request is looked at: a
//     missing or wrong signature is answered 401 and nothing is stored;
//  3. requires X-GitHub-Delivery and X-GitHub-Event (400);
//  4. answers ping with 200 "pong" and drops events it is not configured
//     to store (HandlerConfig.Events: those the job handler handles) with
//     202, storing neither;
//  5. extracts a small envelope (action, installation, repository, sender)
//     with a tolerant JSON decode (400 when the body is not JSON), and
//     drops with 202 an action of a stored event that is not stored;
//  6. writes the Delivery to the durable inbox, keyed by its delivery id
//     and with the SHA-256 of the verified body, BEFORE answering (on
//     disk, synced: an Enqueue returns nil only then): 202
//     when stored, 200 "duplicate" for a redelivery of a delivery already
//     stored (GitHub's "Redeliver" resends the same id and body), 409
//     "replay" for a body already stored under another delivery id, 503
//     when the store fails, so that GitHub shows a failed delivery an
//     admin can redeliver.
//
// The replay refusal closes a gap in GitHub's signature: it covers the
// body only, not X-GitHub-Delivery nor X-GitHub-Event, so a captured
// delivery resent under a fresh id verifies. A replay is stored nowhere,
// counted with outcome "replay" and logged at warn with both delivery
// ids.
//
// Some payloads carry no installation object (check_run created and
// completed, check_suite completed and push in GitHub's examples; a
// repository webhook that is not an App's). They are stored with
// InstallationID 0 and the job handler decides: it may look the
// installation up by repository or ignore the delivery.
//
// Decode turns a stored Delivery into its go-github event type.
//
// # Jobs
//
// Inbox is the durable queue; guard/sqlite holds the implementation.
// Package inboxtest has a conformance suite every implementation must
// pass, and MemInbox, an inbox in memory for tests. The rules, in short:
// one job per delivery id; jobs with the same Delivery.SerialKey (one
// repository, or one installation for installation-level events) run one
// at a time in delivery order, different keys in parallel; a claimed job
// is leased and becomes claimable again when its lease expires; a failed
// job waits until its retry time and, after too many attempts, rests in a
// dead-letter state with its last error. A body stored under another
// delivery id is refused as a replay (ReplayError). The bodies of
// finished jobs may be pruned after a retention; their ids and body
// hashes are kept for deduplication and replay refusal.
//
// Pool runs workers over an Inbox: it claims jobs, keeps their leases
// alive while the handler runs, completes them, retries failures with
// exponential backoff and jitter, dead-letters what keeps failing,
// recovers handler panics, and on shutdown gives back the jobs it could
// not finish. Every attempt has a deadline (Pool.Deadline, default two
// minutes): its context ends then, and an attempt that fails past it is
// dead-lettered at once with ErrTimedOut rather than retried. Handler.Notify wakes it as soon as a delivery is stored.
//
// Metrics go through the Observer interface, implemented by the caller;
// the package itself depends on nothing but the standard library and
// go-github's types.
package webhooks
