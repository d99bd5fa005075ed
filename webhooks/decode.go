package webhooks

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/google/go-github/v62/github"
)

// Decode parses the body of a stored delivery into its go-github event
// type, for example *github.PushEvent for "push" (as
// github.ParseWebHook names them). Errors name the delivery and its
// event and are Permanent: retrying cannot make a body decode.
//
// GitHub has sent some timestamps as "2006-01-02 15:04:05", without a T or
// a zone (the app object of check_run events in its documented payloads),
// which go-github rejects. When a body fails on a timestamp, Decode reads
// such values as UTC and tries once more; the stored body is not changed.
func Decode(d Delivery) (any, error) {
	ev, err := github.ParseWebHook(d.Event, d.Body)
	var perr *time.ParseError
	if err != nil && errors.As(err, &perr) {
		if fixed := zonelessTime.ReplaceAll(d.Body, []byte(`$1"${2}T${3}Z"`)); len(fixed) != len(d.Body) {
			ev, err = github.ParseWebHook(d.Event, fixed)
		}
	}
	if err != nil {
		return nil, Permanent(fmt.Errorf("decode delivery %s (%s): %w", d.ID, d.Event, err))
	}
	return ev, nil
}

// zonelessTime matches a JSON string that is exactly a zoneless timestamp,
// as an object value or array element.
var zonelessTime = regexp.MustCompile(`([:,\[]\s*)"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)"`)
