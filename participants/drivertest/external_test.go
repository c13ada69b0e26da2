package drivertest_test

// This file is a complete Provider for a toy vendor, "toychat", written the
// way a provider outside this module is: it imports participants,
// participantstest, drivertest and go-retryablehttp, nothing under internal/. Its fake is
// a plain http.Handler that participantstest.NewServer wraps with fault injection, and it
// passes RunConformanceTests, the lifecycle included. Copy it as the starting
// point of your own provider.
//
// The toy vendor knows people by email; every call has Authorization:
// Bearer <token>, and a member is named by its ID ("m1") or its email:
//
//	PUT    /conversations/{id}/members/{email}        add: 201 new member, 200 already a member
//	GET    /conversations/{id}/members?limit=&after=  list: 200 {"members":[...],"next":"..."},
//	                                                  limit 1..100 (default 10), next "" on the last page
//	GET    /conversations/{id}/members/{ref}          get: 200 member
//	DELETE /conversations/{id}/members/{ref}          remove: 204
//	400 / 401 / 404 {"error":"..."}                   bad limit / bad token / no such conversation or
//	                                                  member (one 404 for both: the provider finds out)

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// ---- The vendor client ----

// member is the vendor's participant.
type member struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	seq   int    // the fake's creation order, the list order
}

// memberList is one page of the vendor's list call.
type memberList struct {
	Members []*member `json:"members"`
	Next    string    `json:"next"`
}

// toyError is the vendor's answer to a failed call.
type toyError struct {
	Status  int
	Message string `json:"error"`
}

func (e *toyError) Error() string { return fmt.Sprintf("toychat: %d %s", e.Status, e.Message) }

// toyClient calls the vendor. Every call is idempotent (PUT, GET, DELETE),
// so it retries 429, 5xx and lost responses (retryablehttp's default
// policy) within ctx's deadline.
type toyClient struct {
	base, token string
	http        *retryablehttp.Client
}

func newToyClient(base, token string, hc *http.Client) *toyClient {
	rc := retryablehttp.NewClient()
	rc.HTTPClient = hc
	rc.Logger = nil
	rc.RetryWaitMin, rc.RetryWaitMax, rc.RetryMax = time.Millisecond, 5*time.Millisecond, 4
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler // keep the last answer
	return &toyClient{base: base, token: token, http: rc}
}

// do sends method to the path made of segments (each escaped) with query,
// turns a non-2xx answer into a *toyError and decodes a 2xx body into out
// when out is not nil. It returns the status.
func (c *toyClient) do(ctx context.Context, method string, query url.Values, out any, segments ...string) (int, error) {
	u := c.base
	for _, s := range segments {
		u += "/" + url.PathEscape(s)
	}
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		e := &toyError{Status: res.StatusCode}
		_ = json.NewDecoder(res.Body).Decode(e) // a body that is not JSON leaves only the status
		return res.StatusCode, e
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			return res.StatusCode, fmt.Errorf("toychat: a %d with a body that is not JSON: %w", res.StatusCode, err)
		}
	}
	return res.StatusCode, nil
}

// addMember ensures email is a member of conversation: created tells a new
// member from an existing one.
func (c *toyClient) addMember(ctx context.Context, conversation, email string) (m *member, created bool, err error) {
	m = new(member)
	status, err := c.do(ctx, http.MethodPut, nil, m, "conversations", conversation, "members", email)
	if err != nil {
		return nil, false, err
	}
	if m.ID == "" || (status != http.StatusOK && status != http.StatusCreated) {
		return nil, false, fmt.Errorf("toychat: a %d without a member", status)
	}
	return m, status == http.StatusCreated, nil
}

// listMembers returns one page of the members of conversation: limit 0 is
// the vendor's default, after "" the first page.
func (c *toyClient) listMembers(ctx context.Context, conversation string, limit int, after string) (*memberList, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if after != "" {
		q.Set("after", after)
	}
	l := new(memberList)
	status, err := c.do(ctx, http.MethodGet, q, l, "conversations", conversation, "members")
	if err != nil {
		return nil, err
	}
	if l.Members == nil || slices.ContainsFunc(l.Members, func(m *member) bool { return m == nil || m.ID == "" }) {
		return nil, fmt.Errorf("toychat: a %d without a list of members", status)
	}
	return l, nil
}

// getMember returns the member ref (an ID or an email) of conversation.
func (c *toyClient) getMember(ctx context.Context, conversation, ref string) (*member, error) {
	m := new(member)
	status, err := c.do(ctx, http.MethodGet, nil, m, "conversations", conversation, "members", ref)
	if err != nil {
		return nil, err
	}
	if m.ID == "" {
		return nil, fmt.Errorf("toychat: a %d without a member", status)
	}
	return m, nil
}

// deleteMember removes the member ref (an ID or an email) of conversation.
func (c *toyClient) deleteMember(ctx context.Context, conversation, ref string) error {
	status, err := c.do(ctx, http.MethodDelete, nil, nil, "conversations", conversation, "members", ref)
	if err == nil && status != http.StatusNoContent {
		return fmt.Errorf("toychat: a %d to a delete, want 204", status)
	}
	return err
}

// ---- The Provider ----

// toyProvider manages participants on toychat, which knows people by email
// only.
type toyProvider struct{ c *toyClient }

func (*toyProvider) Name() string { return "toychat" }

// refuse is the error of what toychat cannot express.
func refuse(field string) error {
	return driver.Errorf(driver.Unimplemented, "toychat", field, "not expressible on toychat")
}

// check refuses, for every call, what would change the request path and
// the options toychat has no use for (the Client already refuses the
// options of other calls).
func check(conversation string, o driver.CallOptions) error {
	switch {
	case conversation == "." || conversation == "..": // would change the request path
		return driver.Errorf(driver.InvalidArgument, "toychat", "conversationID", "%q is not a conversation ID", conversation)
	case len(o.RequestOptions) > 0:
		return refuse("WithRequestOptions")
	}
	return nil
}

// person returns the email of pt, or refuses the first identity set:
// toychat knows people by email only.
func person(pt driver.Participant) (string, error) {
	switch {
	case pt.Kind != "" && pt.Kind != driver.KindContact:
		return "", refuse("Kind")
	case pt.Email != "":
		return pt.Email, nil
	}
	for _, f := range []struct{ name, v string }{{"ID", pt.ID}, {"ExternalID", pt.ExternalID}, {"Phone", pt.Phone}} {
		if f.v != "" {
			return "", refuse(f.name)
		}
	}
	return "", refuse("Identifier") // the Client refuses a Participant with no identity
}

// Add refuses, before any request, what toychat cannot express (rule 2 of
// the Provider documentation), hands BeforeAdd the request, then ensures the
// member. Result.As reaches the *member.
func (p *toyProvider) Add(ctx context.Context, conversation string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	if err := check(conversation, o); err != nil {
		return nil, err
	}
	email, err := person(pt)
	switch {
	case err != nil:
		return nil, err
	case pt.ID != "" || pt.ExternalID != "" || pt.Phone != "" || !pt.Identifier.IsZero():
		// Rule 3: every identity set is sent, or none; toychat knows
		// members by email alone.
		for _, f := range []struct{ name, v string }{{"ID", pt.ID}, {"ExternalID", pt.ExternalID}, {"Phone", pt.Phone}, {"Identifier", pt.Identifier.Value + pt.Identifier.Key}} {
			if f.v != "" {
				return nil, refuse(f.name)
			}
		}
	case pt.Attributes != nil:
		return nil, refuse("Attributes")
	case pt.Status != "":
		return nil, refuse("Status")
	}
	req := member{Email: email} // what BeforeAdd may change
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&req); err != nil {
			return nil, &driver.Error{Code: driver.InvalidArgument, Provider: "toychat", Field: "BeforeAdd", Err: err}
		}
	}
	m, created, err := p.c.addMember(ctx, conversation, req.Email)
	if err != nil {
		return nil, err // the Client asks ErrorCode
	}
	outcome := driver.AlreadyPresent
	if created {
		outcome = driver.Added
	}
	return driver.NewResult("toychat", m.ID, driver.KindContact, "", outcome, m), nil
}

// List returns one page; the page token is the vendor's "next". Member.As
// reaches the *member.
func (p *toyProvider) List(ctx context.Context, conversation, page string, o driver.CallOptions) (*driver.Page, error) {
	if err := check(conversation, o); err != nil {
		return nil, err
	}
	if o.PageSize > 100 {
		return nil, driver.Errorf(driver.InvalidArgument, "toychat", "WithPageSize", "%d is above toychat's 100", o.PageSize)
	}
	l, err := p.c.listMembers(ctx, conversation, o.PageSize, page)
	if err != nil {
		return nil, err
	}
	out := &driver.Page{Next: l.Next}
	for _, m := range l.Members {
		out.Members = append(out.Members, toMember(m))
	}
	return out, nil
}

// ref returns how toychat names the participant pt: its ParticipantID
// first, else its email.
func ref(pt driver.Participant) (string, error) {
	if pt.ParticipantID == "" {
		return person(pt)
	}
	if strings.Contains(pt.ParticipantID, "@") { // toychat would take it for an email
		return "", driver.Errorf(driver.InvalidArgument, "toychat", "ParticipantID", "%q is not a toychat member ID", pt.ParticipantID)
	}
	return pt.ParticipantID, nil
}

// Get finds the member by ID or email (one request).
func (p *toyProvider) Get(ctx context.Context, conversation string, pt driver.Participant, o driver.CallOptions) (*driver.Member, error) {
	if err := check(conversation, o); err != nil {
		return nil, err
	}
	r, err := ref(pt)
	if err != nil {
		return nil, err
	}
	m, err := p.c.getMember(ctx, conversation, r)
	if err != nil {
		return nil, err
	}
	return toMember(m), nil
}

// Remove deletes the member by ID or email. toychat answers one 404 for a
// missing member and a missing conversation, so after a 404 a read of the
// conversation's first page tells them apart: AlreadyAbsent only when the
// conversation exists (rule 9). A retried delete whose first answer was
// lost finds the member gone: AlreadyAbsent too.
func (p *toyProvider) Remove(ctx context.Context, conversation string, pt driver.Participant, o driver.CallOptions) (*driver.Result, error) {
	if err := check(conversation, o); err != nil {
		return nil, err
	}
	r, err := ref(pt)
	if err != nil {
		return nil, err
	}
	err = p.c.deleteMember(ctx, conversation, r)
	var te *toyError
	switch {
	case err == nil:
		return driver.NewResult("toychat", pt.ParticipantID, driver.KindContact, "", driver.Removed, nil), nil
	case errors.As(err, &te) && te.Status == http.StatusNotFound:
		if _, err := p.c.listMembers(ctx, conversation, 1, ""); err != nil {
			return nil, err // a missing conversation is NotFound
		}
		return driver.NewResult("toychat", pt.ParticipantID, driver.KindContact, "", driver.AlreadyAbsent, nil), nil
	}
	return nil, err
}

// toMember is the portable view of a vendor member.
func toMember(m *member) *driver.Member {
	return driver.NewMember(driver.Member{Provider: "toychat", ID: m.ID, Kind: driver.KindContact, Email: m.Email}, m)
}

// ErrorCode classifies the errors of toyClient.
func (*toyProvider) ErrorCode(err error) driver.ErrorCode {
	var te *toyError
	var ue *url.Error
	switch {
	case errors.As(err, &te) && te.Status == http.StatusBadRequest:
		return driver.InvalidArgument
	case errors.As(err, &te) && te.Status == http.StatusUnauthorized:
		return driver.Unauthenticated
	case errors.As(err, &te) && te.Status == http.StatusNotFound:
		return driver.NotFound
	case errors.As(err, &te) && te.Status == http.StatusTooManyRequests:
		return driver.RateLimited
	case errors.As(err, &te) && te.Status >= 500, errors.As(err, &ue):
		return driver.Unavailable
	}
	return driver.Unknown
}

// ---- The fake ----

// toyFake is the vendor as a plain http.Handler, its routes in the mux.
type toyFake struct {
	http.ServeMux
	token string
	mu    sync.Mutex
	convs map[string]map[string]*member // conversation → email → member
	n     int
}

// newToyFake returns a fake that accepts token and holds the conversations.
func newToyFake(token string, conversations ...string) *toyFake {
	f := &toyFake{token: token, convs: map[string]map[string]*member{}}
	for _, c := range conversations {
		f.convs[c] = map[string]*member{}
	}
	f.HandleFunc("PUT /conversations/{id}/members/{ref}", f.addMember)
	f.HandleFunc("GET /conversations/{id}/members", f.listMembers)
	f.HandleFunc("GET /conversations/{id}/members/{ref}", f.getMember)
	f.HandleFunc("DELETE /conversations/{id}/members/{ref}", f.deleteMember)
	return f
}

// conversation returns the members of the request's conversation, or
// answers 401 or 404 and returns false. The caller holds f.mu.
func (f *toyFake) conversation(w http.ResponseWriter, r *http.Request) (map[string]*member, bool) {
	members, ok := f.convs[r.PathValue("id")]
	switch {
	case r.Header.Get("Authorization") != "Bearer "+f.token:
		reply(w, http.StatusUnauthorized, map[string]string{"error": "bad token"})
		return nil, false
	case !ok:
		reply(w, http.StatusNotFound, map[string]string{"error": "not found"})
		return nil, false
	}
	return members, true
}

// find returns the member ref names: by email when it has an @, else by ID.
func find(members map[string]*member, ref string) *member {
	if strings.Contains(ref, "@") {
		return members[ref]
	}
	for _, m := range members {
		if m.ID == ref {
			return m
		}
	}
	return nil
}

func (f *toyFake) addMember(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	members, ok := f.conversation(w, r)
	email := r.PathValue("ref")
	switch {
	case !ok:
	case !strings.Contains(email, "@"):
		reply(w, http.StatusBadRequest, map[string]string{"error": "not an email"})
	case members[email] != nil:
		reply(w, http.StatusOK, members[email])
	default:
		f.n++
		m := &member{ID: fmt.Sprintf("m%d", f.n), Email: email, seq: f.n}
		members[m.Email] = m
		reply(w, http.StatusCreated, m)
	}
}

func (f *toyFake) listMembers(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	members, ok := f.conversation(w, r)
	if !ok {
		return
	}
	limit, after := 10, 0
	var err error
	if s := r.URL.Query().Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 100 {
			reply(w, http.StatusBadRequest, map[string]string{"error": "limit is 1..100"})
			return
		}
	}
	if s := r.URL.Query().Get("after"); s != "" {
		if after, err = strconv.Atoi(s); err != nil {
			reply(w, http.StatusBadRequest, map[string]string{"error": "bad cursor"})
			return
		}
	}
	all := []*member{} // "members": [] on an empty page, never null
	for _, m := range members {
		if m.seq > after {
			all = append(all, m)
		}
	}
	slices.SortFunc(all, func(a, b *member) int { return a.seq - b.seq })
	page := memberList{Members: all[:min(limit, len(all))]}
	if len(all) > limit {
		page.Next = strconv.Itoa(page.Members[limit-1].seq)
	}
	reply(w, http.StatusOK, page)
}

func (f *toyFake) getMember(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	members, ok := f.conversation(w, r)
	if !ok {
		return
	}
	if m := find(members, r.PathValue("ref")); m != nil {
		reply(w, http.StatusOK, m)
		return
	}
	reply(w, http.StatusNotFound, map[string]string{"error": "not found"})
}

func (f *toyFake) deleteMember(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	members, ok := f.conversation(w, r)
	if !ok {
		return
	}
	m := find(members, r.PathValue("ref"))
	if m == nil {
		reply(w, http.StatusNotFound, map[string]string{"error": "not found"})
		return
	}
	delete(members, m.Email)
	w.WriteHeader(http.StatusNoContent)
}

func (f *toyFake) count(conversation string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.convs[conversation])
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ---- The conformance run ----

func TestExternalProviderConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		Name: "toychat",
		New: func(t *testing.T) *drivertest.Fixture {
			fake := newToyFake("secret", "general")
			srv := participantstest.NewServer(fake)
			t.Cleanup(srv.Close)
			client := func(token string) *participants.Client {
				return participants.New(&toyProvider{newToyClient(srv.URL(), token, srv.Client())})
			}
			return &drivertest.Fixture{
				Client:              client("secret"),
				BadAuth:             client("wrong"),
				Conversation:        "general",
				MissingConversation: "missing",
				Person: func(i int) participants.Participant {
					return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
				},
				Count: fake.count,
				Fake:  srv,
				Caps: drivertest.Capabilities{ReportsOutcome: true, Email: true,
					Pages: true, Lookup: drivertest.Identities{Email: true}},
			}
		},
	})
}
