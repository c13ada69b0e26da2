package intercomparticipants_test

import (
	"strings"
	"testing"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
	"github.com/conversekit/conversekit/participants/drivertest"
	"github.com/conversekit/conversekit/participants/intercomparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// TestIntercomConformanceConversationAnswers runs the conformance suite a
// second time on Intercom (TestConformance runs it with the customers list
// Intercom sends) with a fake that answers every attach and detach with
// the conversation object of Intercom's official 2.14 definition.
func TestIntercomConformanceConversationAnswers(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		Name: "intercom",
		New: func(t *testing.T) *drivertest.Fixture {
			f := newIntercomConformance(t)
			f.Fake.(*participantstest.IntercomServer).AnswerWithConversation(true)
			return f
		},
		Events: &drivertest.Events{
			Subscribe: func(t *testing.T, f *drivertest.Fixture, url string, w participantstest.Webhooks) (drivertest.Deliveries, driver.Receiver) {
				return participantstest.SubscribeIntercom(t, f.Fake.(*participantstest.IntercomServer), url, w)
			},
		},
	})
}

// convBody is the conversation object of the official 2.14 definition,
// answering an attach or detach, with the contacts (id, external id).
func convBody(contacts ...[2]string) string {
	var b strings.Builder
	b.WriteString(`{"type":"conversation","id":"123","contacts":{"type":"contact.list","contacts":[`)
	for i, c := range contacts {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"type":"contact","id":"` + c[0] + `","external_id":"` + c[1] + `"}`)
	}
	b.WriteString("]}}")
	return b.String()
}

// An attach or detach answered with the conversation object is a success
// when it shows what the request did, in either shape, and Unknown when it
// shows otherwise.
func TestIntercomConversationAnswers(t *testing.T) {
	f := newICLife(t, intercomparticipants.Options{})
	f.fake.AnswerWithConversation(true)
	res, err := f.c.Add(ctx, icConv, participants.Participant{ID: f.lead.ID})
	if err != nil {
		t.Fatal(err)
	}
	var list *intercom.CustomersList
	if !res.As(&list) || list.Contacts == nil || len(list.Customers) != 3 || list.Customers[2] != (intercom.CustomerRef{Type: "contact", ID: f.lead.ID}) {
		t.Errorf("As = %+v", list)
	}
	res, err = f.c.Remove(ctx, icConv, participants.Participant{ExternalID: "ext-bob"})
	if err != nil || res.Outcome != participants.Removed || res.ID != f.bob.ID {
		t.Fatalf("Remove = %+v, %v", res, err)
	}
	f.fake.Reset()

	alice, bob := [2]string{f.alice.ID, "ext-alice"}, [2]string{f.bob.ID, "ext-bob"}
	for _, tt := range []struct {
		name  string
		p     participants.Participant
		body  string
		code  participants.ErrorCode
		field string
	}{
		{"ID shown", participants.Participant{ID: f.bob.ID}, convBody(alice, bob), participants.OK, ""},
		{"ID not shown", participants.Participant{ID: f.bob.ID}, convBody(alice), participants.Unknown, "ID"},
		{"ID not in customers", participants.Participant{ID: f.bob.ID}, `{"customers":[{"type":"user","id":"` + f.alice.ID + `"}]}`, participants.Unknown, "ID"},
		{"ExternalID shown", participants.Participant{ExternalID: "ext-bob"}, convBody(alice, bob), participants.OK, ""},
		{"ExternalID not shown", participants.Participant{ExternalID: "ext-bob"}, convBody(alice), participants.Unknown, "ExternalID"},
		// The customers list carries no external IDs, nor either shape
		// an email: nothing to check.
		{"ExternalID, customers", participants.Participant{ExternalID: "ext-bob"}, `{"customers":[{"type":"user","id":"` + f.alice.ID + `"}]}`, participants.OK, ""},
		{"Email", participants.Participant{Email: "bob@example.com"}, convBody(alice), participants.OK, ""},
	} {
		t.Run("attach/"+tt.name, func(t *testing.T) {
			f.fake.InjectFaults(participantstest.Fault{Status: 200, Body: tt.body})
			res, err := f.c.Add(ctx, icConv, tt.p)
			if tt.code == participants.OK {
				if err != nil || res.Outcome != participants.Unreported {
					t.Fatalf("Add = %+v, %v", res, err)
				}
				return
			}
			if res != nil {
				t.Errorf("result = %+v", res)
			}
			intercomWantCode(t, err, tt.code, tt.field)
		})
	}

	// A detach answered with a conversation that still holds the contact
	// is Unknown; one without it is Removed.
	f.fake.InjectFaults(participantstest.Fault{Status: 200, Body: convBody(alice, bob)})
	_, err = f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	if pe := intercomWantCode(t, err, participants.Unknown, ""); !strings.Contains(pe.Message, "still holds it") {
		t.Errorf("message = %q", pe.Message)
	}
	f.fake.InjectFaults(participantstest.Fault{Status: 200, Body: convBody(alice)})
	res, err = f.c.Remove(ctx, icConv, participants.Participant{ID: f.bob.ID})
	if err != nil || res.Outcome != participants.Removed {
		t.Errorf("Remove = %+v, %v", res, err)
	}
}
