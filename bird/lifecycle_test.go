package bird

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// page is a list body with the given participant IDs and next token.
func page(next string, ids ...string) func() (*http.Response, error) {
	results := make([]string, len(ids))
	for i, id := range ids {
		results[i] = `{"id":"` + id + `","type":"contact","status":"active"}`
	}
	body := `{"results":[` + strings.Join(results, ",") + `]`
	if next != "" {
		body += `,"nextPageToken":"` + next + `"`
	}
	return jsonResp(200, body+`}`)
}

// collect ranges over seq and returns the IDs and errors it yielded.
func collect(seq func(func(*Participant, error) bool)) (ids []string, errs []error) {
	for p, err := range seq {
		if err != nil {
			if p != nil {
				ids = append(ids, "non-nil participant with error")
			}
			errs = append(errs, err)
			continue
		}
		ids = append(ids, p.ID)
	}
	return ids, errs
}

func queries(t *testing.T, rec *recorder) []url.Values {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []url.Values
	for _, r := range rec.reqs {
		if r.Method != http.MethodGet || r.Path != ppath {
			t.Errorf("request %s %s, want GET %s", r.Method, r.Path, ppath)
		}
		q, err := url.ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

func TestAllParticipantsFollowsPages(t *testing.T) {
	c, mock, rec := newClient(t, []func() (*http.Response, error){
		page("tok-1", "p1", "p2"),
		page("tok+2/=", "p3", "p4"),
		page("", "p5"),
	})
	params := &ListParticipantsParams{Limit: 2, Reverse: true}
	ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, params))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if got := strings.Join(ids, ","); got != "p1,p2,p3,p4,p5" {
		t.Errorf("participants = %s", got)
	}
	if n := mock.GetTotalCallCount(); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	qs := queries(t, rec)
	for i, wantTok := range []string{"", "tok-1", "tok+2/="} {
		q := qs[i]
		if q.Get("limit") != "2" || q.Get("reverse") != "true" || q.Get("pageToken") != wantTok || len(q) != 2+min(len(wantTok), 1) {
			t.Errorf("page %d query = %v, want limit 2, reverse true, pageToken %q", i+1, q, wantTok)
		}
	}
	if *params != (ListParticipantsParams{Limit: 2, Reverse: true}) {
		t.Errorf("params changed to %+v", params)
	}
}

func TestAllParticipantsStartsAtPageToken(t *testing.T) {
	c, _, rec := newClient(t, []func() (*http.Response, error){page("", "p9")})
	ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, &ListParticipantsParams{PageToken: "start"}))
	if len(errs) != 0 || strings.Join(ids, ",") != "p9" {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if q := queries(t, rec)[0]; q.Get("pageToken") != "start" || q.Has("limit") || q.Has("reverse") {
		t.Errorf("query = %v", q)
	}
}

func TestAllParticipantsBreakStopsFetching(t *testing.T) {
	for _, stopAfter := range []int{1, 2, 3} {
		t.Run(strconv.Itoa(stopAfter), func(t *testing.T) {
			c, mock, _ := newClient(t, []func() (*http.Response, error){
				page("t1", "p1", "p2"), page("t2", "p3", "p4"), page("", "p5"),
			})
			n := 0
			for _, err := range c.AllParticipants(context.Background(), ws, conv, nil) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if n == stopAfter {
					break
				}
			}
			// Participant 1 and 2 are on page 1; 3 needs page 2.
			want := (stopAfter + 1) / 2
			if got := mock.GetTotalCallCount(); got != want {
				t.Errorf("break after %d: %d requests, want %d", stopAfter, got, want)
			}
		})
	}
}

func TestAllParticipantsEmptyPages(t *testing.T) {
	// An empty page with a token goes on; an empty token ends.
	c, mock, _ := newClient(t, []func() (*http.Response, error){page("t1"), page("", "p1"), page("", "never")})
	ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, nil))
	if len(errs) != 0 || strings.Join(ids, ",") != "p1" || mock.GetTotalCallCount() != 2 {
		t.Errorf("ids %v errs %v after %d requests", ids, errs, mock.GetTotalCallCount())
	}
}

func TestAllParticipantsErrorEnds(t *testing.T) {
	c, mock, _ := newClient(t, []func() (*http.Response, error){
		page("t1", "p1"),
		jsonResp(404, `{"code":"ResourceNotFound","message":"The requested resource does not exist"}`),
		page("", "never"),
	})
	ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, nil))
	if strings.Join(ids, ",") != "p1" || len(errs) != 1 {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	var api *APIError
	if !errors.As(errs[0], &api) || api.StatusCode != 404 || api.Code != "ResourceNotFound" {
		t.Errorf("err = %v, want the 404 *APIError", errs[0])
	}
	if n := mock.GetTotalCallCount(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestAllParticipantsBadParamsSendNothing(t *testing.T) {
	c, mock, _ := newClient(t, nil)
	ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, &ListParticipantsParams{Limit: 101}))
	var pe *ParamError
	if len(ids) != 0 || len(errs) != 1 || !errors.As(errs[0], &pe) || pe.Field != "params.Limit" {
		t.Fatalf("ids %v errs %v, want one *ParamError for params.Limit", ids, errs)
	}
	_, errs = collect(c.AllParticipants(context.Background(), "ws", conv, nil))
	if len(errs) != 1 || !errors.As(errs[0], &pe) || pe.Field != "workspaceID" {
		t.Fatalf("errs %v, want one *ParamError for workspaceID", errs)
	}
	if n := mock.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// echoedToken is a page token that echoes the client's credential.
const echoedToken = "AccessKey-" + testKey

func TestAllParticipantsRepeatedToken(t *testing.T) {
	for name, tt := range map[string]struct {
		start string
		resps []func() (*http.Response, error)
		want  string
		reqs  int
	}{
		"same token again":   {"", []func() (*http.Response, error){page("t1", "p1"), page("t1", "p2"), page("", "never")}, "p1,p2", 2},
		"earlier token":      {"", []func() (*http.Response, error){page("t1", "p1"), page("t2", "p2"), page("t1", "p3"), page("", "never")}, "p1,p2,p3", 3},
		"the starting token": {"t0", []func() (*http.Response, error){page("t0", "p1"), page("", "never")}, "p1", 1},
		// The token is Bird's string, and may echo a credential: it is
		// quoted redacted, as an APIError is.
		"an echoed secret": {"", []func() (*http.Response, error){page(echoedToken, "p1"), page(echoedToken, "p2")}, "p1,p2", 2},
	} {
		t.Run(name, func(t *testing.T) {
			c, mock, _ := newClient(t, tt.resps)
			ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, &ListParticipantsParams{PageToken: tt.start}))
			if strings.Join(ids, ",") != tt.want || len(errs) != 1 {
				t.Fatalf("ids %v errs %v", ids, errs)
			}
			if msg := errs[0].Error(); !strings.HasPrefix(msg, "bird: ListParticipants: nextPageToken repeats a page already read") ||
				strings.Contains(msg, testKey) {
				t.Errorf("err = %q", msg)
			}
			if n := mock.GetTotalCallCount(); n != tt.reqs {
				t.Errorf("%d requests, want %d", n, tt.reqs)
			}
		})
	}
}

func TestAllParticipantsPageBound(t *testing.T) {
	defer func(n int) { maxPages = n }(maxPages)
	maxPages = 3
	n := 0
	c, mock, _ := newClient(t, []func() (*http.Response, error){func() (*http.Response, error) {
		n++
		return page("t"+strconv.Itoa(n), "p"+strconv.Itoa(n))()
	}})
	ids, errs := collect(c.AllParticipants(context.Background(), ws, conv, nil))
	if strings.Join(ids, ",") != "p1,p2,p3" || len(errs) != 1 || errs[0].Error() != "bird: ListParticipants: more than 3 pages: the list does not end" {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if got := mock.GetTotalCallCount(); got != 3 {
		t.Errorf("%d requests, want 3", got)
	}
}

func TestAllParticipantsCanceledMidIteration(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, mock, _ := newClient(t, []func() (*http.Response, error){page("t1", "p1"), page("", "p2")})
	var ids []string
	var errs []error
	for p, err := range c.AllParticipants(ctx, ws, conv, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, p.ID)
		cancel()
	}
	if strings.Join(ids, ",") != "p1" || len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if n := mock.GetTotalCallCount(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestUpdateParticipantWire(t *testing.T) {
	for _, id := range []struct{ in, esc string }{
		{"3954d22c-96f7-4bc3-817b-67b4d903ed90", "3954d22c-96f7-4bc3-817b-67b4d903ed90"},
		{"a/b", "a%2Fb"},
		{"what?", "what%3F"},
	} {
		for _, st := range []ParticipantStatus{ParticipantStatusPending, ParticipantStatusInvited, ParticipantStatusActive} {
			c, mock, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"id":"`+id.in+`","type":"contact","status":"`+string(st)+`"}`)})
			p, err := c.UpdateParticipant(context.Background(), ws, conv, id.in, ParticipantUpdate{Status: st})
			if err != nil {
				t.Fatal(err)
			}
			if p.ID != id.in || p.Status != st {
				t.Errorf("participant = %+v", p)
			}
			got := rec.last(t)
			if got.Method != http.MethodPatch || got.Path != ppath+"/"+id.esc || got.Query != "" || got.Body != `{"status":"`+string(st)+`"}` {
				t.Errorf("sent %s %s?%s %s", got.Method, got.Path, got.Query, got.Body)
			}
			wantHeader(t, got.Header, postHeaders)
			if mock.GetTotalCallCount() != 1 {
				t.Errorf("%d requests", mock.GetTotalCallCount())
			}
		}
	}
}

func TestUpdateParticipantByIdentifierWire(t *testing.T) {
	c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, seed201)})
	p, err := c.UpdateParticipantByIdentifier(context.Background(), ws, conv, "phonenumber", "+31 6/12", ParticipantUpdate{Status: ParticipantStatusInvited})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "3954d22c-96f7-4bc3-817b-67b4d903ed90" || p.Contact == nil || p.Contact.IdentifierValue != "john.doe@bird.com" {
		t.Errorf("participant = %+v", p)
	}
	got := rec.last(t)
	if got.Method != http.MethodPatch || got.Path != ppath+"/phonenumber/+31%206%2F12" || got.Body != `{"status":"invited"}` {
		t.Errorf("sent %s %s %s", got.Method, got.Path, got.Body)
	}
	wantHeader(t, got.Header, postHeaders)
}

func TestUpdateRefusesBadUpdates(t *testing.T) {
	for _, tt := range []struct {
		u     ParticipantUpdate
		field string
	}{
		{ParticipantUpdate{}, "update"},
		{ParticipantUpdate{Status: "inactive"}, "update.Status"},
		{ParticipantUpdate{Status: "Active"}, "update.Status"},
	} {
		c, mock, _ := newClient(t, nil)
		_, err1 := c.UpdateParticipant(context.Background(), ws, conv, "p1", tt.u)
		_, err2 := c.UpdateParticipantByIdentifier(context.Background(), ws, conv, "emailaddress", "a@b.com", tt.u)
		for _, err := range []error{err1, err2} {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Vendor != "bird" || pe.Field != tt.field {
				t.Errorf("%+v: err = %v, want a *ParamError for %s", tt.u, err, tt.field)
			}
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%+v: %d requests sent", tt.u, n)
		}
	}
	_, err := (&Client{}).UpdateParticipant(context.Background(), ws, conv, "p1", ParticipantUpdate{})
	if got := err.Error(); got != "bird: invalid update: empty: Bird needs at least one property (Status)" {
		t.Errorf("Error() = %q", got)
	}
	_, err = (&Client{}).UpdateParticipant(context.Background(), ws, conv, "p1", ParticipantUpdate{Status: "gone"})
	if got := err.Error(); got != `bird: invalid update.Status: "gone" is not pending, invited or active` {
		t.Errorf("Error() = %q", got)
	}
}

func TestUpdateErrors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		r      func() (*http.Response, error)
		status int
		code   string
	}{
		{"404", jsonResp(404, `{"code":"ResourceNotFound","message":"The resource specified in the URL was not found"}`), 404, "ResourceNotFound"},
		{"409", jsonResp(409, `{"code":"Conflict","message":"The resource is in a conflicting state"}`), 409, "Conflict"},
		{"422", jsonResp(422, `{"code":"InvalidPayload","message":"The request body did not pass validation","details":{"status":["bad"]}}`), 422, "InvalidPayload"},
	} {
		for _, byIdentifier := range []bool{false, true} {
			c, mock, _ := newClient(t, []func() (*http.Response, error){tt.r})
			var err error
			if byIdentifier {
				_, err = c.UpdateParticipantByIdentifier(context.Background(), ws, conv, "emailaddress", "a@b.com", ParticipantUpdate{Status: ParticipantStatusActive})
			} else {
				_, err = c.UpdateParticipant(context.Background(), ws, conv, "p1", ParticipantUpdate{Status: ParticipantStatusActive})
			}
			var api *APIError
			if !errors.As(err, &api) || api.StatusCode != tt.status || api.Code != tt.code {
				t.Errorf("%s: err = %v, want an *APIError %d %s", tt.name, err, tt.status, tt.code)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("%s: %d requests, want 1", tt.name, n)
			}
		}
	}
}

func TestUpdateSuccessNeedsParticipant(t *testing.T) {
	for _, body := range []string{`{}`, `{"status":"ok"}`, `null`, `[]`, `{"results":[]}`} {
		c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, body), jsonResp(200, body)})
		_, err1 := c.UpdateParticipant(context.Background(), ws, conv, "p1", ParticipantUpdate{Status: ParticipantStatusActive})
		_, err2 := c.UpdateParticipantByIdentifier(context.Background(), ws, conv, "k", "v", ParticipantUpdate{Status: ParticipantStatusActive})
		for i, err := range []error{err1, err2} {
			var sb *SuccessBodyError
			if !errors.As(err, &sb) {
				t.Errorf("%s: err = %v, want a *SuccessBodyError", body, err)
				continue
			}
			if op := []string{opUpdate, opUpdateByIdentif}[i]; !strings.Contains(err.Error(), op) {
				t.Errorf("%s: err = %v, want it to name %s", body, err, op)
			}
		}
	}
	// A 2xx other than 200 is not the documented answer.
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(201, seed201)})
	if _, err := c.UpdateParticipant(context.Background(), ws, conv, "p1", ParticipantUpdate{Status: ParticipantStatusActive}); err == nil ||
		err.Error() != "bird: UpdateParticipant: unexpected HTTP status 201" {
		t.Errorf("201: err = %v", err)
	}
}

func TestRemoveNeeds204Or200(t *testing.T) {
	for _, tt := range []struct {
		status int
		ok     bool
	}{{204, true}, {200, true}, {202, false}, {201, false}, {205, false}} {
		c, _, _ := newClient(t, []func() (*http.Response, error){resp(tt.status, "", "")})
		err := c.RemoveParticipant(context.Background(), ws, conv, "p1")
		if (err == nil) != tt.ok {
			t.Errorf("%d: err = %v", tt.status, err)
		}
		if !tt.ok && err.Error() != "bird: RemoveParticipant: unexpected HTTP status "+strconv.Itoa(tt.status) {
			t.Errorf("%d: Error() = %q", tt.status, err)
		}
	}
}

// TestUpdateBodiesMatchSpec checks the update bodies against the spec's
// UpdateParticipant schema, which refuses an empty or unknown-field body.
func TestUpdateBodiesMatchSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../specs/bird.yaml")
	if err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["UpdateParticipant"].Value
	for _, st := range []ParticipantStatus{ParticipantStatusPending, ParticipantStatusInvited, ParticipantStatusActive} {
		raw, err := ParticipantUpdate{Status: st}.wire()
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for _, bad := range []string{`{}`, `{"status":"active","extra":1}`, `{"status":"inactive"}`} {
		var v any
		_ = json.Unmarshal([]byte(bad), &v)
		if schema.VisitJSON(v) == nil {
			t.Errorf("spec accepts %s", bad)
		}
	}
	for _, path := range []string{
		"/workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}",
		"/workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}",
	} {
		op := doc.Paths.Find(path).Patch
		for _, code := range []string{"200", "404", "409", "422"} {
			if op.Responses.Value(code) == nil {
				t.Errorf("PATCH %s has no %s response", path, code)
			}
		}
	}
}
