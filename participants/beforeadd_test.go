package participants_test

import (
	"context"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// BeforeAdd may replace an opaque Bird or Intercom body whole, with one
// built by the vendor package's constructors: the replacement is what is
// sent.
func TestBeforeAddReplacesOpaqueBodies(t *testing.T) {
	ctx := context.Background()
	t.Run("bird", func(t *testing.T) {
		c, srv := participantstest.NewBirdParticipants(t)
		res, err := c.Add(ctx, participantstest.BirdConversationID, participants.Participant{Email: "ada@example.com"},
			participants.BeforeAdd(func(body any) error {
				b, ok := body.(*bird.CreateParticipantBody)
				if !ok {
					t.Fatalf("body is %T", body)
				}
				*b = bird.ContactByIdentifier("phonenumber", "+15558675310")
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		log := srv.RequestLog()
		if last := string(log[len(log)-1].Body); !strings.Contains(last, "+15558675310") || strings.Contains(last, "ada@example.com") {
			t.Errorf("sent %s, want the replacement body", last)
		}
		if res.Outcome != participants.Added {
			t.Errorf("Outcome = %v", res.Outcome)
		}
	})
	t.Run("intercom", func(t *testing.T) {
		c, srv := participantstest.NewIntercomParticipants(t)
		_, err := c.Add(ctx, participantstest.IntercomConversationID, participants.Participant{Email: "ada@example.com"},
			participants.BeforeAdd(func(body any) error {
				b, ok := body.(*intercom.AttachContactBody)
				if !ok {
					t.Fatalf("body is %T", body)
				}
				*b = intercom.AdminAttach(participantstest.IntercomAdminID, intercom.CustomerByEmail("grace@example.com"))
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		log := srv.RequestLog()
		if last := string(log[len(log)-1].Body); !strings.Contains(last, "grace@example.com") || strings.Contains(last, "ada@example.com") {
			t.Errorf("sent %s, want the replacement body", last)
		}
	})
}
