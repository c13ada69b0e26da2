package participants_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/twilio"
)

// TestLongInputQuotedClipped: an error that quotes user input quotes at
// most a few hundred bytes of it, however long the input, and still names
// the field and the vendor. Nothing is sent.
func TestLongInputQuotedClipped(t *testing.T) {
	const mb = 1 << 20
	huge := strings.Repeat("x", mb)
	mock := httpmock.NewMockTransport()
	noHTTP := option.WithDoer(&http.Client{Transport: mock})
	ic, err := intercom.New("tok-intercom", noHTTP)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := bird.New("key-bird", noHTTP)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := twilio.New("AC0123456789abcdef0123456789abcdef", "tok-twilio", noHTTP)
	if err != nil {
		t.Fatal(err)
	}
	clients := map[string]*participants.Client{
		"intercom": participants.New(intercomparticipants.New(ic, intercomparticipants.Options{AdminID: "1"})),
		"bird":     participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: "0b6e1a57-3b5e-4a8a-9a4e-2f1c3d4e5f60"})),
		"twilio":   participants.New(twilioparticipants.New(tc, twilioparticipants.Options{ProxyAddress: "+15017122661"})),
	}
	const conv = "1c7f2b68-4c6f-4b9b-8b5f-3a2d4e5f6071"
	ok := participants.Participant{Email: "ada@example.com"}
	tests := []struct {
		field string
		conv  string
		p     participants.Participant
	}{
		{field: "conversationID", conv: huge + " ", p: ok},
		{field: "ID", p: participants.Participant{ID: huge + " "}},
		{field: "Email", p: participants.Participant{Email: huge + "@"}},
		{field: "Phone", p: participants.Participant{Phone: "+1" + strings.Repeat("5", mb)}},
		{field: "Kind", p: participants.Participant{Email: ok.Email, Kind: participants.Kind(huge)}},
		{field: "Channel", p: participants.Participant{Phone: "+15558675310", Channel: participants.Channel(huge)}},
		{field: "Identifier.Value", p: participants.Participant{Email: ok.Email, Identifier: participants.Identifier{Key: huge}}},
		{field: "Status", p: participants.Participant{Email: ok.Email, Status: participants.Status(huge)}},
	}
	for vendor, c := range clients {
		for _, tt := range tests {
			t.Run(vendor+"/"+tt.field, func(t *testing.T) {
				id := conv
				if tt.conv != "" {
					id = tt.conv
				}
				_, err := c.Add(context.Background(), id, tt.p)
				var pe *participants.Error
				if !errors.As(err, &pe) || pe.Field != tt.field {
					t.Fatalf("err = %.300v, want an *Error for field %s", err, tt.field)
				}
				wantShort(t, err, vendor, tt.field)
			})
		}
	}
	// The vendor clients quote the same way.
	_, err = bc.AddParticipant(context.Background(), "0b6e1a57-3b5e-4a8a-9a4e-2f1c3d4e5f60", conv,
		bird.ContactByIdentifier("emailaddress", "ada@example.com", bird.WithStatus(bird.ParticipantStatus(huge))))
	wantShort(t, err, "bird", "body.status")
	_, err = bc.GetParticipant(context.Background(), strings.Repeat("f", 1000), conv, "p1")
	wantShort(t, err, "bird", "workspaceID")
	_, err = intercom.New("tok", option.WithBaseURL("https://example.com/"+huge+"?q=1"))
	wantShort(t, err, "intercom", "WithBaseURL")
	if n := mock.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// wantShort checks err quotes a clipped value: under 1 KB, naming vendor and
// field.
func wantShort(t *testing.T, err error, vendor, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s %s: no error", vendor, field)
	}
	msg := err.Error()
	if len(msg) > 1000 || !strings.Contains(msg, vendor) || !strings.Contains(msg, field) || !strings.Contains(msg, " bytes)") {
		t.Errorf("%s %s: error of %d bytes: %.400s…", vendor, field, len(msg), msg)
	}
}
