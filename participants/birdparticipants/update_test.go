package birdparticipants_test

import (
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
)

const (
	updWorkspace = "2b6a9f3c-0c1d-4e5f-8a9b-0c1d2e3f4a5b"
	updConv      = "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
	updID        = "0511f314-9e6e-4b8a-8a6d-2f1c3b4a5d6e"
	updBase      = "https://bird.test"
	updParts     = updBase + "/workspaces/" + updWorkspace + "/conversations/" + updConv + "/participants"
)

// updateClient is a Client over a Bird client whose requests go to mock
// (no retries, so that attempts are requests).
func updateClient(t *testing.T, mock *httpmock.MockTransport) *participants.Client {
	t.Helper()
	bc, err := bird.New("access-key", option.WithBaseURL(updBase), option.WithHTTPClient(&http.Client{Transport: mock}), option.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: updWorkspace}))
}

// patched answers a PATCH with the participant in the status the body
// asked for, recording the bodies.
func patched(t *testing.T, bodies *[]string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		*bodies = append(*bodies, string(b))
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		return httpmock.NewStringResponse(200, `{"id":"`+updID+`","type":"contact","status":"invited",`+
			`"contact":{"id":"c-1","identifierKey":"emailaddress","identifierValue":"ada@example.com"}}`), nil
	}
}

// Update by ParticipantID is one PATCH of the participant with the status
// alone; by Email, one PATCH of .../participants/emailaddress/{value}.
func TestUpdateWireShape(t *testing.T) {
	for _, tc := range []struct {
		name string
		who  participants.Participant
		url  string
	}{
		{"ParticipantID", participants.Participant{ParticipantID: updID}, updParts + "/" + updID},
		{"Email", participants.Participant{Email: "ada@example.com"}, updParts + "/emailaddress/ada@example.com"},
		{"Phone", participants.Participant{Phone: "+15558675310"}, updParts + "/phonenumber/+15558675310"},
		{"Identifier", participants.Participant{Identifier: participants.Identifier{Key: "crmid", Value: "a/b"}}, updParts + "/crmid/a%2Fb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			var bodies []string
			mock.RegisterResponder(http.MethodPatch, tc.url, patched(t, &bodies))
			c := updateClient(t, mock)
			res, err := c.Update(ctx, updConv, tc.who, participants.Update{Status: participants.StatusInvited})
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != participants.Updated || res.ID != updID || res.Status != participants.StatusInvited || res.Provider != "bird" {
				t.Errorf("Result = %v", res)
			}
			var bp *bird.Participant
			if !res.As(&bp) || bp.ID != updID {
				t.Errorf("Result.As = %+v", bp)
			}
			if len(bodies) != 1 || bodies[0] != `{"status":"invited"}` {
				t.Errorf("bodies = %q, want one {\"status\":\"invited\"}", bodies)
			}
			if n := mock.GetTotalCallCount(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

// What Bird cannot carry is refused before any request, naming the field
// and the vendor.
func TestUpdateRefusedBeforeAnyRequest(t *testing.T) {
	who := participants.Participant{ParticipantID: updID}
	for _, tc := range []struct {
		name  string
		who   participants.Participant
		u     participants.Update
		code  participants.ErrorCode
		field string
	}{
		{"role", who, participants.Update{Role: "RL0123456789abcdef0123456789abcdef"}, participants.Unimplemented, "Update.Role"},
		{"attributes", who, participants.Update{Status: participants.StatusActive, Attributes: []byte(`{"a":1}`)}, participants.Unimplemented, "Update.Attributes"},
		{"unknown status", who, participants.Update{Status: "gone"}, participants.InvalidArgument, "Update.Status"},
		{"nothing", who, participants.Update{}, participants.InvalidArgument, "Update"},
		{"external ID", participants.Participant{ExternalID: "crm-1"}, participants.Update{Status: participants.StatusActive}, participants.Unimplemented, "ExternalID"},
		{"identifier without key", participants.Participant{Identifier: participants.Identifier{Value: "x"}}, participants.Update{Status: participants.StatusActive}, participants.InvalidArgument, "Identifier.Key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			_, err := updateClient(t, mock).Update(ctx, updConv, tc.who, tc.u)
			var pe *participants.Error
			if !errors.As(err, &pe) || pe.Code != tc.code || pe.Field != tc.field || pe.Provider != "bird" {
				t.Errorf("err = %v, want %v naming %s", err, tc.code, tc.field)
			}
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%d requests, want none", n)
			}
		})
	}
}

// A 404 to the update is settled by a list of one participant: NotFound
// naming the conversation when it is missing, NotFound for the
// participant when it exists; a transport failure is Unavailable.
func TestUpdateErrors(t *testing.T) {
	notFound := httpmock.NewStringResponder(404, `{"code":"NotFound","message":"The resource specified in the URL was not found"}`)
	for _, tc := range []struct {
		name      string
		list      httpmock.Responder
		field     string
		requests  int
		wantCode  participants.ErrorCode
		wantInAPI bool
	}{
		{"participant missing", httpmock.NewStringResponder(200, `{"results":[],"nextPageToken":""}`), "", 2, participants.NotFound, true},
		{"conversation missing", notFound, "conversationID", 2, participants.NotFound, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			mock.RegisterResponder(http.MethodPatch, updParts+"/"+updID, notFound)
			mock.RegisterResponder(http.MethodGet, updParts, tc.list)
			_, err := updateClient(t, mock).Update(ctx, updConv, participants.Participant{ParticipantID: updID}, participants.Update{Status: participants.StatusActive})
			var pe *participants.Error
			var api *bird.APIError
			if !errors.As(err, &pe) || pe.Code != tc.wantCode || pe.Field != tc.field || errors.As(err, &api) != tc.wantInAPI {
				t.Errorf("err = %v, want %v naming %q", err, tc.wantCode, tc.field)
			}
			if n := mock.GetTotalCallCount(); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}

	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodPatch, updParts+"/"+updID, httpmock.NewErrorResponder(errors.New("connection reset")))
	_, err := updateClient(t, mock).Update(ctx, updConv, participants.Participant{ParticipantID: updID}, participants.Update{Status: participants.StatusActive})
	if participants.Code(err) != participants.Unavailable {
		t.Errorf("transport failure: err = %v, want Unavailable", err)
	}
}
