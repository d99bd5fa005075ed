package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Registration is a GitHub App that GitHub registered from a manifest,
// with the secrets it hands over once, at the end of the manifest flow.
// String, GoString and LogValue leave the secrets out.
type Registration struct {
	ID    int64
	Slug  string
	Name  string
	Owner string
	// HTMLURL is the App's page on GitHub (https://github.com/apps/SLUG).
	HTMLURL  string
	ClientID string
	// ClientSecret, WebhookSecret and PrivateKeyPEM are secrets.
	ClientSecret  string
	WebhookSecret string
	PrivateKeyPEM []byte
}

// String describes the App without its secrets.
func (r Registration) String() string {
	return fmt.Sprintf("github.Registration{ID: %d, Slug: %q, Owner: %q, ClientID: %q, secrets: [redacted]}",
		r.ID, r.Slug, r.Owner, r.ClientID)
}

// GoString is like String, so that %#v does not print the secrets either.
func (r Registration) GoString() string { return r.String() }

// LogValue implements slog.LogValuer without the secrets.
func (r Registration) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("app_id", r.ID), slog.String("slug", r.Slug), slog.String("owner", r.Owner))
}

// Limits of the conversion's answer: GitHub's is a few kilobytes.
const (
	maxConversionBody = 1 << 20
	conversionTimeout = 30 * time.Second
)

var (
	manifestCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
	appSlug      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,99}$`)
	clientID     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	login        = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,38}$`)
	// secretText is a secret as GitHub makes them: printable ASCII
	// without spaces, so that files holding one can be trimmed.
	secretText = regexp.MustCompile(`^[\x21-\x7e]{1,256}$`)
)

// ConvertManifest finishes GitHub's manifest flow: it exchanges the code
// GitHub sent back to the manifest's redirect URL for the App it
// registered (POST {baseURL}app-manifests/{code}/conversions, which takes
// no credentials), and checks the answer's shape before anything uses
// it. A code works once and for an hour; nothing is retried. baseURL is
// the REST API base (DefaultBaseURL when empty); client is
// http.DefaultClient's transport with a 30 second timeout when nil.
func ConvertManifest(ctx context.Context, client *http.Client, baseURL, code string) (*Registration, error) {
	if !manifestCode.MatchString(code) {
		return nil, errors.New("manifest conversion: the code is not one GitHub makes")
	}
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("manifest conversion: %w", err)
	}
	if client == nil {
		client = &http.Client{Timeout: conversionTimeout}
	}
	u := base.JoinPath("app-manifests", code, "conversions")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("manifest conversion: %w", err)
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "repoguard")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("manifest conversion: %w", stripURL(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxConversionBody+1))
	if err != nil {
		return nil, fmt.Errorf("manifest conversion: read answer: %w", err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("manifest conversion: GitHub answered %s%s", resp.Status, conversionHint(resp.StatusCode, body))
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return nil, fmt.Errorf("manifest conversion: answer is %q, want application/json", truncate(mt, 40))
	}
	if len(body) > maxConversionBody {
		return nil, errors.New("manifest conversion: answer over 1 MiB")
	}
	reg, err := parseRegistration(body)
	if err != nil {
		return nil, fmt.Errorf("manifest conversion: %w", err)
	}
	return reg, nil
}

// stripURL drops the URL, which holds the one-time code, from a
// transport error.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// conversionHint is GitHub's message about a refused code, and what it
// usually means.
func conversionHint(status int, body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	msg := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, truncate(e.Message, 200))
	if msg != "" {
		msg = ": " + msg
	}
	if status == http.StatusNotFound || status == http.StatusUnprocessableEntity {
		msg += " (a code works once, within an hour: register the App again from the setup page)"
	}
	return msg
}

// conversion is the part of GitHub's answer that repoguard uses.
type conversion struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Owner struct {
		Login string `json:"login"`
	} `json:"owner"`
	HTMLURL       string `json:"html_url"`
	ClientID      string `json:"client_id"`
	ClientSecret  string `json:"client_secret"`
	WebhookSecret string `json:"webhook_secret"`
	PEM           string `json:"pem"`
}

// parseRegistration reads GitHub's answer to a manifest conversion and
// checks every field repoguard relies on. Its errors name the field,
// never its value.
func parseRegistration(body []byte) (*Registration, error) {
	var c conversion
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&c); err != nil {
		return nil, errors.New("answer is not the JSON object of an App")
	}
	if dec.More() {
		return nil, errors.New("answer holds more than one JSON value")
	}
	checks := []struct {
		ok    bool
		field string
	}{
		{c.ID > 0, "id"},
		{appSlug.MatchString(c.Slug), "slug"},
		{len(c.Name) <= 200, "name"},
		{c.Owner.Login == "" || login.MatchString(c.Owner.Login), "owner.login"},
		{c.HTMLURL == "" || webURL(c.HTMLURL), "html_url"},
		{clientID.MatchString(c.ClientID), "client_id"},
		{secretText.MatchString(c.ClientSecret), "client_secret"},
		{secretText.MatchString(c.WebhookSecret), "webhook_secret"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return nil, fmt.Errorf("answer has no valid %s", ch.field)
		}
	}
	if _, err := parseKey([]byte(c.PEM)); err != nil {
		return nil, fmt.Errorf("answer has no valid pem: %w", err)
	}
	return &Registration{ID: c.ID, Slug: c.Slug, Name: c.Name, Owner: c.Owner.Login, HTMLURL: c.HTMLURL,
		ClientID: c.ClientID, ClientSecret: c.ClientSecret, WebhookSecret: c.WebhookSecret,
		PrivateKeyPEM: []byte(c.PEM)}, nil
}

// webURL reports whether s is an absolute http(s) URL without
// credentials.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}
