package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/repoguard/repoguard/guard"
	"github.com/repoguard/repoguard/guard/sqlite"
	"github.com/repoguard/repoguard/guard/web"
)

// queueBackend is where the queue commands read and triage anomalies: a
// server's JSON API or the database. Errors wrap guard.ErrNotFound,
// guard.ErrInvalid or guard.ErrForbidden when the store or server says so.
type queueBackend interface {
	list(ctx context.Context, f guard.AnomalyFilter) (*web.AnomalyPage, error)
	show(ctx context.Context, id int64) (*web.AnomalyDetail, error)
	triage(ctx context.Context, id int64, a guard.TriageAction) (*guard.Anomaly, error)
	cases(ctx context.Context, f guard.AnomalyFilter) (*web.CasePage, error)
	showCase(ctx context.Context, id int64) (*web.CaseDetail, error)
	triageCase(ctx context.Context, id int64, a guard.TriageAction) (*web.CaseTriage, error)
	Close() error
}

// queueFlags choose the backend of a queue command.
type queueFlags struct {
	db                   dbFlags
	server, token, actor string
}

// register adds the flags; actor when the command changes the queue.
func (q *queueFlags) register(fs *flag.FlagSet, actor bool) {
	q.db.register(fs)
	fs.StringVar(&q.server, "server", "", "use the API of the server at `URL` (default $REPOGUARD_SERVER unless --db or --data)")
	fs.StringVar(&q.token, "token", "", "API `TOKEN` (default $REPOGUARD_TOKEN, which keeps it out of the process list)")
	if actor {
		fs.StringVar(&q.actor, "actor", "", "with the database, record the change as `NAME` (default $USER)")
	}
}

// backend opens the API client or the database the flags select.
func (q *queueFlags) backend(ctx context.Context) (queueBackend, error) {
	server := q.server
	if server == "" && !q.db.given() {
		server = os.Getenv("REPOGUARD_SERVER")
	}
	if server == "" {
		db, err := q.db.open(ctx)
		if err != nil {
			return nil, err
		}
		return &localQueue{db: db, actor: q.actor}, nil
	}
	switch {
	case q.db.given():
		return nil, errors.New("give --server or --db/--data, not both")
	case q.actor != "":
		return nil, errors.New("--actor applies to the database only: the server records the token's name")
	}
	token := q.token
	if token == "" {
		token = os.Getenv("REPOGUARD_TOKEN")
	}
	if token = strings.TrimSpace(token); token == "" {
		return nil, errors.New("no API token: set $REPOGUARD_TOKEN (or --token); 'repoguard token create' makes one")
	}
	return newAPIQueue(server, token)
}

// localQueue works on the database directly, as actor.
type localQueue struct {
	db    *sqlite.DB
	actor string
}

func (l *localQueue) list(ctx context.Context, f guard.AnomalyFilter) (*web.AnomalyPage, error) {
	as, total, err := l.db.Anomalies(ctx, f)
	return &web.AnomalyPage{Anomalies: orNone(as), Total: total, Limit: f.Limit, Offset: f.Offset}, err
}

func (l *localQueue) show(ctx context.Context, id int64) (*web.AnomalyDetail, error) {
	v := &web.AnomalyDetail{}
	var err error
	if v.Anomaly, err = l.db.Anomaly(ctx, id); err != nil {
		return nil, err
	}
	if v.Comments, err = l.db.Comments(ctx, id); err != nil {
		return nil, err
	}
	v.History, err = l.db.History(ctx, id)
	v.Comments, v.History = orNone(v.Comments), orNone(v.History)
	return v, err
}

func (l *localQueue) triage(ctx context.Context, id int64, a guard.TriageAction) (*guard.Anomaly, error) {
	actor, err := resolveActor(l.actor)
	if err != nil {
		return nil, err
	}
	return l.db.Triage(ctx, id, actor, a)
}

func (l *localQueue) cases(ctx context.Context, f guard.AnomalyFilter) (*web.CasePage, error) {
	cs, total, err := l.db.Cases(ctx, f)
	return &web.CasePage{Cases: orNone(cs), Total: total, Limit: f.Limit, Offset: f.Offset}, err
}

func (l *localQueue) showCase(ctx context.Context, id int64) (*web.CaseDetail, error) {
	v := &web.CaseDetail{}
	var err error
	if v.Case, err = l.db.Case(ctx, id); err != nil {
		return nil, err
	}
	if v.Anomalies, err = l.db.CaseAnomalies(ctx, id); err != nil {
		return nil, err
	}
	v.History, err = l.db.CaseHistory(ctx, id)
	v.Anomalies, v.History = orNone(v.Anomalies), orNone(v.History)
	return v, err
}

func (l *localQueue) triageCase(ctx context.Context, id int64, a guard.TriageAction) (*web.CaseTriage, error) {
	actor, err := resolveActor(l.actor)
	if err != nil {
		return nil, err
	}
	c, as, err := l.db.TriageCase(ctx, id, actor, a)
	return &web.CaseTriage{Case: c, Anomalies: orNone(as)}, err
}

func (l *localQueue) Close() error { return l.db.Close() }

// apiQueue works through a server's JSON API with a bearer token, which
// it never prints.
type apiQueue struct {
	base   *url.URL
	token  string
	client *http.Client
}

// newAPIQueue checks the server URL: plain http only to a loopback
// address, so that the token does not cross a network in the clear.
func newAPIQueue(server, token string) (*apiQueue, error) {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("--server: want an absolute http(s) URL such as https://guard.example.com")
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing to send the API token over plain http to %s: use https", u.Host)
	}
	return &apiQueue{base: u, token: token, client: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (c *apiQueue) list(ctx context.Context, f guard.AnomalyFilter) (*web.AnomalyPage, error) {
	var p web.AnomalyPage
	err := c.do(ctx, http.MethodGet, "anomalies", filterQuery(f), nil, &p)
	p.Anomalies = orNone(p.Anomalies)
	return &p, err
}

func (c *apiQueue) cases(ctx context.Context, f guard.AnomalyFilter) (*web.CasePage, error) {
	var p web.CasePage
	err := c.do(ctx, http.MethodGet, "cases", filterQuery(f), nil, &p)
	p.Cases = orNone(p.Cases)
	return &p, err
}

func (c *apiQueue) showCase(ctx context.Context, id int64) (*web.CaseDetail, error) {
	var v web.CaseDetail
	if err := c.do(ctx, http.MethodGet, "cases/"+strconv.FormatInt(id, 10), nil, nil, &v); err != nil {
		return nil, err
	}
	if v.Case == nil {
		return nil, errors.New("server answered without the case")
	}
	return &v, nil
}

func (c *apiQueue) triageCase(ctx context.Context, id int64, a guard.TriageAction) (*web.CaseTriage, error) {
	var got web.CaseTriage
	if err := c.do(ctx, http.MethodPost, "cases/"+strconv.FormatInt(id, 10)+"/triage", nil, a, &got); err != nil {
		return nil, err
	}
	if got.Case == nil {
		return nil, errors.New("server answered without the case")
	}
	return &got, nil
}

// filterQuery is f as the API's query parameters.
func filterQuery(f guard.AnomalyFilter) url.Values {
	q := url.Values{"status": {"all"}, "limit": {strconv.Itoa(f.Limit)}, "offset": {strconv.Itoa(f.Offset)}}
	if len(f.Status) > 0 {
		st := make([]string, len(f.Status))
		for i, s := range f.Status {
			st[i] = string(s)
		}
		q.Set("status", strings.Join(st, ","))
	}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.MinSeverity > guard.SeverityNone {
		set("severity", f.MinSeverity.String())
	}
	set("repo", f.Repo)
	set("author", f.Author)
	set("detector", f.Detector)
	for k, t := range map[string]time.Time{"since": f.Since, "until": f.Until} {
		if !t.IsZero() {
			set(k, t.Format(time.RFC3339))
		}
	}
	set("sort", f.Sort)
	if f.Desc {
		set("desc", "1")
	}
	if f.IncludeSuppressed {
		set("suppressed", "1")
	}
	return q
}

func (c *apiQueue) show(ctx context.Context, id int64) (*web.AnomalyDetail, error) {
	var v web.AnomalyDetail
	if err := c.do(ctx, http.MethodGet, "anomalies/"+strconv.FormatInt(id, 10), nil, nil, &v); err != nil {
		return nil, err
	}
	if v.Anomaly == nil {
		return nil, errors.New("server answered without the anomaly")
	}
	return &v, nil
}

func (c *apiQueue) triage(ctx context.Context, id int64, a guard.TriageAction) (*guard.Anomaly, error) {
	body := web.TriageRequest{Reason: a.Reason, Assignee: a.Assignee, Body: a.Body}
	var got guard.Anomaly
	err := c.do(ctx, http.MethodPost, "anomalies/"+strconv.FormatInt(id, 10)+"/"+a.Kind, nil, body, &got)
	return &got, err
}

func (c *apiQueue) Close() error { return nil }

// do sends a request to /api/v1/path and decodes the JSON answer into
// out; an error answer becomes an error wrapping the guard sentinel of
// its status.
func (c *apiQueue) do(ctx context.Context, method, path string, q url.Values, body, out any) error {
	u := c.base.JoinPath("api/v1", path)
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("server request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("server: %w", err) // the URL in err has any password stripped
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("server: read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return apiError(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("server: the answer is not the JSON expected (is --server a repoguard server?): %w", err)
	}
	return nil
}

// apiError turns an error answer ({"error": "..."}) into an error.
func apiError(status int, data []byte) error {
	var e web.APIError
	if json.Unmarshal(data, &e) != nil || e.Error == "" {
		return fmt.Errorf("server answered %d %s (is --server a repoguard server?)", status, http.StatusText(status))
	}
	msg := safe(e.Error)
	switch status {
	case http.StatusUnauthorized:
		return fmt.Errorf("the server refused the API token (%s): check $REPOGUARD_TOKEN", msg)
	case http.StatusNotFound:
		if msg == "no such API endpoint" {
			return fmt.Errorf("server: %s (is --server the repoguard server's base URL?)", msg)
		}
		return fmt.Errorf("%w: server: %s", guard.ErrNotFound, msg)
	case http.StatusBadRequest:
		return fmt.Errorf("server: %s (%w)", msg, guard.ErrInvalid)
	case http.StatusForbidden:
		return fmt.Errorf("server: %s (%w)", msg, guard.ErrForbidden)
	}
	return fmt.Errorf("server answered %d: %s", status, msg)
}

// orNone makes a nil slice encode as [].
func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
