package intercom

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

// A body value may hold spaces and any printable character; only control
// characters are refused.
func TestBodyValuePrintable(t *testing.T) {
	c, _, rec := setup(t, ok(`{"customers":[]}`))
	for _, v := range []string{"ada lovelace", "~tilde~", "José"} {
		if _, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByUserID(v))); err != nil {
			t.Errorf("user_id %q: %v", v, err)
			continue
		}
		if body := rec.last(t).body; !strings.Contains(body, v) {
			t.Errorf("user_id %q: body %s", v, body)
		}
	}
	for _, v := range []string{"a\x1fb", "a\x7fb", "a\tb"} {
		if _, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByUserID(v))); err == nil {
			t.Errorf("user_id %q accepted", v)
		}
	}
}

// A context error comes back as it is, not wrapped in an operation message.
func TestContextErrorsAsTheyAre(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock, _ := setup(t, ok(`{"customers":[]}`))
		canceled, cancel := context.WithCancel(context.Background())
		cancel()
		expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel2()
		for _, ctx := range []context.Context{canceled, expired} {
			_, err := c.AttachContact(ctx, "1", AdminAttach("1", CustomerByEmail("a@b.c")))
			if err == nil || err.Error() != ctx.Err().Error() || !errors.Is(err, ctx.Err()) {
				t.Errorf("AttachContact: %v, want %v as it is", err, ctx.Err())
			}
			_, err = c.DetachContact(ctx, "1", "c1", "1")
			if err == nil || err.Error() != ctx.Err().Error() {
				t.Errorf("DetachContact: %v, want %v as it is", err, ctx.Err())
			}
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("%d requests sent", n)
		}

		// Ended while the request is in flight.
		waiting := func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		}
		for _, mk := range []func() (context.Context, context.CancelFunc){
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx, cancel
			},
		} {
			c, _, _ := setup(t, []httpmock.Responder{waiting})
			ctx, cancel := mk()
			_, err := c.AttachContact(ctx, "1", AdminAttach("1", CustomerByEmail("a@b.c")))
			if err == nil || err.Error() != ctx.Err().Error() || !errors.Is(err, ctx.Err()) {
				t.Errorf("AttachContact in flight: %v, want %v as it is", err, ctx.Err())
			}
			cancel()
			ctx, cancel = mk()
			_, err = c.DetachContact(ctx, "1", "c1", "1")
			if err == nil || err.Error() != ctx.Err().Error() {
				t.Errorf("DetachContact in flight: %v, want %v as it is", err, ctx.Err())
			}
			cancel()
		}
	})
}

// A 2xx body that is not a customers list names its status.
func TestUndecodableSuccessNamesStatus(t *testing.T) {
	c, _, _ := setup(t, []httpmock.Responder{rawResponder(200, `<html>ok</html>`)})
	_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
	if err == nil || !strings.Contains(err.Error(), "HTTP 200") {
		t.Errorf("err = %v, want it to name HTTP 200", err)
	}
}

// Details holds the raw errors list when it has entries, and nothing for an
// empty list.
func TestErrorDetails(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"type":"error.list","errors":[{"code":"x","message":"y"}]}`, `[{"code":"x","message":"y"}]`},
		{`{"type":"error.list","errors":[]}`, ""},
	} {
		c, _, _ := setup(t, []httpmock.Responder{jsonResponder(400, tc.body)})
		_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || string(apiErr.Details) != tc.want || (tc.want == "") != (apiErr.Details == nil) {
			t.Errorf("%s: Details = %q, want %q", tc.body, apiErr.Details, tc.want)
		}
	}
}
