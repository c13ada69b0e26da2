package sunshine

import (
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/option"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const (
	testKeyID  = "app_5d8cff3cd55b040010928b5b"
	testSecret = "sunshine-test-secret-4f9c2a7e81d3b6"
	// testBasic is base64(testKeyID + ":" + testSecret).
	testBasic = "YXBwXzVkOGNmZjNjZDU1YjA0MDAxMDkyOGI1YjpzdW5zaGluZS10ZXN0LXNlY3JldC00ZjljMmE3ZTgxZDNiNg=="
	app       = "5d8cff3cd55b040010928b5b"
	conv      = "029c31f25a21b47effd7be90"
	convBase  = USBaseURL + "/v2/apps/" + app + "/conversations/" + conv
)

// The spec's examples.
const (
	joinExample = `{"participant":{"id":"dd2d2b1ae77a3e0a8e3fd0c1","userId":"42589ad070d43be9b00ff7e5","unreadCount":0,"lastRead":"2019-01-14T18:55:12.515Z","clientAssociations":[{"type":"whatsapp","clientId":"5e1e6c47d3ee4f5d5ab7c3c1"}]}}`
	listExample = `{"participants":[{"id":"dd2d2b1ae77a3e0a8e3fd0c1","userId":"42589ad070d43be9b00ff7e5","unreadCount":0,"clientAssociations":[]}],"meta":{"hasMore":false}}`
)

// captured is one request as the mock transport saw it.
type captured struct {
	Method, URL, Query, Body string
	Header                   http.Header
}

// recorder answers every request with the next of its responses (the last
// one repeats) and records what it was sent.
type recorder struct {
	mu    sync.Mutex
	reqs  []captured
	resps []func() (*http.Response, error)
}

func (r *recorder) respond(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, captured{Method: req.Method, URL: req.URL.String(), Query: req.URL.RawQuery, Body: string(body), Header: req.Header.Clone()})
	i := min(len(r.reqs)-1, len(r.resps)-1)
	resp, err := r.resps[i]()
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

func (r *recorder) all() []captured {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]captured(nil), r.reqs...)
}

func (r *recorder) last(t *testing.T) captured {
	t.Helper()
	reqs := r.all()
	if len(reqs) == 0 {
		t.Fatal("no request was sent")
	}
	return reqs[len(reqs)-1]
}

func jsonResp(status int, body string, kv ...string) func() (*http.Response, error) {
	return func() (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r, nil
	}
}

func failResp(err error) func() (*http.Response, error) {
	return func() (*http.Response, error) { return nil, err }
}

// newClient returns a client of USBaseURL on its own mock transport whose
// every request is answered by resps in turn.
func newClient(t *testing.T, resps []func() (*http.Response, error), opts ...option.Option) (*Client, *recorder) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	rec := &recorder{resps: resps}
	if len(rec.resps) == 0 {
		rec.resps = append(rec.resps, jsonResp(599, `{"errors":[{"code":"unexpected","title":"no request expected"}]}`))
	}
	mock.RegisterNoResponder(rec.respond)
	all := append([]option.Option{
		option.WithBaseURL(USBaseURL),
		option.WithHTTPClient(&http.Client{Transport: mock}),
		option.WithRetryWait(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	c, err := New(testKeyID, testSecret, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, rec
}

func wantHeader(t *testing.T, got http.Header, post bool) {
	t.Helper()
	want := map[string]string{
		"Authorization": "Basic " + testBasic,
		"Accept":        "application/json",
		"User-Agent":    clientopt.UserAgent,
	}
	if post {
		want["Content-Type"] = "application/json"
	}
	for k, v := range want {
		if g := got.Values(k); len(g) != 1 || g[0] != v {
			t.Errorf("header %s = %q, want [%q]", k, g, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected header %s: %q", k, got[k])
		}
	}
}
