package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
	"github.com/conversekit/conversekit/participants/sunshineparticipants"
	"github.com/conversekit/conversekit/participants/twilioparticipants"
	"github.com/conversekit/conversekit/sunshine"
	"github.com/conversekit/conversekit/twilio"
)

// The participant events of the quickstart's person, on the fakes: each
// fake is subscribed to an endpoint of a loopback server, where a
// participants.WebhookHandler per vendor verifies the signed deliveries,
// de-duplicates them and hands each join and leave to the events
// collector, as a server receiving the real vendors' webhooks would
// (examples/webhooks).

// events collects what the handlers received, in order.
type events struct {
	mu   sync.Mutex
	list []participants.Event
}

// handle is the participants.HandlerFunc of every vendor.
func (e *events) handle(_ context.Context, ev participants.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
	return nil
}

func (e *events) all() []participants.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]participants.Event(nil), e.list...)
}

// receiver is the loopback server of the four webhook endpoints.
type receiver struct {
	srv *httptest.Server
	mux *http.ServeMux
	got *events
}

func newReceiver() *receiver {
	r := &receiver{mux: http.NewServeMux(), got: &events{}}
	r.srv = httptest.NewServer(r.mux)
	return r
}

// endpoint is the URL of vendor's endpoint.
func (r *receiver) endpoint(vendor string) string { return r.srv.URL + "/webhooks/" + vendor }

// handle serves recv's deliveries at vendor's endpoint.
func (r *receiver) handle(vendor string, recv driver.Receiver) error {
	h, err := participants.NewWebhookHandler(recv, r.got.handle, participants.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		return err
	}
	r.mux.Handle("POST /webhooks/"+vendor, h)
	return nil
}

// subscribeIntercom subscribes the fake and serves its deliveries.
func (r *receiver) subscribeIntercom(fake *participantstest.IntercomServer) (*participantstest.Subscription, error) {
	sub := fake.Subscribe(r.endpoint("intercom"), participantstest.Webhooks{})
	v, err := intercom.NewWebhookVerifier(sub.Secret())
	if err != nil {
		return sub, err
	}
	return sub, r.handle("intercom", intercomparticipants.NewReceiver(v))
}

// subscribeBird subscribes the fake and serves its deliveries; the
// receiver lists participants with a Bird client of the fake.
func (r *receiver) subscribeBird(fake *participantstest.BirdServer) (*participantstest.Subscription, error) {
	sub := fake.Subscribe(r.endpoint("bird"), participantstest.Webhooks{})
	v, err := bird.NewWebhookVerifier(sub.Secret(), bird.WithPublicURL(r.endpoint("bird")))
	if err != nil {
		return sub, err
	}
	bc, err := bird.New(fake.AccessKey(), fake.ClientOptions()...)
	if err != nil {
		return sub, err
	}
	recv, err := birdparticipants.NewReceiver(v, birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()}), birdparticipants.ReceiverOptions{})
	if err != nil {
		return sub, err
	}
	return sub, r.handle("bird", recv)
}

// subscribeTwilio subscribes the fake and serves its deliveries.
func (r *receiver) subscribeTwilio(fake *participantstest.TwilioServer) (*participantstest.Subscription, error) {
	sub := fake.Subscribe(r.endpoint("twilio"), participantstest.Webhooks{})
	v, err := twilio.NewWebhookVerifier(sub.Secret(), twilio.WithPublicURL(r.endpoint("twilio")))
	if err != nil {
		return sub, err
	}
	return sub, r.handle("twilio", twilioparticipants.NewReceiver(v))
}

// subscribeSunshine subscribes the fake and serves its deliveries.
func (r *receiver) subscribeSunshine(fake *participantstest.SunshineServer) (*participantstest.Subscription, error) {
	sub := fake.Subscribe(r.endpoint("sunshine"), participantstest.Webhooks{})
	v, err := sunshine.NewWebhookVerifier(sub.Secret())
	if err != nil {
		return sub, err
	}
	return sub, r.handle("sunshine", sunshineparticipants.NewReceiver(v))
}

// printEvents prints the events received as a table, and returns an error
// unless each vendor of targets sent exactly one join and one leave.
func printEvents(out io.Writer, targets []target, got []participants.Event) error {
	fmt.Fprintln(out, "\nEvents received from the fakes' webhooks (signed, verified, de-duplicated by participants.WebhookHandler):")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VENDOR\tEVENT\tPARTICIPANT\tWHO\tCONVERSATION")
	for _, e := range got {
		who := []string{}
		for _, s := range []string{e.Participant.ExternalID, e.Participant.Email, e.Participant.Phone} {
			if s != "" {
				who = append(who, s)
			}
		}
		id := e.Participant.ID
		if id == "" {
			id = "user " + e.Participant.ContactID // Sunshine names the user
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Provider, e.Kind, id, strings.Join(who, " "), e.ConversationID)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var wrong []string
	for _, t := range targets {
		if t.flush == nil {
			continue
		}
		var kinds []string
		for _, e := range got {
			if e.Provider == t.name && e.ConversationID == t.conversation {
				kinds = append(kinds, e.Kind.String())
			}
		}
		if strings.Join(kinds, ",") != "joined,left" {
			wrong = append(wrong, fmt.Sprintf("%s: events %v, want [joined left]", t.name, kinds))
		}
	}
	if len(wrong) > 0 {
		return fmt.Errorf("the events did not go as expected:\n  %s", strings.Join(wrong, "\n  "))
	}
	return nil
}
