package webhooks

import (
	"fmt"
	"mime"
	"net/url"
)

// jsonPayload returns the JSON payload of a verified body: the body itself
// for application/json (or no content type), the "payload" form field for
// application/x-www-form-urlencoded, the default of webhooks created by
// hand in a repository's settings.
func jsonPayload(contentType string, body []byte) ([]byte, error) {
	if contentType == "" {
		return body, nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("content type %q: %w", clip(contentType), err)
	}
	switch mt {
	case "application/json":
		return body, nil
	case "application/x-www-form-urlencoded":
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("form body: %w", err)
		}
		p := form.Get("payload")
		if p == "" {
			return nil, fmt.Errorf("form body has no payload field")
		}
		return []byte(p), nil
	}
	return nil, fmt.Errorf("unsupported content type %q", clip(mt))
}

// validName reports whether s is a plausible event name or delivery id:
// 1 to 128 characters among letters, digits and "-_.:". Both end up in
// logs and as database keys.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// clip shortens an untrusted header value for a log line.
func clip(s string) string {
	if len(s) > 128 {
		return s[:128] + "..."
	}
	return s
}
