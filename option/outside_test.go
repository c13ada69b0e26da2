package option_test

// This file imports no internal package: it uses option as a program
// outside the module does, implementing a Limiter and building options with
// Func, against a Twilio client whose requests go to an httpmock transport.

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/twilio"
)

const (
	outsideAC = "AC0123456789abcdef0123456789abcdef"
	outsideCH = "CH0123456789abcdef0123456789abcdef"
	outsideMB = "MB0123456789abcdef0123456789abcdef"
	// outsideURL is the participant FetchParticipant reads.
	outsideURL         = twilio.DefaultBaseURL + "/v1/Conversations/" + outsideCH + "/Participants/" + outsideMB
	outsideParticipant = `{"sid":"` + outsideMB + `","conversation_sid":"` + outsideCH + `","account_sid":"` + outsideAC + `","identity":"ada"}`
)

// countingLimiter is a program's own option.Limiter: it lets every attempt
// through, or refuses each with refuse, and counts the waits.
type countingLimiter struct {
	waits  atomic.Int32
	refuse error
}

func (l *countingLimiter) Wait(ctx context.Context) error {
	l.waits.Add(1)
	if l.refuse != nil {
		return l.refuse
	}
	return ctx.Err()
}

// pausingLimiter is a countingLimiter that is also an option.LimiterPauser.
type pausingLimiter struct {
	countingLimiter
	pauses atomic.Int32
}

func (l *pausingLimiter) Pause(context.Context, time.Time) error {
	l.pauses.Add(1)
	return nil
}

var (
	_ option.Limiter       = (*countingLimiter)(nil)
	_ option.LimiterPauser = (*pausingLimiter)(nil)
)

// outsideClient is a Twilio client whose requests go to mock, with options.
func outsideClient(t *testing.T, mock *httpmock.MockTransport, opts ...option.Option) *twilio.Client {
	t.Helper()
	c, err := twilio.New(outsideAC, "secret-token", append([]option.Option{option.WithHTTPClient(&http.Client{Transport: mock})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOutsideLimiterAndFunc: a Func preset (a header and a retry budget) on
// the client, a program's Limiter per call, and a Response, over a 429
// (shared with the pausing limiter) and a 200.
func TestOutsideLimiterAndFunc(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, outsideURL, httpmock.ResponderFromMultipleResponses([]*http.Response{
		func() *http.Response {
			r := httpmock.NewStringResponse(http.StatusTooManyRequests, `{"code":20429,"message":"Too Many Requests","status":429}`)
			r.Header.Set("Retry-After", "0")
			return r
		}(),
		func() *http.Response {
			r := httpmock.NewStringResponse(http.StatusOK, outsideParticipant)
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Twilio-Request-Id", "RQ-2")
			return r
		}(),
	}))
	preset := option.Func(func(s *option.Settings) error {
		return s.Apply(option.WithHeader("X-Preset", "p-1"), option.WithMaxRetries(1))
	})
	c := outsideClient(t, mock, preset, option.WithRetryWait(time.Millisecond, time.Millisecond))

	lim := &pausingLimiter{}
	var resp option.Response
	p, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB, option.WithLimiter(lim), option.WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if p.Identity != "ada" {
		t.Errorf("Identity = %q, want ada", p.Identity)
	}
	if n := mock.GetTotalCallCount(); n != 2 {
		t.Errorf("%d requests, want 2 (the 429 and its retry)", n)
	}
	if w, ps := lim.waits.Load(), lim.pauses.Load(); w != 2 || ps != 1 {
		t.Errorf("limiter: %d waits, %d pauses; want a wait per attempt and the 429's pause", w, ps)
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 2 || resp.Header.Get("Twilio-Request-Id") != "RQ-2" {
		t.Errorf("Response = %+v, want the final 200 with its request ID after 2 attempts", resp)
	}
}

// TestOutsideFuncHeader: the header a Func applies on the client is sent.
func TestOutsideFuncHeader(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var got http.Header
	mock.RegisterResponder(http.MethodGet, outsideURL, func(r *http.Request) (*http.Response, error) {
		got = r.Header.Clone()
		resp := httpmock.NewStringResponse(http.StatusOK, outsideParticipant)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	c := outsideClient(t, mock, option.Func(func(s *option.Settings) error {
		return s.Apply(option.WithHeader("X-Preset", "p-1"))
	}))
	if _, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB); err != nil {
		t.Fatal(err)
	}
	if got.Get("X-Preset") != "p-1" {
		t.Errorf("headers = %v, want X-Preset: p-1 from the Func", got)
	}
}

// TestOutsideRefusals: what a Func or a Limiter refuses stops the call
// before any request, with an error a program can name.
func TestOutsideRefusals(t *testing.T) {
	errMine := errors.New("no calls after hours")
	errQuota := errors.New("quota spent")
	tests := []struct {
		name      string
		opts      []option.Option
		wantField string // the *option.ParamError's Field, or "" for a *option.LimiterError
		wantIs    error  // in the chain, when not nil
	}{
		{"client-only option from a call's Func", []option.Option{option.Func(func(s *option.Settings) error {
			return s.Apply(option.WithBaseURL("https://example.com"))
		})}, "option.WithBaseURL", nil},
		{"bad value from a Func", []option.Option{option.Func(func(s *option.Settings) error {
			return s.Apply(option.WithMaxRetries(101))
		})}, "option.WithMaxRetries", nil},
		{"a Func's own error", []option.Option{option.WithIdempotent(), option.Func(func(*option.Settings) error { return errMine })}, "opts[1]", errMine},
		{"nil Func", []option.Option{option.Func(nil)}, "option.Func", nil},
		{"nil option in a Func", []option.Option{option.Func(func(s *option.Settings) error { return s.Apply(nil) })}, "option.Func", nil},
		{"limiter refusal", []option.Option{option.WithLimiter(&countingLimiter{refuse: errQuota})}, "", errQuota},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			c := outsideClient(t, mock)
			_, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB, tt.opts...)
			if n := mock.GetTotalCallCount(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want %v in its chain", err, tt.wantIs)
			}
			if tt.wantField == "" {
				var le *option.LimiterError
				var same *apierror.LimiterError
				if !errors.As(err, &le) || !errors.As(err, &same) || le != same {
					t.Errorf("err = %v, want a *option.LimiterError (= *apierror.LimiterError)", err)
				}
				return
			}
			var pe *option.ParamError
			var tpe *twilio.ParamError
			if !errors.As(err, &pe) || pe.Field != tt.wantField || pe.Vendor != "twilio" || !errors.As(err, &tpe) || tpe != pe {
				t.Errorf("err = %v, want a *option.ParamError (= *twilio.ParamError) of twilio naming %s", err, tt.wantField)
			}
		})
	}
}

// TestOutsideAPIError: a vendor's non-2xx is the one *apierror.Error that
// every vendor package names, with the fields a program reads.
func TestOutsideAPIError(t *testing.T) {
	mock := httpmock.NewMockTransport()
	mock.RegisterResponder(http.MethodGet, outsideURL, func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(http.StatusNotFound, `{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Twilio-Request-Id", "RQ-404")
		return r, nil
	})
	c := outsideClient(t, mock)
	_, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB)
	var e *apierror.Error
	var te *twilio.APIError
	if !errors.As(err, &e) || !errors.As(err, &te) || e != te {
		t.Fatalf("err = %v, want a *apierror.Error that is the *twilio.APIError", err)
	}
	if e.Vendor != "twilio" || e.StatusCode != 404 || e.Code != "20404" || e.RequestID != "RQ-404" ||
		e.MoreInfo != "https://www.twilio.com/docs/errors/20404" || e.UnknownShape || e.Misrouted() || e.Temporary() || e.Attempts != 1 {
		t.Errorf("APIError = %+v", e)
	}
}
