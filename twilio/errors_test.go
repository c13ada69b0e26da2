package twilio

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
)

// ops runs each operation once against c.
var ops = []struct {
	name       string
	idempotent bool
	run        func(ctx context.Context, c *Client) error
}{
	{"create", false, func(ctx context.Context, c *Client) error {
		_, err := c.CreateParticipant(ctx, testCH, CreateParticipantParams{Identity: "alice", Attributes: `{"ssn":"123-45-6789"}`})
		return err
	}},
	{"list", true, func(ctx context.Context, c *Client) error {
		_, err := c.ListParticipants(ctx, testCH, nil)
		return err
	}},
	{"fetch", true, func(ctx context.Context, c *Client) error {
		_, err := c.FetchParticipant(ctx, testCH, testMB)
		return err
	}},
	{"delete", true, func(ctx context.Context, c *Client) error {
		return c.DeleteParticipant(ctx, testCH, testMB, nil)
	}},
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		status                  int
		body                    string
		code, message, moreInfo string
		details                 string
		contentType             string
	}{
		{409, `{"code": 50433, "message": "Participant already exists", "more_info": "https://www.twilio.com/docs/errors/50433", "status": 409}`,
			"50433", "Participant already exists", "https://www.twilio.com/docs/errors/50433", "", "application/json"},
		{400, `{"code": 50437, "message": "Group participant with this address already exists", "more_info": "https://www.twilio.com/docs/errors/50437", "status": 400}`,
			"50437", "Group participant with this address already exists", "https://www.twilio.com/docs/errors/50437", "", "application/json"},
		{409, `{"code": 50416, "message": "A binding for this participant and proxy address already exists in Conversation CH0123", "more_info": "https://www.twilio.com/docs/errors/50416", "status": 409}`,
			"50416", "A binding for this participant and proxy address already exists in Conversation CH0123", "https://www.twilio.com/docs/errors/50416", "", "application/json"},
		{404, `{"code": 20404, "message": "The requested resource /Conversations/CHx/Participants was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}`,
			"20404", "The requested resource /Conversations/CHx/Participants was not found", "https://www.twilio.com/docs/errors/20404", "", "application/json"},
		{401, `{"code": 20003, "detail": "Your AccountSid or AuthToken was incorrect.", "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`,
			"20003", "Authenticate", "https://www.twilio.com/docs/errors/20003", "", "application/json"},
		{403, `{"code": 20403, "message": "Forbidden", "more_info": "https://www.twilio.com/docs/errors/20403", "status": 403}`,
			"20403", "Forbidden", "https://www.twilio.com/docs/errors/20403", "", "application/json"},
		{400, `{"code": 50407, "message": "Invalid messaging binding address", "more_info": "https://www.twilio.com/docs/errors/50407", "status": 400, "details": {"field": "MessagingBinding.Address"}}`,
			"50407", "Invalid messaging binding address", "https://www.twilio.com/docs/errors/50407", `{"field": "MessagingBinding.Address"}`, "application/json"},
		{400, `{"code": "50408", "message": 12, "more_info": null, "status": "400", "details": null}`,
			"50408", "", "", "", "application/json"},
		{503, "<html><head><title>503 Service Unavailable</title></head><body>upstream</body></html>",
			"", "", "", "", "text/html"},
		{500, "", "", "", "", "", ""},
		{502, `{"code": 20500, "message": "Internal`, "", "", "", "", "application/json"},
	}
	for _, tt := range tests {
		for _, op := range ops {
			t.Run(http.StatusText(tt.status)+"/"+tt.code+"/"+op.name, func(t *testing.T) {
				mock := httpmock.NewMockTransport()
				rec := answer(t, mock, rawResp(tt.status, tt.contentType, tt.body, "Twilio-Request-Id", testReqID))
				c := newTestClient(t, mock)
				err := op.run(context.Background(), c)
				var ae *APIError
				if !errors.As(err, &ae) {
					t.Fatalf("err = %v (%T), want *APIError", err, err)
				}
				if ae.StatusCode != tt.status || ae.Code != tt.code || ae.Message != tt.message || ae.MoreInfo != tt.moreInfo ||
					ae.RequestID != testReqID || ae.Vendor != "twilio" || string(ae.Details) != tt.details {
					t.Errorf("APIError = status %d code %q message %q more_info %q request %q vendor %q details %s",
						ae.StatusCode, ae.Code, ae.Message, ae.MoreInfo, ae.RequestID, ae.Vendor, ae.Details)
				}
				if string(ae.Body) != tt.body {
					t.Errorf("Body = %q", ae.Body)
				}
				msg := err.Error()
				for _, secret := range []string{testAuthToken, testBasic, "123-45-6789"} {
					if strings.Contains(msg, secret) {
						t.Errorf("Error() %q contains a secret", msg)
					}
				}
				if !strings.Contains(msg, "twilio") || !strings.Contains(msg, tt.code) {
					t.Errorf("Error() = %q", msg)
				}
				wantCalls := 1
				if tt.status >= 500 && op.idempotent {
					wantCalls = 4 // first attempt + 3 retries
				}
				if n := len(rec.all()); n != wantCalls {
					t.Errorf("%d attempts, want %d", n, wantCalls)
				}
			})
		}
	}
}

func TestAPIErrorRedactsEchoedToken(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(401, `{"code": 20003, "message": "bad token `+testAuthToken+` for `+testBasic+`", "status": 401}`,
		"Twilio-Request-Id", testAuthToken))
	c := newTestClient(t, mock)
	_, err := c.FetchParticipant(context.Background(), testCH, testMB)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testAuthToken) || strings.Contains(err.Error(), strings.TrimPrefix(testBasic, "Basic ")) {
		t.Errorf("Error() leaks the token: %q", err)
	}
	if !strings.Contains(ae.Message, "[redacted]") {
		t.Errorf("Message = %q", ae.Message)
	}
}

func TestTransportFailure(t *testing.T) {
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			rec := answer(t, mock, func(*http.Request) (*http.Response, error) {
				return nil, errors.New("connection reset by peer")
			})
			c := newTestClient(t, mock)
			err := op.run(context.Background(), c)
			if err == nil {
				t.Fatal("no error")
			}
			var ae *APIError
			if errors.As(err, &ae) {
				t.Errorf("transport failure became an APIError: %v", err)
			}
			if !strings.Contains(err.Error(), "twilio") || !strings.Contains(err.Error(), "connection reset by peer") {
				t.Errorf("err = %v", err)
			}
			want := 1
			if op.idempotent {
				want = 4
			}
			if n := len(rec.all()); n != want {
				t.Errorf("%d attempts, want %d", n, want)
			}
		})
	}
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		rec := answer(t, mock,
			jsonResp(429, `{"code": 20429, "message": "Too Many Requests", "more_info": "https://www.twilio.com/docs/errors/20429", "status": 429}`, "Retry-After", "1"),
			jsonResp(201, participantJSON))
		c := newTestClient(t, mock)
		start := time.Now()
		p, err := c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Identity: "alice"})
		elapsed := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if p.SID != testMB {
			t.Errorf("sid = %q", p.SID)
		}
		calls := rec.all()
		if len(calls) != 2 {
			t.Fatalf("%d attempts, want 2", len(calls))
		}
		if elapsed < 950*time.Millisecond {
			t.Errorf("elapsed %s, want the 1s Retry-After honoured", elapsed)
		}
		if calls[0].body != calls[1].body || calls[1].body != "Identity=alice" {
			t.Errorf("retried body = %q, first %q", calls[1].body, calls[0].body)
		}
	})
}

func TestPost503NotRetried(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, rawResp(503, "text/html", "<html>busy</html>"), jsonResp(201, participantJSON))
	c := newTestClient(t, mock)
	_, err := c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Address: "+15558675310", ProxyAddress: "+15017122661"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("err = %v, want a 503 APIError", err)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d attempts, want exactly 1", n)
	}
}

func TestGet503Retried(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock, rawResp(503, "text/html", "<html>busy</html>"), jsonResp(200, participantJSON))
	c := newTestClient(t, mock)
	if _, err := c.FetchParticipant(context.Background(), testCH, testMB); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.all()); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
}

func TestRetryAfterPastDeadline(t *testing.T) {
	mock := httpmock.NewMockTransport()
	rec := answer(t, mock,
		jsonResp(429, `{"code": 20429, "message": "Too Many Requests", "status": 429}`, "Retry-After", "30"),
		jsonResp(201, participantJSON))
	c := newTestClient(t, mock)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.CreateParticipant(ctx, testCH, CreateParticipantParams{Identity: "alice"})
	elapsed := time.Since(start)
	if elapsed > 500*time.Millisecond {
		t.Errorf("returned after %s, want at once", elapsed)
	}
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v (%T), want *APIError", err, err)
	}
	if !strings.Contains(ae.Error(), "rate limited") || ae.RetryAfter != 30*time.Second || ae.StatusCode != 429 || ae.Code != CodeTooManyRequests {
		t.Errorf("APIError = %q, RetryAfter %s, code %q", ae.Error(), ae.RetryAfter, ae.Code)
	}
	if n := len(rec.all()); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestContextCanceled(t *testing.T) {
	mock := httpmock.NewMockTransport()
	answer(t, mock, jsonResp(200, participantJSON))
	c := newTestClient(t, mock)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.FetchParticipant(ctx, testCH, testMB)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
