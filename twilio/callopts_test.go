package twilio

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/option"
)

// callOp is one operation of the client, called with per-call options, and
// its success response.
type callOp struct {
	name       string
	idempotent bool
	ok         func(kv ...string) httpmock.Responder
	run        func(c *Client, opts ...option.Option) error
}

var callOps = []callOp{
	{"CreateParticipant", false, func(kv ...string) httpmock.Responder { return jsonResp(201, participantJSON, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Identity: "alice"}, opts...)
		return err
	}},
	{"ListParticipants", true, func(kv ...string) httpmock.Responder { return jsonResp(200, `{"participants":[],"meta":{}}`, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.ListParticipants(context.Background(), testCH, nil, opts...)
		return err
	}},
	{"AllParticipants", true, func(kv ...string) httpmock.Responder { return jsonResp(200, `{"participants":[],"meta":{}}`, kv...) }, func(c *Client, opts ...option.Option) error {
		for _, err := range c.AllParticipants(context.Background(), testCH, nil, opts...) {
			return err
		}
		return nil
	}},
	{"FetchParticipant", true, func(kv ...string) httpmock.Responder { return jsonResp(200, participantJSON, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.FetchParticipant(context.Background(), testCH, testMB, opts...)
		return err
	}},
	{"DeleteParticipant", true, func(kv ...string) httpmock.Responder { return rawResp(204, "", "", kv...) }, func(c *Client, opts ...option.Option) error {
		return c.DeleteParticipant(context.Background(), testCH, testMB, nil, opts...)
	}},
}

const notFound = `{"code":20404,"message":"The requested resource was not found","status":404}`

func TestCallOptionHeaderDoesNotLeak(t *testing.T) {
	for _, o := range callOps {
		t.Run(o.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			rec := answer(t, mock, o.ok())
			c := newTestClient(t, mock)
			if err := o.run(c, option.WithHeader("X-Trace", "t-1"), option.WithHeader("User-Agent", "mine/1")); err != nil {
				t.Fatal(err)
			}
			if err := o.run(c); err != nil {
				t.Fatal(err)
			}
			calls := rec.all()
			if h := calls[0].req.Header; h.Get("X-Trace") != "t-1" || h.Get("User-Agent") != "mine/1" || h.Get("Authorization") != testBasic {
				t.Errorf("headers = %v, want the call's headers beside the client's", h)
			}
			if h := calls[1].req.Header; h.Get("X-Trace") != "" || h.Get("User-Agent") != userAgent {
				t.Errorf("next call headers = %v: the call's headers leaked", h)
			}
		})
	}
}

func TestCallOptionMaxRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, o := range callOps {
			for _, tt := range []struct {
				opts []option.Option
				want int
			}{{nil, 3}, {[]option.Option{option.WithMaxRetries(0)}, 1}, {[]option.Option{option.WithMaxRetries(5)}, 6}} {
				mock := httpmock.NewMockTransport()
				answer(t, mock, jsonResp(429, notFound))
				c := newTestClient(t, mock, option.WithMaxRetries(2))
				if err := o.run(c, tt.opts...); err == nil {
					t.Fatalf("%s: want the 429", o.name)
				}
				if n := mock.GetTotalCallCount(); n != tt.want {
					t.Errorf("%s with %d options: attempts = %d, want %d", o.name, len(tt.opts), n, tt.want)
				}
			}
		}
	})
}

func TestCallOptionResponseInto(t *testing.T) {
	for _, o := range callOps {
		t.Run(o.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			answer(t, mock, jsonResp(429, notFound), o.ok("Twilio-Request-Id", testReqID))
			c := newTestClient(t, mock)
			var r option.Response
			if err := o.run(c, option.WithResponseInto(&r)); err != nil {
				t.Fatal(err)
			}
			if r.StatusCode < 200 || r.StatusCode > 204 || r.Header.Get("Twilio-Request-Id") != testReqID || r.Attempts != 2 {
				t.Errorf("success: Response = %+v", r)
			}
			mock = httpmock.NewMockTransport()
			answer(t, mock, jsonResp(404, notFound, "Twilio-Request-Id", "RQ404"))
			c = newTestClient(t, mock)
			r = option.Response{}
			var api *APIError
			if err := o.run(c, option.WithResponseInto(&r)); !errors.As(err, &api) {
				t.Fatalf("err = %v, want the 404", err)
			}
			if r.StatusCode != 404 || r.Header.Get("Twilio-Request-Id") != "RQ404" || r.Attempts != 1 {
				t.Errorf("API error: Response = %+v", r)
			}
		})
	}
}

func TestCallOptionIdempotent(t *testing.T) {
	for _, o := range callOps {
		for _, opts := range [][]option.Option{nil, {option.WithIdempotent()}} {
			mock := httpmock.NewMockTransport()
			answer(t, mock, jsonResp(503, notFound), o.ok())
			c := newTestClient(t, mock)
			err := o.run(c, opts...)
			want := 1
			if o.idempotent || len(opts) > 0 {
				want = 2
			}
			if n := mock.GetTotalCallCount(); n != want || (want == 2) != (err == nil) {
				t.Errorf("%s with %d options: err = %v after %d attempts, want %d", o.name, len(opts), err, n, want)
			}
		}
	}
}

func TestCallOptionRefused(t *testing.T) {
	refused := []struct {
		opt   option.Option
		field string
	}{
		{option.WithBaseURL("https://conversations.twilio.test"), "option.WithBaseURL"},
		{option.WithHTTPClient(&http.Client{}), "option.WithHTTPClient"},
		{option.WithDoer(&http.Client{}), "option.WithDoer"},
		{option.WithRetryWait(time.Millisecond, time.Second), "option.WithRetryWait"},
		{option.WithMaxServerWait(time.Second), "option.WithMaxServerWait"},
		{option.WithLogger(slog.New(slog.DiscardHandler)), "option.WithLogger"},
		{option.WithDebugBodies(), "option.WithDebugBodies"},
		{option.WithHeader("Content-Type", "text/plain"), "option.WithHeader"},
		{option.WithResponseInto(nil), "option.WithResponseInto"},
		{nil, "opts[1]"},
	}
	for _, o := range callOps {
		for _, tt := range refused {
			mock := httpmock.NewMockTransport()
			answer(t, mock, o.ok())
			c := newTestClient(t, mock)
			err := o.run(c, option.WithHeader("X-A", "1"), tt.opt)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Vendor != vendor || pe.Field != tt.field || !strings.HasPrefix(err.Error(), "twilio: invalid "+tt.field) {
				t.Errorf("%s: err = %v, want a *ParamError naming %s", o.name, err, tt.field)
			}
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%s with %s: %d requests sent", o.name, tt.field, n)
			}
		}
	}
}
