package participantstest_test

// This file is a complete Provider for a toy vendor, "toychat", written the
// way a provider outside this module is: it imports participants,
// participantstest and go-retryablehttp, nothing under internal/. Its fake is
// a plain http.Handler that NewServer wraps with fault injection, and it
// passes RunConformance. Copy it as the starting point of your own provider.
//
// The toy vendor has one call, with ensure semantics:
//
//	PUT /conversations/{id}/members/{email}   Authorization: Bearer <token>
//	201 {"id":"m1","email":"..."}   new member
//	200 {"id":"m1","email":"..."}   already a member
//	401 / 404 {"error":"..."}       bad token / unknown conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// ---- The vendor client ----

// member is the vendor's participant.
type member struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// toyError is the vendor's answer to a failed call.
type toyError struct {
	Status  int
	Message string `json:"error"`
}

func (e *toyError) Error() string { return fmt.Sprintf("toychat: %d %s", e.Status, e.Message) }

// toyClient calls the vendor. The PUT is idempotent, so it retries 429, 5xx
// and lost responses (retryablehttp's default policy) within ctx's deadline.
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

// addMember ensures email is a member of conversation: created tells a new
// member from an existing one.
func (c *toyClient) addMember(ctx context.Context, conversation, email string) (m *member, created bool, err error) {
	u := c.base + "/conversations/" + url.PathEscape(conversation) + "/members/" + url.PathEscape(email)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPut, u, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.http.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
		e := &toyError{Status: res.StatusCode}
		_ = json.NewDecoder(res.Body).Decode(e) // a body that is not JSON leaves only the status
		return nil, false, e
	}
	m = new(member)
	if err := json.NewDecoder(res.Body).Decode(m); err != nil || m.ID == "" {
		return nil, false, fmt.Errorf("toychat: a %d without a member: %w", res.StatusCode, err)
	}
	return m, res.StatusCode == http.StatusCreated, nil
}

// ---- The Provider ----

// toyProvider adds participants on toychat, which knows people by email only.
type toyProvider struct{ c *toyClient }

func (*toyProvider) Name() string { return "toychat" }

// Add refuses, before any request, what toychat cannot express (rule 2 of
// the Provider documentation), hands BeforeAdd the request, then ensures the
// member. Result.As reaches the *member.
func (p *toyProvider) Add(ctx context.Context, conversation string, pt participants.Participant, o participants.CallOptions) (*participants.Result, error) {
	refuse := func(field string) error {
		return participants.Errorf(participants.Unimplemented, "toychat", field, "not expressible on toychat")
	}
	switch {
	case conversation == "." || conversation == "..": // would change the request path
		return nil, participants.Errorf(participants.InvalidArgument, "toychat", "conversationID", "%q is not a conversation ID", conversation)
	case pt.Email == "": // toychat knows people by email only; name the identity that was set
		for _, f := range []struct{ name, v string }{{"ID", pt.ID}, {"ExternalID", pt.ExternalID}, {"Phone", pt.Phone}} {
			if f.v != "" {
				return nil, refuse(f.name)
			}
		}
		return nil, refuse("Identifier") // the Client refuses a Participant with no identity
	case pt.Kind != "" && pt.Kind != participants.KindContact:
		return nil, refuse("Kind")
	case pt.Attributes != nil:
		return nil, refuse("Attributes")
	case pt.Status != "":
		return nil, refuse("Status")
	case o.AdminID != "":
		return nil, refuse("WithAdmin")
	case o.RoleSID != "":
		return nil, refuse("WithRole")
	}
	req := member{Email: pt.Email} // what BeforeAdd may change
	if o.BeforeAdd != nil {
		if err := o.BeforeAdd(&req); err != nil {
			return nil, &participants.Error{Code: participants.InvalidArgument, Provider: "toychat", Field: "BeforeAdd", Err: err}
		}
	}
	m, created, err := p.c.addMember(ctx, conversation, req.Email)
	if err != nil {
		return nil, err // the Client asks ErrorCode
	}
	outcome := participants.AlreadyPresent
	if created {
		outcome = participants.Added
	}
	return participants.NewResult("toychat", m.ID, participants.KindContact, "", outcome, m), nil
}

// The toy vendor's lifecycle calls are added with the lifecycle conformance
// rules (issue 10); until then they refuse before any request.

func (p *toyProvider) List(context.Context, string, string, participants.CallOptions) (*participants.Page, error) {
	return nil, participants.Errorf(participants.Unimplemented, "toychat", "List", "not yet implemented")
}

func (p *toyProvider) Get(context.Context, string, participants.Participant, participants.CallOptions) (*participants.Member, error) {
	return nil, participants.Errorf(participants.Unimplemented, "toychat", "Get", "not yet implemented")
}

func (p *toyProvider) Remove(context.Context, string, participants.Participant, participants.CallOptions) (*participants.Result, error) {
	return nil, participants.Errorf(participants.Unimplemented, "toychat", "Remove", "not yet implemented")
}

// ErrorCode classifies the errors of toyClient.
func (*toyProvider) ErrorCode(err error) participants.ErrorCode {
	var te *toyError
	var ue *url.Error
	switch {
	case errors.As(err, &te) && te.Status == http.StatusUnauthorized:
		return participants.Unauthenticated
	case errors.As(err, &te) && te.Status == http.StatusNotFound:
		return participants.NotFound
	case errors.As(err, &te) && te.Status == http.StatusTooManyRequests:
		return participants.RateLimited
	case errors.As(err, &te) && te.Status >= 500, errors.As(err, &ue):
		return participants.Unavailable
	}
	return participants.Unknown
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
	f.HandleFunc("PUT /conversations/{id}/members/{email}", f.addMember)
	return f
}

func (f *toyFake) addMember(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	members, ok := f.convs[r.PathValue("id")]
	switch {
	case r.Header.Get("Authorization") != "Bearer "+f.token:
		reply(w, http.StatusUnauthorized, map[string]string{"error": "bad token"})
	case !ok:
		reply(w, http.StatusNotFound, map[string]string{"error": "no such conversation"})
	case members[r.PathValue("email")] != nil:
		reply(w, http.StatusOK, members[r.PathValue("email")])
	default:
		f.n++
		m := &member{ID: fmt.Sprintf("m%d", f.n), Email: r.PathValue("email")}
		members[m.Email] = m
		reply(w, http.StatusCreated, m)
	}
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
	participantstest.RunConformance(t, participantstest.Harness{
		Name: "toychat",
		New: func(t *testing.T) *participantstest.Fixture {
			fake := newToyFake("secret", "general")
			srv := participantstest.NewServer(fake)
			t.Cleanup(srv.Close)
			client := func(token string) *participants.Client {
				return participants.New(&toyProvider{newToyClient(srv.URL(), token, srv.Client())})
			}
			return &participantstest.Fixture{
				Client:              client("secret"),
				BadAuth:             client("wrong"),
				Conversation:        "general",
				MissingConversation: "missing",
				Person: func(i int) participants.Participant {
					return participants.Participant{Email: fmt.Sprintf("person%d@example.com", i)}
				},
				Count: fake.count,
				Fake:  srv,
				Caps:  participantstest.Capabilities{ReportsOutcome: true, Email: true},
			}
		},
	})
}
