package intercom

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

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/option"
)

// op is one operation of the client, called with per-call options.
type op struct {
	name       string
	idempotent bool
	body       string // a 200 body the operation accepts
	run        func(c *Client, opts ...option.Option) error
}

var ops = []op{
	{"AttachContact", false, seedResponse, func(c *Client, opts ...option.Option) error {
		_, err := c.AttachContact(context.Background(), "123", AdminAttach("781236", CustomerByIntercomUserID("abc")), opts...)
		return err
	}},
	{"DetachContact", true, seedResponse, func(c *Client, opts ...option.Option) error {
		_, err := c.DetachContact(context.Background(), "123", "abc", "781236", opts...)
		return err
	}},
	{"ConversationContacts", true, seedConversation, func(c *Client, opts ...option.Option) error {
		_, err := c.ConversationContacts(context.Background(), "123", opts...)
		return err
	}},
}

func (r *recorder) n() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

const notFound = `{"type":"error.list","errors":[{"code":"not_found","message":"Resource Not Found"}]}`

func TestCallOptionHeaderDoesNotLeak(t *testing.T) {
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			c, _, rec := setup(t, ok(o.body))
			if err := o.run(c, option.WithHeader("X-Trace", "t-1"), option.WithHeader("Intercom-Version", "2.11")); err != nil {
				t.Fatal(err)
			}
			if h := rec.last(t).req.Header; h.Get("X-Trace") != "t-1" || h.Get("Intercom-Version") != "2.11" || h.Get("Authorization") != "Bearer "+testToken {
				t.Errorf("headers = %v, want the call's headers beside the client's", h)
			}
			if err := o.run(c); err != nil {
				t.Fatal(err)
			}
			if h := rec.last(t).req.Header; h.Get("X-Trace") != "" || h.Get("Intercom-Version") != DefaultVersion {
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
				c, _, rec := setup(t, []httpmock.Responder{jsonResponder(429, notFound)}, option.WithMaxRetries(2))
				if err := o.run(c, tt.opts...); err == nil {
					t.Fatalf("%s: want the 429", o.name)
				}
				if n := rec.n(); n != tt.want {
					t.Errorf("%s with %d options: attempts = %d, want %d", o.name, len(tt.opts), n, tt.want)
				}
			}
		}
	})
}

func TestCallOptionAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _, _ := setup(t, []httpmock.Responder{func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}}, option.WithAttemptTimeout(time.Minute))
		start := time.Now()
		err := ops[0].run(c, option.WithAttemptTimeout(20*time.Millisecond), option.WithMaxRetries(0))
		if err == nil || time.Since(start) > 10*time.Second {
			t.Errorf("err = %v after %s, want the call's 20ms attempt timeout", err, time.Since(start))
		}
	})
}

func TestCallOptionResponseInto(t *testing.T) {
	for _, o := range ops {
		t.Run(o.name, func(t *testing.T) {
			c, _, _ := setup(t, []httpmock.Responder{jsonResponder(429, notFound), jsonResponder(200, o.body, "X-Request-Id", "req-ok")})
			var r option.Response
			if err := o.run(c, option.WithResponseInto(&r)); err != nil {
				t.Fatal(err)
			}
			if r.StatusCode != 200 || r.Header.Get("X-Request-Id") != "req-ok" || r.Attempts != 2 {
				t.Errorf("success: Response = %+v", r)
			}
			c, _, _ = setup(t, []httpmock.Responder{jsonResponder(404, notFound, "X-Request-Id", "req-404")})
			r = option.Response{}
			var api *APIError
			if err := o.run(c, option.WithResponseInto(&r)); !errors.As(err, &api) {
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
			c, _, rec := setup(t, []httpmock.Responder{jsonResponder(503, notFound), jsonResponder(200, o.body)})
			err := o.run(c, opts...)
			want := 1
			if o.idempotent || len(opts) > 0 {
				want = 2
			}
			if n := rec.n(); n != want || (want == 2) != (err == nil) {
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
		{option.WithBaseURL("https://api.eu.intercom.io"), "option.WithBaseURL"},
		{option.WithHTTPClient(&http.Client{}), "option.WithHTTPClient"},
		{option.WithDoer(&http.Client{}), "option.WithDoer"},
		{option.WithRetryWait(time.Millisecond, time.Second), "option.WithRetryWait"},
		{option.WithMaxServerWait(time.Second), "option.WithMaxServerWait"},
		{option.WithLogger(slog.New(slog.DiscardHandler)), "option.WithLogger"},
		{option.WithDebugBodies(), "option.WithDebugBodies"},
		{WithVersion("2.11"), "intercom.WithVersion"},
		{option.WithHeader("Authorization", "Bearer other"), "option.WithHeader"},
		{option.WithMaxRetries(-1), "option.WithMaxRetries"},
		{nil, "opts[1]"},
	}
	for _, o := range ops {
		for _, tt := range refused {
			c, mock, _ := setup(t, ok(o.body))
			err := o.run(c, option.WithHeader("X-A", "1"), tt.opt)
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Vendor != vendor || pe.Field != tt.field || !strings.HasPrefix(err.Error(), "intercom: invalid "+tt.field) {
				t.Errorf("%s: err = %v, want a *ParamError naming %s", o.name, err, tt.field)
			}
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%s with %s: %d requests sent", o.name, tt.field, n)
			}
		}
	}
	var pe *pathparam.Error
	_, err := New(testToken, option.WithIdempotent())
	if !errors.As(err, &pe) || pe.Field != "option.WithIdempotent" {
		t.Errorf("New(WithIdempotent) = %v, want it refused", err)
	}
}
