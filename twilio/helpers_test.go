package twilio

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
)

const (
	testAccountSID = "AC0123456789abcdef0123456789abcdef"
	testAuthToken  = "s3cr3tT0ken5ecret0123456789abcdef"
	// testBasic is base64("AC0123456789abcdef0123456789abcdef:s3cr3tT0ken5ecret0123456789abcdef"),
	// computed independently of the code under test.
	testBasic  = "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzM2NyM3RUMGtlbjVlY3JldDAxMjM0NTY3ODlhYmNkZWY="
	testCH     = "CH0123456789abcdef0123456789abcdef"
	testMB     = "MB0123456789abcdef0123456789abcdef"
	testRL     = "RL0123456789abcdef0123456789abcdef"
	testReqID  = "RQ0123456789abcdef0123456789abcdef"
	baseHost   = "https://conversations.twilio.com"
	userAgent  = "conversekit/0.1.0"
	formCT     = "application/x-www-form-urlencoded"
	acceptJSON = "application/json"
)

// call is one request the mock received, with its body read.
type call struct {
	req  *http.Request
	body string
}

// recorder answers every request to a mock transport (through its
// NoResponder, so every request is counted) and records it.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

func (r *recorder) all() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// answer registers a responder on mock that records each request and then
// returns the i-th response of fns (the last one repeats).
func answer(t *testing.T, mock *httpmock.MockTransport, fns ...httpmock.Responder) *recorder {
	t.Helper()
	rec := &recorder{}
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		rec.mu.Lock()
		i := len(rec.calls)
		rec.calls = append(rec.calls, call{req: req, body: string(body)})
		rec.mu.Unlock()
		if len(fns) == 0 {
			return nil, errors.New("no response configured")
		}
		if i >= len(fns) {
			i = len(fns) - 1
		}
		return fns[i](req)
	})
	return rec
}

// jsonResp returns a responder with status, JSON body and extra header
// pairs.
func jsonResp(status int, body string, kv ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(kv); i += 2 {
			resp.Header.Set(kv[i], kv[i+1])
		}
		resp.Request = req
		return resp, nil
	}
}

func rawResp(status int, contentType, body string, kv ...string) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		if contentType != "" {
			resp.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			resp.Header.Set(kv[i], kv[i+1])
		}
		resp.Request = req
		return resp, nil
	}
}

// newTestClient builds a Client whose attempts go to mock, with short
// retry waits.
func newTestClient(t *testing.T, mock *httpmock.MockTransport, opts ...option.Option) *Client {
	t.Helper()
	all := []option.Option{
		option.WithHTTPClient(&http.Client{Transport: mock}),
		option.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}
	c, err := New(testAccountSID, testAuthToken, append(all, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// wantParamError checks err is a *pathparam.Error for field naming twilio.
func wantParamError(t *testing.T, err error, field string) {
	t.Helper()
	var pe *pathparam.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want *pathparam.Error", err, err)
	}
	if pe.Vendor != "twilio" || pe.Field != field {
		t.Errorf("err vendor/field = %q/%q, want twilio/%q (%v)", pe.Vendor, pe.Field, field, err)
	}
	if !strings.Contains(err.Error(), "twilio") || !strings.Contains(err.Error(), field) {
		t.Errorf("err %q does not name twilio and %s", err, field)
	}
}

func wantNoCalls(t *testing.T, mock *httpmock.MockTransport) {
	t.Helper()
	if n := mock.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent, want 0", n)
	}
}

func withBaseURL(u string) option.Option { return option.WithBaseURL(u) }
