package bird

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// A 2xx proves only what its body proves: every operation that returns a
// participant refuses a 2xx body without a participant ID.
func TestSuccessBodyWithoutParticipantID(t *testing.T) {
	bodies := map[string]string{
		"empty object":     `{}`,
		"status ok":        `{"status":"ok"}`,
		"participant list": `{"results":[` + seed201 + `],"nextPageToken":""}`,
		"null":             `null`,
		"array":            `[]`,
		"array of one":     `[` + seed201 + `]`,
		"empty id":         `{"id":"","type":"contact"}`,
		"null id":          `{"id":null,"type":"contact"}`,
		"empty body":       ``,
		"not JSON":         `OK`,
		"truncated":        `{"id":"p`,
	}
	ops := []struct {
		name, op string
		status   int
		call     func(*Client) error
	}{
		{"add 201", "POST /workspaces/{workspaceId}/conversations/{conversationId}/participants", 201, func(c *Client) error {
			_, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u-1"))
			return err
		}},
		{"add 200", "POST /workspaces/{workspaceId}/conversations/{conversationId}/participants", 200, func(c *Client) error {
			_, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u-1"))
			return err
		}},
		{"get", "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{participantId}", 200, func(c *Client) error {
			_, err := c.GetParticipant(context.Background(), ws, conv, "p1")
			return err
		}},
		{"get by identifier", "GET /workspaces/{workspaceId}/conversations/{conversationId}/participants/{identifierKey}/{identifierValue}", 200, func(c *Client) error {
			_, err := c.GetParticipantByIdentifier(context.Background(), ws, conv, "emailaddress", "a@b.com")
			return err
		}},
	}
	for _, o := range ops {
		for name, body := range bodies {
			t.Run(o.name+"/"+name, func(t *testing.T) {
				c, mock, _ := newClient(t, []func() (*http.Response, error){jsonResp(o.status, body)})
				err := o.call(c)
				var se *SuccessBodyError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v (%T), want *SuccessBodyError", err, err)
				}
				var ae *APIError
				if errors.As(err, &ae) {
					t.Errorf("err is also an *APIError: %v", err)
				}
				if se.Vendor != "bird" || se.Op != o.op || se.StatusCode != o.status || se.Missing != "a participant ID" {
					t.Errorf("SuccessBodyError = %+v", se)
				}
				want := fmt.Sprintf("bird: %s: 2xx without a participant ID (HTTP %d", o.op, o.status)
				if msg := err.Error(); !strings.HasPrefix(msg, want) {
					t.Errorf("Error() = %q, want prefix %q", msg, want)
				}
				if name == "empty object" && err.Error() != want+": JSON object without it)" {
					t.Errorf("Error() = %q", err)
				}
				if strings.Contains(err.Error(), "3954d22c") {
					t.Errorf("Error() quotes the body: %q", err)
				}
				if n := mock.GetTotalCallCount(); n != 1 {
					t.Errorf("%d requests, want 1 (a 2xx is not retried)", n)
				}
			})
		}
	}
}

// A participant whose id is set but another field has the wrong type is a
// decoding error, not a missing participant.
func TestParticipantWrongTypedField(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"id":"p1","type":"contact","displayName":42}`)})
	_, err := c.GetParticipant(context.Background(), ws, conv, "p1")
	var se *SuccessBodyError
	if err == nil || errors.As(err, &se) || !strings.Contains(err.Error(), "displayName") || !strings.HasPrefix(err.Error(), "bird: ") {
		t.Errorf("err = %v", err)
	}
}
