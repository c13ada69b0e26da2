package bird

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/option"
)

type responder = func() (*http.Response, error)

// op is one operation of the client, called with per-call options, and
// its success response.
type op struct {
	name       string
	idempotent bool
	ok         func(kv ...string) responder
	run        func(c *Client, opts ...option.Option) error
}

var ops = []op{
	{"AddParticipant", false, func(kv ...string) responder { return jsonResp(201, seed201, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u-1"), opts...)
		return err
	}},
	{"ListParticipants", true, func(kv ...string) responder { return jsonResp(200, `{"results":[]}`, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.ListParticipants(context.Background(), ws, conv, nil, opts...)
		return err
	}},
	{"GetParticipant", true, func(kv ...string) responder { return jsonResp(200, seed201, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.GetParticipant(context.Background(), ws, conv, "p-1", opts...)
		return err
	}},
	{"GetParticipantByIdentifier", true, func(kv ...string) responder { return jsonResp(200, seed201, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.GetParticipantByIdentifier(context.Background(), ws, conv, "emailaddress", "a@b.com", opts...)
		return err
	}},
	{"RemoveParticipant", true, func(kv ...string) responder { return resp(204, "", "", kv...) }, func(c *Client, opts ...option.Option) error {
		return c.RemoveParticipant(context.Background(), ws, conv, "p-1", opts...)
	}},
	{"UpdateParticipant", true, func(kv ...string) responder { return jsonResp(200, seed201, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.UpdateParticipant(context.Background(), ws, conv, "p-1", ParticipantUpdate{Status: ParticipantStatusPending}, opts...)
		return err
	}},
	{"UpdateParticipantByIdentifier", true, func(kv ...string) responder { return jsonResp(200, seed201, kv...) }, func(c *Client, opts ...option.Option) error {
		_, err := c.UpdateParticipantByIdentifier(context.Background(), ws, conv, "emailaddress", "a@b.com", ParticipantUpdate{Status: ParticipantStatusPending}, opts...)
		return err
	}},
	{"AllParticipants", true, func(kv ...string) responder { return jsonResp(200, `{"results":[]}`, kv...) }, func(c *Client, opts ...option.Option) error {
		for _, err := range c.AllParticipants(context.Background(), ws, conv, nil, opts...) {
			return err
		}
		return nil
	}},
}

const notFound = `{"code":"ResourceNotFound","message":"not found"}`

func TestCallOptionHeaderDoesNotLeak(t *testing.T) {
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			c, _, rec := newClient(t, []responder{o.ok()})
			if err := o.run(c, option.WithHeader("X-Trace", "t-1"), option.WithHeader("Accept", "application/x-test")); err != nil {
				t.Fatal(err)
			}
			if h := rec.last(t).Header; h.Get("X-Trace") != "t-1" || h.Get("Accept") != "application/x-test" || h.Get("Authorization") != "AccessKey "+testKey {
				t.Errorf("headers = %v, want the call's headers beside the client's", h)
			}
			if err := o.run(c); err != nil {
				t.Fatal(err)
			}
			if h := rec.last(t).Header; h.Get("X-Trace") != "" || h.Get("Accept") != "application/json" {
				t.Errorf("next call headers = %v: the call's headers leaked", h)
			}
		})
	}
}

func TestCallOptionMaxRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, o := range ops {
			for _, tt := range []struct {
				opts []option.Option
				want int
			}{{nil, 3}, {[]option.Option{option.WithMaxRetries(0)}, 1}, {[]option.Option{option.WithMaxRetries(5)}, 6}} {
				c, mock, _ := newClient(t, []responder{jsonResp(429, notFound)}, option.WithMaxRetries(2))
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
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			c, _, _ := newClient(t, []responder{jsonResp(429, notFound), o.ok("X-Request-Id", "req-ok")})
			var r option.Response
			if err := o.run(c, option.WithResponseInto(&r)); err != nil {
				t.Fatal(err)
			}
			if r.StatusCode < 200 || r.StatusCode > 204 || r.Header.Get("X-Request-Id") != "req-ok" || r.Attempts != 2 {
				t.Errorf("success: Response = %+v", r)
			}
			c, _, _ = newClient(t, []responder{jsonResp(404, notFound, "X-Request-Id", "req-404")})
			r = option.Response{}
			var api *APIError
			if err := o.run(c, option.WithResponseInto(&r)); !errors.As(err, &api) || api.RequestID != "req-404" {
				t.Fatalf("err = %v, want the 404", err)
			}
			if r.StatusCode != 404 || r.Header.Get("X-Request-Id") != "req-404" || r.Attempts != 1 {
				t.Errorf("API error: Response = %+v", r)
			}
		})
	}
}

func TestCallOptionIdempotent(t *testing.T) {
	for _, o := range ops {
		for _, opts := range [][]option.Option{nil, {option.WithIdempotent()}} {
			c, mock, _ := newClient(t, []responder{jsonResp(503, notFound), o.ok()})
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
		{option.WithBaseURL("https://api.bird.test"), "option.WithBaseURL"},
		{option.WithHTTPClient(&http.Client{}), "option.WithHTTPClient"},
		{option.WithDoer(&http.Client{}), "option.WithDoer"},
		{option.WithRetryWait(time.Millisecond, time.Second), "option.WithRetryWait"},
		{option.WithMaxServerWait(time.Second), "option.WithMaxServerWait"},
		{option.WithLogger(slog.New(slog.DiscardHandler)), "option.WithLogger"},
		{option.WithDebugBodies(), "option.WithDebugBodies"},
		{option.WithHeader("Host", "evil.test"), "option.WithHeader"},
		{option.WithAttemptTimeout(0), "option.WithAttemptTimeout"},
		{nil, "opts[1]"},
	}
	for _, o := range ops {
		for _, tt := range refused {
			c, mock, _ := newClient(t, []responder{o.ok()})
			err := o.run(c, option.WithHeader("X-A", "1"), tt.opt)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Vendor != Vendor || pe.Field != tt.field || !strings.HasPrefix(err.Error(), "bird: invalid "+tt.field) {
				t.Errorf("%s: err = %v, want a *ParamError naming %s", o.name, err, tt.field)
			}
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%s with %s: %d requests sent", o.name, tt.field, n)
			}
		}
	}
	if _, err := New(testKey, option.WithResponseInto(new(option.Response))); err == nil || !strings.Contains(err.Error(), "option.WithResponseInto") {
		t.Errorf("New(WithResponseInto) = %v, want it refused", err)
	}
}
