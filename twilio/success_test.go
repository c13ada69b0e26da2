package twilio

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

// A 2xx proves only what its body proves: CreateParticipant and
// FetchParticipant refuse a 2xx body without a participant SID.
func TestSuccessBodyWithoutParticipantSID(t *testing.T) {
	bodies := map[string]string{
		"empty object":     `{}`,
		"status ok":        `{"status":"ok"}`,
		"participant page": page0,
		"null":             `null`,
		"array":            `[]`,
		"array of one":     `[` + participantJSON + `]`,
		"empty sid":        `{"sid":"","identity":"alice"}`,
		"null sid":         `{"sid":null,"identity":"alice"}`,
		"empty body":       ``,
		"not JSON":         `OK`,
		"truncated":        `{"sid": "MB`,
	}
	ops := []struct {
		name, op string
		status   int
		call     func(*Client) error
	}{
		{"create", "POST /v1/Conversations/{ConversationSid}/Participants", 201, func(c *Client) error {
			_, err := c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Identity: "alice"})
			return err
		}},
		{"fetch", "GET /v1/Conversations/{ConversationSid}/Participants/{Sid}", 200, func(c *Client) error {
			_, err := c.FetchParticipant(context.Background(), testCH, testMB)
			return err
		}},
	}
	for _, o := range ops {
		for name, body := range bodies {
			t.Run(o.name+"/"+name, func(t *testing.T) {
				mock := httpmock.NewMockTransport()
				answer(t, mock, jsonResp(o.status, body))
				c := newTestClient(t, mock)
				err := o.call(c)
				var se *SuccessBodyError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v (%T), want *SuccessBodyError", err, err)
				}
				var ae *APIError
				if errors.As(err, &ae) {
					t.Errorf("err is also an *APIError: %v", err)
				}
				if se.Vendor != "twilio" || se.Op != o.op || se.StatusCode != o.status {
					t.Errorf("SuccessBodyError = %+v", se)
				}
				want := fmt.Sprintf("twilio: %s: 2xx without a participant ID (sid) (HTTP %d", o.op, o.status)
				if msg := err.Error(); !strings.HasPrefix(msg, want) {
					t.Errorf("Error() = %q, want prefix %q", msg, want)
				}
				if strings.Contains(err.Error(), "alice") || strings.Contains(err.Error(), "driver") {
					t.Errorf("Error() quotes the body: %q", err)
				}
				if n := mock.GetTotalCallCount(); n != 1 {
					t.Errorf("%d requests, want 1", n)
				}
			})
		}
	}
}
