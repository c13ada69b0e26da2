package bird

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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

const (
	testKey = "bird-test-key-4f9c2a7e81d3b6"
	ws      = "a1405560-c8d3-4b1a-877d-3f449ad95352"
	conv    = "c9c60caa-eaf5-4628-9687-91de4d452bfa"
	base    = "https://api.bird.com/workspaces/" + ws + "/conversations/" + conv + "/participants"
	ppath   = "/workspaces/" + ws + "/conversations/" + conv + "/participants"
)

// The seed's 201 example.
const seed201 = `{
  "id": "3954d22c-96f7-4bc3-817b-67b4d903ed90",
  "type": "contact",
  "status": "active",
  "displayName": "",
  "avatarUrl": "",
  "contact": {
    "identifierKey": "emailaddress",
    "identifierValue": "john.doe@bird.com",
    "platformAddress": "john.doe@bird.com"
  }
}`

// captured is one request as the mock transport saw it.
type captured struct {
	Method string
	URL    string
	Path   string // escaped path
	Query  string // raw query
	Header http.Header
	Body   string
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
	r.reqs = append(r.reqs, captured{
		Method: req.Method,
		URL:    req.URL.String(),
		Path:   req.URL.EscapedPath(),
		Query:  req.URL.RawQuery,
		Header: req.Header.Clone(),
		Body:   string(body),
	})
	i := len(r.reqs) - 1
	if i >= len(r.resps) {
		i = len(r.resps) - 1
	}
	resp, err := r.resps[i]()
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

func (r *recorder) last(t *testing.T) captured {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request was sent")
	}
	return r.reqs[len(r.reqs)-1]
}

func jsonResp(status int, body string, kv ...string) func() (*http.Response, error) {
	return resp(status, "application/json", body, kv...)
}

func resp(status int, contentType, body string, kv ...string) func() (*http.Response, error) {
	return func() (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r, nil
	}
}

func failResp(err error) func() (*http.Response, error) {
	return func() (*http.Response, error) { return nil, err }
}

// newClient returns a client on its own mock transport whose every request
// is answered by resps in turn.
func newClient(t *testing.T, resps []func() (*http.Response, error), opts ...option.Option) (*Client, *httpmock.MockTransport, *recorder) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	rec := &recorder{resps: resps}
	if len(rec.resps) == 0 {
		rec.resps = append(rec.resps, jsonResp(599, `{"code":"Unexpected","message":"no request expected"}`))
	}
	mock.RegisterNoResponder(rec.respond)
	all := append([]option.Option{
		option.WithHTTPClient(&http.Client{Transport: mock}),
		option.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := New(testKey, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, mock, rec
}

func wantHeader(t *testing.T, got http.Header, want map[string]string) {
	t.Helper()
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

var getHeaders = map[string]string{
	"Authorization": "AccessKey " + testKey,
	"Accept":        "application/json",
	"User-Agent":    clientopt.UserAgent,
}

var postHeaders = map[string]string{
	"Authorization": "AccessKey " + testKey,
	"Accept":        "application/json",
	"User-Agent":    "conversekit/0.1.0",
	"Content-Type":  "application/json",
}

func strp(s string) *string { return &s }

func TestAddParticipantWire(t *testing.T) {
	tests := []struct {
		name string
		body CreateParticipantBody
		want string
	}{
		{"seed contact by identifier", ContactByIdentifier("emailaddress", "john.doe@bird.com"),
			`{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"john.doe@bird.com"}}`},
		{"identifier with status and selector",
			ContactByIdentifier("phonenumber", "+31612345678", WithStatus(ParticipantStatusInvited), WithPlatformAddressSelector("identifiers.phonenumber")),
			`{"type":"contact","status":"invited","contact":{"identifierKey":"phonenumber","identifierValue":"+31612345678","platformAddressSelector":"identifiers.phonenumber"}}`},
		{"identifier without key", ContactByIdentifier("", "a@b.com"),
			`{"type":"contact","contact":{"identifierValue":"a@b.com"}}`},
		{"identifier with HTML and unicode", ContactByIdentifier("emailaddress", "<jörg&co>@bird.com"),
			`{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"\u003cjörg\u0026co\u003e@bird.com"}}`},
		{"contact by id", ContactByID("0b9f3f0e-2c3e-4a4e-9a8e-5d1b6f7c8d9e"),
			`{"type":"contact","id":"0b9f3f0e-2c3e-4a4e-9a8e-5d1b6f7c8d9e"}`},
		{"contact by id with selector and status",
			ContactByID("c-1", WithPlatformAddressSelector("attributes.workEmail"), WithStatus(ParticipantStatusPending)),
			`{"type":"contact","id":"c-1","status":"pending","contact":{"platformAddressSelector":"attributes.workEmail"}}`},
		{"user", UserParticipant("u-1"), `{"type":"user","id":"u-1"}`},
		{"user active, last status wins", UserParticipant("u-1", WithStatus(ParticipantStatusPending), WithStatus(ParticipantStatusActive)),
			`{"type":"user","id":"u-1","status":"active"}`},
		{"flow", FlowParticipant("f-1"), `{"type":"flow","id":"f-1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, rec := newClient(t, []func() (*http.Response, error){jsonResp(201, seed201)})
			res, err := c.AddParticipant(context.Background(), ws, conv, tt.body)
			if err != nil {
				t.Fatalf("AddParticipant: %v", err)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			got := rec.last(t)
			if got.Method != http.MethodPost || got.URL != base {
				t.Errorf("request = %s %s, want POST %s", got.Method, got.URL, base)
			}
			wantHeader(t, got.Header, postHeaders)
			if got.Body != tt.want {
				t.Errorf("body =\n%s\nwant\n%s", got.Body, tt.want)
			}
			if s := tt.body.String(); s != tt.want {
				t.Errorf("String() = %s", s)
			}
			if !res.Created || res.StatusCode != 201 || res.Participant.ID != "3954d22c-96f7-4bc3-817b-67b4d903ed90" {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

func TestAddParticipantDecodesSeed201(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(201, seed201)})
	res, err := c.AddParticipant(context.Background(), ws, conv, ContactByIdentifier("emailaddress", "john.doe@bird.com"))
	if err != nil {
		t.Fatal(err)
	}
	p := res.Participant
	want := Participant{
		ID:     "3954d22c-96f7-4bc3-817b-67b4d903ed90",
		Type:   ParticipantTypeContact,
		Status: ParticipantStatusActive,
		Contact: &ParticipantContact{
			IdentifierKey:   "emailaddress",
			IdentifierValue: "john.doe@bird.com",
			PlatformAddress: "john.doe@bird.com",
		},
	}
	gj, _ := json.Marshal(p)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("participant = %s, want %s", gj, wj)
	}
	if !res.Created {
		t.Error("Created = false on 201")
	}
}

func TestAddParticipantAlreadyPresent(t *testing.T) {
	c, mock, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, seed201)})
	res, err := c.AddParticipant(context.Background(), ws, conv, ContactByIdentifier("emailaddress", "john.doe@bird.com"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || res.StatusCode != 200 {
		t.Errorf("Created = %v, StatusCode = %d; want false, 200", res.Created, res.StatusCode)
	}
	if res.Participant.ID != "3954d22c-96f7-4bc3-817b-67b4d903ed90" || res.Participant.Contact == nil || res.Participant.Contact.PlatformAddress != "john.doe@bird.com" {
		t.Errorf("participant = %+v", res.Participant)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestAddParticipantWithoutJSONContentType(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){resp(201, "", seed201)})
	res, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Participant.ID != "3954d22c-96f7-4bc3-817b-67b4d903ed90" {
		t.Errorf("result = %+v", res)
	}

	c, _, _ = newClient(t, []func() (*http.Response, error){resp(201, "text/plain", "")})
	if _, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u")); err == nil || !strings.Contains(err.Error(), "bird") {
		t.Errorf("empty 201 body: err = %v", err)
	}

	c, _, _ = newClient(t, []func() (*http.Response, error){jsonResp(201, `{"id":`)})
	if _, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u")); err == nil || !strings.HasPrefix(err.Error(), "bird: POST /workspaces/") {
		t.Errorf("truncated 201 body: err = %v", err)
	}

	c, _, _ = newClient(t, []func() (*http.Response, error){jsonResp(202, seed201)})
	if _, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u")); err == nil || !strings.Contains(err.Error(), "unexpected HTTP status 202") {
		t.Errorf("202: err = %v", err)
	}
}

// Older schema versions had more fields and an "inactive" status; unknown
// fields and enum values must decode.
func TestParticipantDecodingIsLenient(t *testing.T) {
	body := `{"id":"p1","type":"widget","status":"inactive","conversationId":"` + conv + `",
	 "createdAt":"2023-01-02T03:04:05Z","updatedAt":"2023-01-02T03:04:05Z","resourceUri":"/x",
	 "contact":{"identifierKey":"phonenumber","identifierValue":"+31612345678","extra":{"a":1}}}`
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, body)})
	p, err := c.GetParticipant(context.Background(), ws, conv, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "p1" || p.Type != "widget" || p.Status != "inactive" {
		t.Errorf("participant = %+v", p)
	}
	if p.Status.Valid() || p.Type.Valid() {
		t.Error("unknown values report Valid")
	}
	if p.Contact == nil || p.Contact.IdentifierValue != "+31612345678" {
		t.Errorf("contact = %+v", p.Contact)
	}
}

func TestListParticipants(t *testing.T) {
	body := `{"results":[` + seed201 + `,{"id":"u1","type":"user","status":"invited","displayName":"Ann"}],"nextPageToken":"tok2"}`
	c, mock, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, body)})
	limit, tok, rev := 50, "abc=&x y", true
	list, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{Limit: limit, PageToken: tok, Reverse: rev})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.last(t)
	if got.Method != http.MethodGet || got.Path != ppath {
		t.Errorf("request = %s %s", got.Method, got.Path)
	}
	if got.Query != "limit=50&pageToken=abc%3D%26x+y&reverse=true" {
		t.Errorf("query = %q", got.Query)
	}
	if got.Body != "" {
		t.Errorf("body = %q", got.Body)
	}
	wantHeader(t, got.Header, getHeaders)
	if len(list.Results) != 2 || list.Results[1].ID != "u1" || list.Results[1].Status != ParticipantStatusInvited ||
		list.Results[0].Type != ParticipantTypeContact || list.NextPageToken != "tok2" {
		t.Errorf("list = %+v", list)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("%d requests", n)
	}

	// nil params: no query; last page without nextPageToken.
	c, _, rec = newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)})
	list, err = c.ListParticipants(context.Background(), ws, conv, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t); got.URL != base {
		t.Errorf("URL = %s", got.URL)
	}
	if len(list.Results) != 0 || list.NextPageToken != "" {
		t.Errorf("list = %+v", list)
	}
}

func TestListParticipantsLimitRange(t *testing.T) {
	for _, n := range []int{-1, 101} {
		c, mock, _ := newClient(t, nil)
		_, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{Limit: n})
		var pe *pathparam.Error
		if !errors.As(err, &pe) || pe.Field != "params.Limit" || !strings.Contains(err.Error(), "bird") {
			t.Errorf("limit %d: err = %v", n, err)
		}
		if mock.GetTotalCallCount() != 0 {
			t.Errorf("limit %d: a request was sent", n)
		}
	}
}

func TestListParticipantsZeroParamsSendNoQuery(t *testing.T) {
	for _, n := range []int{1, 100} {
		c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)})
		if _, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{Limit: n}); err != nil {
			t.Fatalf("limit %d: %v", n, err)
		}
		if got, want := rec.last(t).Query, fmt.Sprintf("limit=%d", n); got != want {
			t.Errorf("limit %d: query = %q, want %q", n, got, want)
		}
	}
	c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)})
	if _, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{}); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Query; got != "" {
		t.Errorf("zero params: query = %q, want none", got)
	}
}

func TestListParticipantsRefusesNon200(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(201, `{"results":[]}`)})
	_, err := c.ListParticipants(context.Background(), ws, conv, nil)
	if err == nil || !strings.Contains(err.Error(), "unexpected HTTP status 201") {
		t.Errorf("err = %v, want unexpected HTTP status 201", err)
	}
}

func TestGetAndRemoveWire(t *testing.T) {
	ids := []struct{ in, esc string }{
		{"3954d22c-96f7-4bc3-817b-67b4d903ed90", "3954d22c-96f7-4bc3-817b-67b4d903ed90"},
		{"a/b", "a%2Fb"},
		{"what?", "what%3F"},
		{"#frag", "%23frag"},
		{"a b", "a%20b"},
		{"jörg", "j%C3%B6rg"},
		{"%2F", "%252F"},
		{"...", "..."},
	}
	for _, id := range ids {
		t.Run(id.in, func(t *testing.T) {
			c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, seed201)})
			p, err := c.GetParticipant(context.Background(), ws, conv, id.in)
			if err != nil {
				t.Fatal(err)
			}
			got := rec.last(t)
			if got.Method != http.MethodGet || got.Path != ppath+"/"+id.esc || got.Query != "" {
				t.Errorf("GET path = %s ?%s, want %s", got.Path, got.Query, ppath+"/"+id.esc)
			}
			wantHeader(t, got.Header, getHeaders)
			if p.ID != "3954d22c-96f7-4bc3-817b-67b4d903ed90" {
				t.Errorf("participant = %+v", p)
			}

			c, mock, rec := newClient(t, []func() (*http.Response, error){resp(204, "", "")})
			if err := c.RemoveParticipant(context.Background(), ws, conv, id.in); err != nil {
				t.Fatal(err)
			}
			got = rec.last(t)
			if got.Method != http.MethodDelete || got.Path != ppath+"/"+id.esc || got.Body != "" {
				t.Errorf("DELETE %s body %q", got.Path, got.Body)
			}
			wantHeader(t, got.Header, getHeaders)
			if mock.GetTotalCallCount() != 1 {
				t.Errorf("%d requests", mock.GetTotalCallCount())
			}
		})
	}
}

func TestGetParticipantByIdentifierWire(t *testing.T) {
	tests := []struct{ key, value, path string }{
		{"phonenumber", "+31612345678", "/phonenumber/+31612345678"},
		{"emailaddress", "a@b.com", "/emailaddress/a@b.com"},
		{"facebookid-123", "a/b?c#d e", "/facebookid-123/a%2Fb%3Fc%23d%20e"},
		{"emailaddress", "jörg@bird.com", "/emailaddress/j%C3%B6rg@bird.com"},
		{"key/x", "..x", "/key%2Fx/..x"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			c, mock, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, seed201)})
			p, err := c.GetParticipantByIdentifier(context.Background(), ws, conv, tt.key, tt.value)
			if err != nil {
				t.Fatal(err)
			}
			got := rec.last(t)
			if got.Method != http.MethodGet || got.Path != ppath+tt.path {
				t.Errorf("GET %s, want %s", got.Path, ppath+tt.path)
			}
			wantHeader(t, got.Header, getHeaders)
			if p.Contact == nil || p.Contact.IdentifierValue != "john.doe@bird.com" {
				t.Errorf("participant = %+v", p)
			}
			if mock.GetTotalCallCount() != 1 {
				t.Errorf("%d requests", mock.GetTotalCallCount())
			}
		})
	}
}

// call runs one operation with the given path parameters.
type call struct {
	name string
	run  func(c *Client, ctx context.Context, ws, conv, a, b string) error
}

var calls = []call{
	{"AddParticipant", func(c *Client, ctx context.Context, ws, conv, _, _ string) error {
		_, err := c.AddParticipant(ctx, ws, conv, UserParticipant("u-1"))
		return err
	}},
	{"ListParticipants", func(c *Client, ctx context.Context, ws, conv, _, _ string) error {
		_, err := c.ListParticipants(ctx, ws, conv, nil)
		return err
	}},
	{"GetParticipant", func(c *Client, ctx context.Context, ws, conv, a, _ string) error {
		_, err := c.GetParticipant(ctx, ws, conv, a)
		return err
	}},
	{"GetParticipantByIdentifier", func(c *Client, ctx context.Context, ws, conv, a, b string) error {
		_, err := c.GetParticipantByIdentifier(ctx, ws, conv, a, b)
		return err
	}},
	{"RemoveParticipant", func(c *Client, ctx context.Context, ws, conv, a, _ string) error {
		return c.RemoveParticipant(ctx, ws, conv, a)
	}},
	{"UpdateParticipant", func(c *Client, ctx context.Context, ws, conv, a, _ string) error {
		_, err := c.UpdateParticipant(ctx, ws, conv, a, ParticipantUpdate{Status: ParticipantStatusInvited})
		return err
	}},
	{"UpdateParticipantByIdentifier", func(c *Client, ctx context.Context, ws, conv, a, b string) error {
		_, err := c.UpdateParticipantByIdentifier(ctx, ws, conv, a, b, ParticipantUpdate{Status: ParticipantStatusInvited})
		return err
	}},
}

var badAny = map[string]string{
	"empty":        "",
	"dot":          ".",
	"dotdot":       "..",
	"NUL":          "a\x00b",
	"newline":      "a\nb",
	"DEL":          "a\x7fb",
	"C1 control":   "a\u0085b",
	"invalid UTF8": "a\xffb",
	"too long":     strings.Repeat("a", pathparam.MaxLen+1),
}

var badUUID = map[string]string{
	"not a UUID":      "workspace-1",
	"short UUID":      "a1405560-c8d3-4b1a-877d-3f449ad9535",
	"UUID with slash": "a1405560-c8d3-4b1a-877d-3f449ad95352/..",
	"braced UUID":     "{a1405560-c8d3-4b1a-877d-3f449ad95352}",
	"urn UUID":        "urn:uuid:a1405560-c8d3-4b1a-877d-3f449ad95352",
	"space padded":    " a1405560-c8d3-4b1a-877d-3f449ad95352",
}

func TestInvalidPathParametersSendNothing(t *testing.T) {
	type tc struct {
		field          string
		ws, conv, a, b string
		ops            []string
	}
	var cases []tc
	all := []string{"AddParticipant", "ListParticipants", "GetParticipant", "GetParticipantByIdentifier", "RemoveParticipant", "UpdateParticipant", "UpdateParticipantByIdentifier"}
	for name, v := range badAny {
		cases = append(cases,
			tc{field: "workspaceID/" + name, ws: v, conv: conv, a: "p", b: "v", ops: all},
			tc{field: "conversationID/" + name, ws: ws, conv: v, a: "p", b: "v", ops: all},
			tc{field: "participantID/" + name, ws: ws, conv: conv, a: v, b: "v", ops: []string{"GetParticipant", "RemoveParticipant", "UpdateParticipant"}},
			tc{field: "identifierKey/" + name, ws: ws, conv: conv, a: v, b: "v", ops: []string{"GetParticipantByIdentifier", "UpdateParticipantByIdentifier"}},
			tc{field: "identifierValue/" + name, ws: ws, conv: conv, a: "emailaddress", b: v, ops: []string{"GetParticipantByIdentifier", "UpdateParticipantByIdentifier"}},
		)
	}
	for name, v := range badUUID {
		cases = append(cases,
			tc{field: "workspaceID/" + name, ws: v, conv: conv, a: "p", b: "v", ops: all},
			tc{field: "conversationID/" + name, ws: ws, conv: v, a: "p", b: "v", ops: all},
		)
	}
	for _, cs := range cases {
		wantField := strings.SplitN(cs.field, "/", 2)[0]
		for _, op := range calls {
			if !contains(cs.ops, op.name) {
				continue
			}
			t.Run(op.name+"/"+cs.field, func(t *testing.T) {
				c, mock, _ := newClient(t, nil)
				err := op.run(c, context.Background(), cs.ws, cs.conv, cs.a, cs.b)
				var pe *pathparam.Error
				if !errors.As(err, &pe) {
					t.Fatalf("err = %v (%T), want *pathparam.Error", err, err)
				}
				if pe.Vendor != "bird" || pe.Field != wantField || !strings.Contains(err.Error(), "bird") || !strings.Contains(err.Error(), wantField) {
					t.Errorf("err = %v, want one naming bird and %s", err, wantField)
				}
				if n := mock.GetTotalCallCount(); n != 0 {
					t.Errorf("%d requests sent, want 0", n)
				}
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestInvalidBodiesSendNothing(t *testing.T) {
	tests := []struct {
		name  string
		body  CreateParticipantBody
		field string
	}{
		{"zero value", CreateParticipantBody{}, "body"},
		{"empty user id", UserParticipant(""), "body.id"},
		{"blank user id", UserParticipant("  \t"), "body.id"},
		{"flow id with control char", FlowParticipant("f\x00"), "body.id"},
		{"empty flow id", FlowParticipant(""), "body.id"},
		{"empty contact id", ContactByID(""), "body.id"},
		{"contact id invalid UTF-8", ContactByID("\xff\xfe"), "body.id"},
		{"contact id too long", ContactByID(strings.Repeat("c", pathparam.MaxLen+1)), "body.id"},
		{"empty identifier value", ContactByIdentifier("emailaddress", ""), "body.contact.identifierValue"},
		{"blank identifier value", ContactByIdentifier("emailaddress", " "), "body.contact.identifierValue"},
		{"identifier key with newline", ContactByIdentifier("email\naddress", "a@b.com"), "body.contact.identifierKey"},
		{"blank identifier key", ContactByIdentifier("   ", "a@b.com"), "body.contact.identifierKey"},
		{"unknown status", ContactByIdentifier("emailaddress", "a@b.com", WithStatus("inactive")), "body.status"},
		{"empty status", UserParticipant("u", WithStatus("")), "body.status"},
		{"status wrong case", FlowParticipant("f", WithStatus("Active")), "body.status"},
		{"selector on user", UserParticipant("u", WithPlatformAddressSelector("identifiers.phonenumber")), "body.contact.platformAddressSelector"},
		{"selector on flow", FlowParticipant("f", WithPlatformAddressSelector("x")), "body.contact.platformAddressSelector"},
		{"empty selector", ContactByID("c", WithPlatformAddressSelector("")), "body.contact.platformAddressSelector"},
		{"nil option", ContactByID("c", nil), "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.body.Validate(); err == nil {
				t.Error("Validate() = nil")
			}
			if _, err := json.Marshal(tt.body); err == nil {
				t.Error("json.Marshal succeeded")
			}
			c, mock, _ := newClient(t, nil)
			res, err := c.AddParticipant(context.Background(), ws, conv, tt.body)
			var pe *pathparam.Error
			if res != nil || !errors.As(err, &pe) || pe.Field != tt.field || pe.Vendor != "bird" {
				t.Fatalf("err = %v, want a bird error for field %s", err, tt.field)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "bird: ") || !strings.Contains(msg, tt.field) {
				t.Errorf("message %q does not name bird and %s", msg, tt.field)
			}
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%d requests sent, want 0", n)
			}
		})
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name                   string
		op                     string
		status                 int
		body                   string
		hdr                    []string
		code, message, request string
		details                string
	}{
		{"404 add", "AddParticipant", 404, `{"code":"ResourceNotFound","message":"Conversation not found"}`,
			[]string{"X-Request-Id", "req-404"}, "ResourceNotFound", "Conversation not found", "req-404", ""},
		{"409 add", "AddParticipant", 409, `{"code":"DuplicateResource","message":"The resource already exists","details":{}}`,
			nil, "DuplicateResource", "The resource already exists", "", `{}`},
		{"422 add", "AddParticipant", 422,
			`{"code":"InvalidPayload","message":"The request body did not pass validation","details":{"contact.identifierValue":["is required"],"type":["must be one of user, flow, contact"]}}`,
			[]string{"Request-Id", "r-422"}, "InvalidPayload", "The request body did not pass validation", "r-422",
			`{"contact.identifierValue":["is required"],"type":["must be one of user, flow, contact"]}`},
		{"404 list", "ListParticipants", 404, `{"code":"ResourceNotFound","message":"Conversation not found"}`, nil, "ResourceNotFound", "Conversation not found", "", ""},
		{"422 list", "ListParticipants", 422, `{"code":"InvalidQuery","message":"limit must be at most 100","details":["limit"]}`, nil, "InvalidQuery", "limit must be at most 100", "", `["limit"]`},
		{"404 get", "GetParticipant", 404, `{"code":"ParticipantNotFound","message":"Participant not found"}`, nil, "ParticipantNotFound", "Participant not found", "", ""},
		{"404 by identifier", "GetParticipantByIdentifier", 404, `{"code":"ParticipantNotFound","message":"Participant not found"}`, nil, "ParticipantNotFound", "Participant not found", "", ""},
		{"403 remove", "RemoveParticipant", 403, `{"code":"Forbidden","message":"Participant cannot be removed"}`, nil, "Forbidden", "Participant cannot be removed", "", ""},
		{"404 remove", "RemoveParticipant", 404, `{"code":"ResourceNotFound","message":"not found"}`, nil, "ResourceNotFound", "not found", "", ""},
		{"401 wrong typed", "GetParticipant", 401, `{"code":401,"message":["x"],"details":null}`, nil, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mock, _ := newClient(t, []func() (*http.Response, error){jsonResp(tt.status, tt.body, tt.hdr...)})
			var op call
			for _, o := range calls {
				if o.name == tt.op {
					op = o
				}
			}
			err := op.run(c, context.Background(), ws, conv, "emailaddress", "a@b.com")
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if ae.Vendor != "bird" || ae.StatusCode != tt.status || ae.Code != tt.code || ae.Message != tt.message || ae.RequestID != tt.request || string(ae.Details) != tt.details {
				t.Errorf("APIError = %+v", ae)
			}
			if string(ae.Body) != tt.body {
				t.Errorf("Body = %s", ae.Body)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("%d requests, want 1 (4xx are not retried)", n)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("Error() contains the access key: %s", err)
			}
		})
	}
}

func TestHTMLAndEmptyErrorBodies(t *testing.T) {
	html := "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503</h1></center></body></html>"
	c, mock, _ := newClient(t, []func() (*http.Response, error){resp(503, "text/html", html)})
	_, err := c.GetParticipant(context.Background(), ws, conv, "p")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Code != "" || ae.Message != "" || string(ae.Body) != html {
		t.Fatalf("err = %v", err)
	}
	if n := mock.GetTotalCallCount(); n != 4 || ae.Attempts != 4 {
		t.Errorf("GET 503: %d requests, Attempts %d; want 4 (1 + 3 retries)", n, ae.Attempts)
	}

	c, mock, _ = newClient(t, []func() (*http.Response, error){resp(500, "", "")})
	_, err = c.AddParticipant(context.Background(), ws, conv, UserParticipant("u"))
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Code != "" || len(ae.Body) != 0 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "bird: HTTP 500") {
		t.Errorf("Error() = %q", err)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("POST 500: %d requests, want 1", n)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock, _ := newClient(t, []func() (*http.Response, error){
			jsonResp(429, `{"code":"TooManyRequests","message":"slow down"}`, "Retry-After", "1"),
			jsonResp(201, seed201),
		})
		start := time.Now()
		res, err := c.AddParticipant(context.Background(), ws, conv, ContactByIdentifier("emailaddress", "john.doe@bird.com"))
		elapsed := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Created {
			t.Error("Created = false")
		}
		if n := mock.GetTotalCallCount(); n != 2 {
			t.Errorf("%d attempts, want 2", n)
		}
		if elapsed < 950*time.Millisecond {
			t.Errorf("returned after %s; Retry-After: 1 not honoured", elapsed)
		}
	})
}

func TestPostNotRetriedOn503(t *testing.T) {
	c, mock, _ := newClient(t, []func() (*http.Response, error){
		jsonResp(503, `{"code":"ServiceUnavailable","message":"try later"}`),
		jsonResp(201, seed201),
	})
	_, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u"))
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Code != "ServiceUnavailable" {
		t.Fatalf("err = %v", err)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("%d attempts, want exactly 1", n)
	}
}

func TestIdempotentCallsRetriedOn503(t *testing.T) {
	for _, op := range calls[1:] {
		t.Run(op.name, func(t *testing.T) {
			ok := jsonResp(200, seed201)
			if op.name == "ListParticipants" {
				ok = jsonResp(200, `{"results":[]}`)
			}
			if op.name == "RemoveParticipant" {
				ok = resp(204, "", "")
			}
			c, mock, _ := newClient(t, []func() (*http.Response, error){resp(503, "text/html", "<html>busy</html>"), ok})
			if err := op.run(c, context.Background(), ws, conv, "emailaddress", "a@b.com"); err != nil {
				t.Fatal(err)
			}
			if n := mock.GetTotalCallCount(); n != 2 {
				t.Errorf("%d attempts, want 2", n)
			}
		})
	}
}

func TestRetryAfterPastDeadline(t *testing.T) {
	c, mock, _ := newClient(t, []func() (*http.Response, error){
		jsonResp(429, `{"code":"TooManyRequests","message":"slow down"}`, "Retry-After", "30"),
		jsonResp(201, seed201),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.AddParticipant(ctx, ws, conv, UserParticipant("u"))
	elapsed := time.Since(start)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v (%T), want *APIError", err, err)
	}
	if ae.StatusCode != 429 || ae.RetryAfter != 30*time.Second || !strings.Contains(ae.Error(), "rate limited") {
		t.Errorf("APIError = %v, RetryAfter %s", ae, ae.RetryAfter)
	}
	if elapsed > 500*time.Millisecond {
		t.Errorf("returned after %s", elapsed)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestTransportFailure(t *testing.T) {
	boom := errors.New("connection reset by peer (mock)")
	for _, op := range calls {
		t.Run(op.name, func(t *testing.T) {
			c, mock, _ := newClient(t, []func() (*http.Response, error){failResp(boom)})
			err := op.run(c, context.Background(), ws, conv, "emailaddress", "a@b.com")
			if err == nil || !errors.Is(err, boom) {
				t.Fatalf("err = %v, want it to wrap %v", err, boom)
			}
			if !strings.HasPrefix(err.Error(), "bird: ") {
				t.Errorf("err = %q, want a bird: prefix", err)
			}
			want := 4 // GET and DELETE are retried
			if op.name == "AddParticipant" {
				want = 1 // a POST that may have been sent is not
			}
			if n := mock.GetTotalCallCount(); n != want {
				t.Errorf("%d attempts, want %d", n, want)
			}
		})
	}
}

func TestContextCanceled(t *testing.T) {
	c, mock, _ := newClient(t, []func() (*http.Response, error){jsonResp(201, seed201)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.AddParticipant(ctx, ws, conv, UserParticipant("u"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// The mock transport ignores the context, so a request may reach it;
	// a real connection would not be made.
	if n := mock.GetTotalCallCount(); n > 1 {
		t.Errorf("%d requests after cancel", n)
	}
}

func TestNewRefusesBadCredentials(t *testing.T) {
	for name, key := range map[string]string{
		"empty":         "",
		"blank":         "   ",
		"tab":           "\t",
		"newline":       "abc\ndef",
		"CR":            "abc\rdef",
		"NUL":           "abc\x00def",
		"DEL":           "abc\x7f",
		"leading space": " abcdef",
		"trailing LF":   "abcdef\n",
		"invalid UTF-8": "abc\xffdef",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := New(key)
			if c != nil || err == nil {
				t.Fatal("New accepted the key")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "bird: ") || !strings.Contains(msg, "accessKey") {
				t.Errorf("err = %q, want one naming bird and accessKey", msg)
			}
			if strings.TrimSpace(key) != "" && strings.Contains(msg, strings.TrimSpace(key)) {
				t.Errorf("err %q contains the key", msg)
			}
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	tests := map[string][]option.Option{
		"http non-loopback": {option.WithBaseURL("http://api.bird.com")},
		"garbage":           {option.WithBaseURL("::not a url")},
		"no scheme":         {option.WithBaseURL("api.bird.com")},
		"ftp":               {option.WithBaseURL("ftp://api.bird.com")},
		"credentials":       {option.WithBaseURL("https://user:pw@api.bird.com")},
		"query":             {option.WithBaseURL("https://api.bird.com/?x=1")},
		"empty base URL":    {option.WithBaseURL("")},
		"nil option":        {nil},
		"nil after good":    {option.WithMaxRetries(1), nil},
		"nil HTTP client":   {option.WithHTTPClient(nil)},
		"bad retries":       {option.WithMaxRetries(-1)},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := New(testKey, opts...)
			if c != nil || err == nil {
				t.Fatal("New accepted the options")
			}
			if !strings.HasPrefix(err.Error(), "bird: ") {
				t.Errorf("err = %q, want a bird: prefix", err)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("err contains the key")
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct{ base, want string }{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080" + ppath},
		{"http://localhost:9", "http://localhost:9" + ppath},
		{"https://proxy.example.com/bird", "https://proxy.example.com/bird" + ppath},
		{"https://proxy.example.com/bird/", "https://proxy.example.com/bird" + ppath},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)}, option.WithBaseURL(tt.base))
			if _, err := c.ListParticipants(context.Background(), ws, conv, nil); err != nil {
				t.Fatal(err)
			}
			if got := rec.last(t).URL; got != tt.want {
				t.Errorf("URL = %s, want %s", got, tt.want)
			}
		})
	}
}

// A request of the generated builders goes through the client's transport:
// its headers, its error decoding.
func TestGeneratedRequestUsesTheTransport(t *testing.T) {
	c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(404, `{"code":"ResourceNotFound","message":"gone"}`)})
	ctx := context.Background()
	req, err := newGetParticipantRequest(ctx, c.server, ws, conv, "p")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.tc.Do(ctx, req, c.tc.Defaults())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "ResourceNotFound" {
		t.Errorf("err = %v", err)
	}
	wantHeader(t, rec.last(t).Header, getHeaders)
}
