package intercom

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testToken = "tok_SECRET_4f9a2c7e1b"

// seed request and response of "Attach a contact to a conversation".
const (
	seedRequest  = `{"admin_id":"781236","customer":{"intercom_user_id":"58c1c78946a0aa9ef45b098a"}}`
	seedResponse = `{"customers":[  {"type":"user","id":"597f02cb22f4bb37597e0b7d"},   {"type":"lead","id":"58ff3f670f14ab4f1aa83750"}]}`
)

// recorded is one request as the mock saw it, body read.
type recorded struct {
	req  *http.Request
	body string
	at   time.Time
}

// recorder answers every request with the next of its responders (the last
// one repeats) and records what it saw.
type recorder struct {
	mu    sync.Mutex
	reqs  []recorded
	resps []httpmock.Responder
}

func (r *recorder) respond(req *http.Request) (*http.Response, error) {
	var body string
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req: req, body: body, at: time.Now()})
	i := len(r.reqs) - 1
	if i >= len(r.resps) {
		i = len(r.resps) - 1
	}
	resp := r.resps[i]
	r.mu.Unlock()
	return resp(req)
}

func (r *recorder) last(t *testing.T) recorded {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	return r.reqs[len(r.reqs)-1]
}

// setup returns a client whose every attempt goes to one fresh mock
// transport answered by resps in order.
func setup(t *testing.T, resps []httpmock.Responder, opts ...option.Option) (*Client, *httpmock.MockTransport, *recorder) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	rec := &recorder{resps: resps}
	mock.RegisterNoResponder(rec.respond)
	all := append([]option.Option{
		option.WithHTTPClient(&http.Client{Transport: mock}),
		option.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := New(testToken, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mock, rec
}

func jsonResponder(status int, body string, kv ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r, nil
	}
}

func rawResponder(status int, body string, kv ...string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r, nil
	}
}

func ok(body string) []httpmock.Responder {
	return []httpmock.Responder{jsonResponder(200, body)}
}

func checkHeaders(t *testing.T, req *http.Request, want map[string]string) {
	t.Helper()
	var got, wantKeys []string
	for k := range req.Header {
		got = append(got, k)
	}
	for k, v := range want {
		wantKeys = append(wantKeys, http.CanonicalHeaderKey(k))
		if vs := req.Header.Values(k); len(vs) != 1 || vs[0] != v {
			t.Errorf("header %s = %q, want [%q]", k, vs, v)
		}
	}
	sort.Strings(got)
	sort.Strings(wantKeys)
	if !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("header keys = %v, want %v", got, wantKeys)
	}
}

func wireHeaders(version string) map[string]string {
	return map[string]string{
		"Authorization":    "Bearer " + testToken,
		"Accept":           "application/json",
		"Content-Type":     "application/json",
		"User-Agent":       clientopt.UserAgent,
		"Intercom-Version": version,
	}
}

func TestAttachContactWire(t *testing.T) {
	tests := []struct {
		name string
		body AttachContactBody
		want string
	}{
		{"seed: admin, customer by intercom_user_id",
			AdminAttach("781236", CustomerByIntercomUserID("58c1c78946a0aa9ef45b098a")), seedRequest},
		{"admin, customer by user_id",
			AdminAttach("781236", CustomerByUserID("ext-42")), `{"admin_id":"781236","customer":{"user_id":"ext-42"}}`},
		{"admin, customer by email",
			AdminAttach("781236", CustomerByEmail("jane@example.com")), `{"admin_id":"781236","customer":{"email":"jane@example.com"}}`},
		{"contact by intercom_user_id, customer by email",
			ContactAttach(CustomerByIntercomUserID("5f1a"), CustomerByEmail("jane@example.com")), `{"customer":{"email":"jane@example.com"},"intercom_user_id":"5f1a"}`},
		{"contact by user_id, customer by intercom_user_id",
			ContactAttach(CustomerByUserID("ext-1"), CustomerByIntercomUserID("58c1")), `{"customer":{"intercom_user_id":"58c1"},"user_id":"ext-1"}`},
		{"contact by email, customer by user_id",
			ContactAttach(CustomerByEmail("bob@example.com"), CustomerByUserID("ext-2")), `{"customer":{"user_id":"ext-2"},"email":"bob@example.com"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, rec := setup(t, ok(seedResponse))
			got, err := c.AttachContact(context.Background(), "123456789", tt.body)
			if err != nil {
				t.Fatalf("AttachContact: %v", err)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Fatalf("calls = %d, want 1", n)
			}
			r := rec.last(t)
			if r.req.Method != http.MethodPost {
				t.Errorf("method = %s", r.req.Method)
			}
			if r.req.URL.Scheme != "https" || r.req.URL.Host != "api.intercom.io" || r.req.URL.EscapedPath() != "/conversations/123456789/customers" || r.req.URL.RawQuery != "" {
				t.Errorf("URL = %s", r.req.URL)
			}
			checkHeaders(t, r.req, wireHeaders("2.14"))
			if r.body != tt.want {
				t.Errorf("body = %s\nwant   %s", r.body, tt.want)
			}
			if b, err := tt.body.MarshalJSON(); err != nil || string(b) != tt.want {
				t.Errorf("MarshalJSON = %s, %v", b, err)
			}
			if len(got.Customers) != 2 {
				t.Fatalf("customers = %+v", got)
			}
		})
	}
}

func TestDetachContactWire(t *testing.T) {
	c, mock, rec := setup(t, ok(`{"customers":[{"type":"user","id":"597f02cb22f4bb37597e0b7d"}]}`))
	got, err := c.DetachContact(context.Background(), "123456789", "58c1c78946a0aa9ef45b098a", "781236")
	if err != nil {
		t.Fatalf("DetachContact: %v", err)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Fatalf("calls = %d, want 1", n)
	}
	r := rec.last(t)
	if r.req.Method != http.MethodDelete {
		t.Errorf("method = %s", r.req.Method)
	}
	if r.req.URL.String() != "https://api.intercom.io/conversations/123456789/customers/58c1c78946a0aa9ef45b098a" {
		t.Errorf("URL = %s", r.req.URL)
	}
	checkHeaders(t, r.req, wireHeaders("2.14"))
	if want := `{"admin_id":"781236"}`; r.body != want {
		t.Errorf("body = %s, want %s", r.body, want)
	}
	want := &CustomersList{Customers: []CustomerRef{{Type: "user", ID: "597f02cb22f4bb37597e0b7d"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestPathEscaping(t *testing.T) {
	tests := []struct{ id, escaped string }{
		{"a/b", "a%2Fb"},
		{"what?x=1", "what%3Fx=1"},
		{"frag#ment", "frag%23ment"},
		{"with space", "with%20space"},
		{"ünïcødé", "%C3%BCn%C3%AFc%C3%B8d%C3%A9"},
		{"100%", "100%25"},
		{"...", "..."},
		{"../x", "..%2Fx"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, _, rec := setup(t, ok(seedResponse))
			if _, err := c.AttachContact(context.Background(), tt.id, AdminAttach("1", CustomerByEmail("a@b.c"))); err != nil {
				t.Fatalf("AttachContact: %v", err)
			}
			r := rec.last(t)
			if got, want := r.req.URL.EscapedPath(), "/conversations/"+tt.escaped+"/customers"; got != want {
				t.Errorf("attach path = %s, want %s", got, want)
			}
			if r.req.URL.RawQuery != "" || r.req.URL.Fragment != "" {
				t.Errorf("query %q fragment %q leaked out of the segment", r.req.URL.RawQuery, r.req.URL.Fragment)
			}
			if _, err := c.DetachContact(context.Background(), tt.id, tt.id, "1"); err != nil {
				t.Fatalf("DetachContact: %v", err)
			}
			r = rec.last(t)
			if got, want := r.req.URL.EscapedPath(), "/conversations/"+tt.escaped+"/customers/"+tt.escaped; got != want {
				t.Errorf("detach path = %s, want %s", got, want)
			}
			if segs := strings.Split(strings.TrimPrefix(r.req.URL.EscapedPath(), "/"), "/"); len(segs) != 4 {
				t.Errorf("detach path has %d segments: %v", len(segs), segs)
			}
		})
	}
}

func TestDecodeResponses(t *testing.T) {
	tests := []struct {
		name string
		resp httpmock.Responder
		want []CustomerRef
	}{
		{"seed", jsonResponder(200, seedResponse), []CustomerRef{
			{Type: "user", ID: "597f02cb22f4bb37597e0b7d"}, {Type: "lead", ID: "58ff3f670f14ab4f1aa83750"}}},
		{"unknown role and fields", jsonResponder(200, `{"type":"customers.list","customers":[{"type":"visitor","id":"v1","name":"x"},{"type":"user","id":"u1"}],"total_count":2}`),
			[]CustomerRef{{Type: "visitor", ID: "v1"}, {Type: "user", ID: "u1"}}},
		{"no Content-Type", rawResponder(200, seedResponse), []CustomerRef{
			{Type: "user", ID: "597f02cb22f4bb37597e0b7d"}, {Type: "lead", ID: "58ff3f670f14ab4f1aa83750"}}},
		{"malformed rate-limit headers", jsonResponder(200, seedResponse, "X-RateLimit-Limit", "lots", "X-RateLimit-Remaining", "-", "X-RateLimit-Reset", "soon"),
			[]CustomerRef{{Type: "user", ID: "597f02cb22f4bb37597e0b7d"}, {Type: "lead", ID: "58ff3f670f14ab4f1aa83750"}}},
		{"empty list", jsonResponder(200, `{"customers":[]}`), []CustomerRef{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := setup(t, []httpmock.Responder{tt.resp})
			got, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
			if err != nil {
				t.Fatalf("AttachContact: %v", err)
			}
			if !reflect.DeepEqual(got.Customers, tt.want) {
				t.Errorf("customers = %+v, want %+v", got.Customers, tt.want)
			}
			got, err = c.DetachContact(context.Background(), "1", "2", "3")
			if err != nil {
				t.Fatalf("DetachContact: %v", err)
			}
			if !reflect.DeepEqual(got.Customers, tt.want) {
				t.Errorf("detach customers = %+v, want %+v", got.Customers, tt.want)
			}
		})
	}
}

func TestUndecodableSuccessBody(t *testing.T) {
	for _, resp := range []httpmock.Responder{
		jsonResponder(200, `{"customers":[{"type":`),
		rawResponder(200, `<html>ok</html>`),
		jsonResponder(200, `{"customers":"nope"}`),
	} {
		c, _, _ := setup(t, []httpmock.Responder{resp})
		_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
		if err == nil || !strings.HasPrefix(err.Error(), "intercom: ") {
			t.Errorf("err = %v, want an intercom error", err)
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			t.Errorf("a 200 is not an *APIError: %v", err)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name                        string
		status                      int
		body                        string
		hdr                         []string
		code, message, field, reqID string
	}{
		{"401 unauthorized", 401, `{"type":"error.list","request_id":"b3c2e5e0-0b4e","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`, nil,
			"unauthorized", "Access Token Invalid", "", "b3c2e5e0-0b4e"},
		{"403 api_plan_restricted", 403, `{"type":"error.list","request_id":"req-403","errors":[{"code":"api_plan_restricted","message":"Active subscription needed."}]}`, nil,
			"api_plan_restricted", "Active subscription needed.", "", "req-403"},
		{"404 not_found, null request_id, X-Request-Id", 404, `{"type":"error.list","request_id":null,"errors":[{"code":"not_found","message":"Resource Not Found"}]}`, []string{"X-Request-Id", "hdr-req-1"},
			"not_found", "Resource Not Found", "", "hdr-req-1"},
		{"422 parameter_invalid with field", 422, `{"type":"error.list","request_id":"req-422","errors":[{"code":"parameter_invalid","message":"Customer email is invalid","field":"customer.email"},{"code":"other","message":"second"}]}`, nil,
			"parameter_invalid", "Customer email is invalid", "customer.email", "req-422"},
		{"400 intercom_version_invalid", 400, `{"type":"error.list","request_id":"req-400","errors":[{"code":"intercom_version_invalid","message":"The requested version could not be found"}]}`, nil,
			"intercom_version_invalid", "The requested version could not be found", "", "req-400"},
		{"HTML 503", 503, "<html><body><h1>503 Service Unavailable</h1></body></html>", []string{"Content-Type", "text/html"},
			"", "", "", ""},
		{"empty 500", 500, "", nil, "", "", "", ""},
		{"wrong types", 400, `{"type":1,"request_id":42,"errors":[{"code":7,"message":["x"],"field":null}]}`, nil, "7", "", "", "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, _ := setup(t, []httpmock.Responder{jsonResponder(tt.status, tt.body, tt.hdr...)})
			_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code || apiErr.Message != tt.message || apiErr.Field != tt.field || apiErr.RequestID != tt.reqID {
				t.Errorf("got status %d code %q message %q field %q request %q", apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.Field, apiErr.RequestID)
			}
			if apiErr.Vendor != "intercom" || string(apiErr.Body) != tt.body {
				t.Errorf("vendor %q body %q", apiErr.Vendor, apiErr.Body)
			}
			if n := mock.GetTotalCallCount(); n != 1 || apiErr.Attempts != 1 {
				t.Errorf("calls = %d, attempts = %d, want 1 (POST is not retried on %d)", n, apiErr.Attempts, tt.status)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(tt.status)) {
				t.Errorf("Error() = %q lacks the status", err)
			}
		})
	}
}

func TestDetachNotFound(t *testing.T) {
	c, _, _ := setup(t, []httpmock.Responder{jsonResponder(404, `{"type":"error.list","request_id":"r1","errors":[{"code":"not_found","message":"User Not Found"}]}`)})
	_, err := c.DetachContact(context.Background(), "1", "missing", "781236")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Message != "User Not Found" || apiErr.RequestID != "r1" {
		t.Fatalf("err = %#v", err)
	}
}

func TestTokenNeverInError(t *testing.T) {
	body := `{"type":"error.list","request_id":"Bearer ` + testToken + `","errors":[{"code":"` + testToken + `","message":"bad token ` + testToken + `","field":"` + testToken + `"}]}`
	c, _, _ := setup(t, []httpmock.Responder{jsonResponder(401, body)})
	_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("Error() leaks the token: %s", err)
	}
	if apiErr.Message != "bad token [redacted]" {
		t.Errorf("Message = %q", apiErr.Message)
	}
}

func TestInvalidPathParameters(t *testing.T) {
	bad := []struct{ name, v, reason string }{
		{"empty", "", "must not be empty"},
		{"dot", ".", "not allowed"},
		{"dotdot", "..", "not allowed"},
		{"NUL", "a\x00b", "control character"},
		{"newline", "12\n", "control character"},
		{"DEL", "a\x7fb", "control character"},
		{"too long", strings.Repeat("1", pathparam.MaxLen+1), "longer than"},
		{"invalid UTF-8", "\xff\xfe", "UTF-8"},
	}
	body := AdminAttach("781236", CustomerByIntercomUserID("58c1"))
	for _, b := range bad {
		calls := []struct {
			field string
			call  func(*Client) error
		}{
			{"conversationID", func(c *Client) error {
				_, err := c.AttachContact(context.Background(), b.v, body)
				return err
			}},
			{"conversationID", func(c *Client) error {
				_, err := c.DetachContact(context.Background(), b.v, "58c1", "781236")
				return err
			}},
			{"contactID", func(c *Client) error {
				_, err := c.DetachContact(context.Background(), "123", b.v, "781236")
				return err
			}},
		}
		for i, call := range calls {
			t.Run(b.name+"/"+strconv.Itoa(i), func(t *testing.T) {
				c, mock, _ := setup(t, ok(seedResponse))
				err := call.call(c)
				checkArgError(t, err, call.field, b.reason)
				if n := mock.GetTotalCallCount(); n != 0 {
					t.Errorf("calls = %d, want 0", n)
				}
			})
		}
	}
}

func checkArgError(t *testing.T, err error, field, reason string) {
	t.Helper()
	var pe *pathparam.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want *pathparam.Error", err, err)
	}
	if pe.Vendor != "intercom" || pe.Field != field {
		t.Errorf("vendor %q field %q, want intercom %q", pe.Vendor, pe.Field, field)
	}
	if msg := err.Error(); !strings.Contains(msg, "intercom") || !strings.Contains(msg, field) || !strings.Contains(msg, reason) {
		t.Errorf("Error() = %q, want intercom, %q and %q", msg, field, reason)
	}
}

func TestInvalidBodies(t *testing.T) {
	good := CustomerByIntercomUserID("58c1")
	tests := []struct {
		name   string
		body   AttachContactBody
		field  string
		reason string
	}{
		{"zero body", AttachContactBody{}, "attach contact body", "unset"},
		{"empty admin_id", AdminAttach("", good), "admin_id", "must not be empty"},
		{"blank admin_id", AdminAttach(" \t", good), "admin_id", "is blank"},
		{"admin_id with newline", AdminAttach("78\n1", good), "admin_id", "control character"},
		{"admin, zero customer", AdminAttach("781236", Customer{}), "customer", "unset"},
		{"admin, empty intercom_user_id", AdminAttach("781236", CustomerByIntercomUserID("")), "customer.intercom_user_id", "must not be empty"},
		{"admin, blank user_id", AdminAttach("781236", CustomerByUserID("  ")), "customer.user_id", "is blank"},
		{"admin, empty email", AdminAttach("781236", CustomerByEmail("")), "customer.email", "must not be empty"},
		{"admin, invalid UTF-8 email", AdminAttach("781236", CustomerByEmail("\xff@x")), "customer.email", "UTF-8"},
		{"contact, zero actor", ContactAttach(Customer{}, good), "actor", "unset"},
		{"contact, empty actor user_id", ContactAttach(CustomerByUserID(""), good), "actor.user_id", "must not be empty"},
		{"contact, empty actor email", ContactAttach(CustomerByEmail(""), good), "actor.email", "must not be empty"},
		{"contact, empty actor intercom_user_id", ContactAttach(CustomerByIntercomUserID(""), good), "actor.intercom_user_id", "must not be empty"},
		{"contact, zero customer", ContactAttach(CustomerByEmail("a@b.c"), Customer{}), "customer", "unset"},
		{"contact, empty customer email", ContactAttach(CustomerByEmail("a@b.c"), CustomerByEmail("")), "customer.email", "must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, _ := setup(t, ok(seedResponse))
			_, err := c.AttachContact(context.Background(), "123", tt.body)
			checkArgError(t, err, tt.field, tt.reason)
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("calls = %d, want 0", n)
			}
			if _, err := tt.body.MarshalJSON(); err == nil {
				t.Error("MarshalJSON accepted the invalid body")
			}
		})
	}
	t.Run("detach empty admin_id", func(t *testing.T) {
		c, mock, _ := setup(t, ok(seedResponse))
		_, err := c.DetachContact(context.Background(), "123", "58c1", " ")
		checkArgError(t, err, "admin_id", "is blank")
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("calls = %d, want 0", n)
		}
	})
}

func TestCustomerString(t *testing.T) {
	if got := CustomerByEmail("a@b.c").String(); got != "email=a@b.c" {
		t.Errorf("String = %q", got)
	}
	if got := (Customer{}).String(); got != "<unset>" {
		t.Errorf("zero String = %q", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock, rec := setup(t, []httpmock.Responder{
			jsonResponder(429, `{"type":"error.list","request_id":null,"errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`, "Retry-After", "1"),
			jsonResponder(200, seedResponse),
		})
		start := time.Now()
		got, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("AttachContact: %v", err)
		}
		if len(got.Customers) != 2 {
			t.Errorf("customers = %+v", got)
		}
		if n := mock.GetTotalCallCount(); n != 2 {
			t.Errorf("calls = %d, want 2", n)
		}
		if elapsed < 950*time.Millisecond {
			t.Errorf("elapsed %s, want >= 1s (Retry-After: 1)", elapsed)
		}
		if rec.reqs[0].body != rec.reqs[1].body {
			t.Errorf("retried body differs: %q vs %q", rec.reqs[0].body, rec.reqs[1].body)
		}
	})
}

func TestRateLimitResetHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Off a whole second (a bubble starts on one), so that the wait runs
		// to the next whole second, as with a real clock.
		time.Sleep(300 * time.Millisecond)
		// The window resets at the next whole second at least one second away.
		reset := time.Now().Add(time.Second).Truncate(time.Second).Add(time.Second)
		c, mock, rec := setup(t, []httpmock.Responder{
			jsonResponder(429, `{"type":"error.list","request_id":"r","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`,
				"X-RateLimit-Limit", "10000", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10)),
			jsonResponder(200, seedResponse),
		})
		start := time.Now()
		if _, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c"))); err != nil {
			t.Fatalf("AttachContact: %v", err)
		}
		if n := mock.GetTotalCallCount(); n != 2 {
			t.Fatalf("calls = %d, want 2", n)
		}
		second := rec.reqs[1].at
		if second.Before(reset.Add(-50 * time.Millisecond)) {
			t.Errorf("retried at %s, before the reset at %s", second.Format(time.StampMilli), reset.Format(time.StampMilli))
		}
		if elapsed := time.Since(start); elapsed > reset.Sub(start)+time.Second {
			t.Errorf("elapsed %s, want about %s", elapsed, reset.Sub(start))
		}
	})
}

func TestPost503NotRetried(t *testing.T) {
	c, mock, _ := setup(t, []httpmock.Responder{jsonResponder(503, `{"type":"error.list","request_id":"r","errors":[{"code":"service_unavailable","message":"Sorry, the API service is temporarily unavailable"}]}`)})
	_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Code != "service_unavailable" {
		t.Fatalf("err = %v", err)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want exactly 1", n)
	}
}

func TestDelete5xxRetried(t *testing.T) {
	c, mock, _ := setup(t, []httpmock.Responder{rawResponder(502, "<html>bad gateway</html>"), jsonResponder(200, seedResponse)})
	got, err := c.DetachContact(context.Background(), "1", "2", "3")
	if err != nil {
		t.Fatalf("DetachContact: %v", err)
	}
	if len(got.Customers) != 2 {
		t.Errorf("customers = %+v", got)
	}
	if n := mock.GetTotalCallCount(); n != 2 {
		t.Errorf("calls = %d, want 2", n)
	}
}

func TestRetryAfterPastDeadline(t *testing.T) {
	c, mock, _ := setup(t, []httpmock.Responder{jsonResponder(429, `{"type":"error.list","request_id":"r429","errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`, "Retry-After", "30")})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.AttachContact(ctx, "1", AdminAttach("1", CustomerByEmail("a@b.c")))
	if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
		t.Errorf("returned after %s, want well under a second", elapsed)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want *APIError", err, err)
	}
	if !strings.Contains(err.Error(), "rate limited") || apiErr.RetryAfter != 30*time.Second || apiErr.StatusCode != 429 || apiErr.Code != "rate_limit_exceeded" {
		t.Errorf("err = %q, RetryAfter %s", err, apiErr.RetryAfter)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
}

func TestTransportFailure(t *testing.T) {
	boom := errors.New("connection reset by peer")
	t.Run("POST not retried", func(t *testing.T) {
		c, mock, _ := setup(t, []httpmock.Responder{httpmock.NewErrorResponder(boom)})
		_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "intercom: ") {
			t.Fatalf("err = %v, want the transport error", err)
		}
		if n := mock.GetTotalCallCount(); n != 1 {
			t.Errorf("calls = %d, want 1", n)
		}
	})
	t.Run("DELETE retried", func(t *testing.T) {
		c, mock, _ := setup(t, []httpmock.Responder{httpmock.NewErrorResponder(boom)}, option.WithMaxRetries(2))
		_, err := c.DetachContact(context.Background(), "1", "2", "3")
		if !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "intercom: ") {
			t.Fatalf("err = %v, want the transport error", err)
		}
		if n := mock.GetTotalCallCount(); n != 3 {
			t.Errorf("calls = %d, want 3", n)
		}
	})
	t.Run("canceled context", func(t *testing.T) {
		c, mock, _ := setup(t, ok(seedResponse))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.DetachContact(ctx, "1", "2", "3")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("calls = %d, want 0", n)
		}
	})
}

func TestNewRefuses(t *testing.T) {
	hc := option.WithHTTPClient(&http.Client{Transport: httpmock.NewMockTransport()})
	tests := []struct {
		name  string
		token string
		opts  []option.Option
		want  string
	}{
		{"empty token", "", nil, "token"},
		{"blank token", " \t ", nil, "token"},
		{"token with newline", "tok\nX-Evil: 1", nil, "token"},
		{"token with NUL", "tok\x00", nil, "token"},
		{"token with spaces around", " tok ", nil, "token"},
		{"nil option", "tok", []option.Option{hc, nil}, "opts[1]: nil option"},
		{"plain http", "tok", []option.Option{option.WithBaseURL("http://api.intercom.io")}, "https"},
		{"garbage URL", "tok", []option.Option{option.WithBaseURL("::not a url")}, "WithBaseURL"},
		{"ftp URL", "tok", []option.Option{option.WithBaseURL("ftp://api.intercom.io")}, "scheme"},
		{"URL with credentials", "tok", []option.Option{option.WithBaseURL("https://u:p@api.intercom.io")}, "credentials"},
		{"empty version", "tok", []option.Option{WithVersion("")}, "version"},
		{"blank version", "tok", []option.Option{WithVersion("  ")}, "version"},
		{"version with CR", "tok", []option.Option{WithVersion("2.14\r")}, "version"},
		{"bad shared option", "tok", []option.Option{option.WithMaxRetries(-1)}, "WithMaxRetries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.token, tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			if !strings.HasPrefix(err.Error(), "intercom: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want intercom and %q", err, tt.want)
			}
			if tt.token != "" && strings.TrimSpace(tt.token) != "" && strings.Contains(err.Error(), tt.token) {
				t.Errorf("err = %q contains the token", err)
			}
		})
	}
}

func TestBaseURLAndVersion(t *testing.T) {
	tests := []struct {
		name, base, version, wantURL string
	}{
		{"default", "", "", "https://api.intercom.io/conversations/1/customers"},
		{"EU", "https://api.eu.intercom.io", "", "https://api.eu.intercom.io/conversations/1/customers"},
		{"AU with slash", "https://api.au.intercom.io/", "Preview", "https://api.au.intercom.io/conversations/1/customers"},
		{"loopback with prefix", "http://127.0.0.1:8080/proxy/intercom", "2.11", "http://127.0.0.1:8080/proxy/intercom/conversations/1/customers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []option.Option
			if tt.base != "" {
				opts = append(opts, option.WithBaseURL(tt.base))
			}
			version := "2.14"
			if tt.version != "" {
				opts = append(opts, WithVersion(tt.version))
				version = tt.version
			}
			c, _, rec := setup(t, ok(seedResponse), opts...)
			if _, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c"))); err != nil {
				t.Fatalf("AttachContact: %v", err)
			}
			r := rec.last(t)
			if r.req.URL.String() != tt.wantURL {
				t.Errorf("URL = %s, want %s", r.req.URL, tt.wantURL)
			}
			checkHeaders(t, r.req, wireHeaders(version))
		})
	}
}
