package webhooks

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Delivery is one verified webhook delivery as stored in the inbox.
type Delivery struct {
	// ID is the X-GitHub-Delivery GUID; a redelivery keeps it.
	ID string
	// Event is the X-GitHub-Event name ("push", "pull_request", ...).
	Event string
	// Action is the payload's action ("opened", "synchronize"); "" for
	// events without one (push).
	Action string
	// InstallationID is the payload's installation.id, 0 when the
	// payload has none: the job handler decides what to do then.
	InstallationID int64
	// Repo is repository.full_name ("owner/name"), "" for
	// installation-level events.
	Repo string
	// RepoID is repository.id, 0 when absent.
	RepoID int64
	// Sender is sender.login.
	Sender string
	// Body is the raw JSON payload as signed by GitHub.
	Body []byte
	// BodySHA256 is the SHA-256 of the request body whose signature the
	// Handler verified (for a form-encoded delivery, of the whole form).
	// An Inbox refuses a hash it holds under another delivery id: a
	// replay (see ErrReplay). Zero means unknown: no replay check.
	BodySHA256 [sha256.Size]byte
	// ReceivedAt is when the Handler received the delivery.
	ReceivedAt time.Time
}

// SerialKey names the queue the delivery's job is serialized in: jobs of
// the same key run one at a time, in delivery order. It is
// "repo:<repository id>" for repository events (stable across renames),
// "repo:<lowercased full name>" when only the name is known, and
// "installation:<id>" for installation-level events.
func (d Delivery) SerialKey() string {
	switch {
	case d.RepoID != 0:
		return "repo:" + strconv.FormatInt(d.RepoID, 10)
	case d.Repo != "":
		return "repo:" + strings.ToLower(d.Repo)
	default:
		return "installation:" + strconv.FormatInt(d.InstallationID, 10)
	}
}

// HasBodySHA256 reports whether the delivery carries a body hash.
func (d Delivery) HasBodySHA256() bool { return d.BodySHA256 != [sha256.Size]byte{} }

// envelope is the part of every payload the inbox indexes. Unknown fields
// are ignored and every field may be missing or null.
type envelope struct {
	Action       string `json:"action"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
	Repository *struct {
		ID       int64  `json:"id"`
		FullName string `json:"full_name"`
	} `json:"repository"`
	Sender *struct {
		Login string `json:"login"`
	} `json:"sender"`
}

// errMalformed marks a body that is not a JSON object of the expected
// shape.
var errMalformed = errors.New("malformed payload")

// parseEnvelope fills the indexed fields of d from its body.
func parseEnvelope(d *Delivery) error {
	body := bytes.TrimSpace(d.Body)
	if len(body) == 0 || body[0] != '{' {
		return fmt.Errorf("%w: not a JSON object", errMalformed)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%w: %w", errMalformed, err)
	}
	d.Action = env.Action
	if env.Installation != nil {
		d.InstallationID = env.Installation.ID
	}
	if env.Repository != nil {
		d.Repo = env.Repository.FullName
		d.RepoID = env.Repository.ID
	}
	if env.Sender != nil {
		d.Sender = env.Sender.Login
	}
	return nil
}
