package option_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/observe"
	"github.com/conversekit/conversekit/option"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type doer struct{}

func (doer) Do(*http.Request) (*http.Response, error) { return nil, nil }

func TestOptions(t *testing.T) {
	hc := &http.Client{}
	logger := slog.New(slog.DiscardHandler)
	var resp option.Response
	lim := rate.NewLimiter(10, 1)
	var nilLim *rate.Limiter
	obs := &observer{}
	tests := []struct {
		name    string
		opt     option.Option
		wantErr string // "" means valid
		check   func(*clientopt.Settings) bool
	}{
		{"base URL", option.WithBaseURL("https://api.eu.intercom.io"), "", func(s *clientopt.Settings) bool { return s.BaseURL == "https://api.eu.intercom.io" }},
		{"empty base URL", option.WithBaseURL(""), "option.WithBaseURL: empty URL", nil},
		{"HTTP client", option.WithHTTPClient(hc), "", func(s *clientopt.Settings) bool { return s.HTTPClient == hc }},
		{"nil HTTP client", option.WithHTTPClient(nil), "nil client", nil},
		{"doer", option.WithDoer(doer{}), "", func(s *clientopt.Settings) bool { return s.Doer == doer{} }},
		{"nil doer", option.WithDoer(nil), "nil doer", nil},
		{"nil *http.Client as doer", option.WithDoer((*http.Client)(nil)), "nil *http.Client", nil},
		{"http.Client as doer", option.WithDoer(hc), "", func(s *clientopt.Settings) bool { return s.Doer == hc }},
		{"max retries 0", option.WithMaxRetries(0), "", func(s *clientopt.Settings) bool { return s.MaxRetries == 0 }},
		{"max retries 5", option.WithMaxRetries(5), "", func(s *clientopt.Settings) bool { return s.MaxRetries == 5 }},
		{"max retries 100", option.WithMaxRetries(100), "", func(s *clientopt.Settings) bool { return s.MaxRetries == 100 }},
		{"max retries -1", option.WithMaxRetries(-1), "-1 is outside 0..100", nil},
		{"max retries 101", option.WithMaxRetries(101), "101 is outside 0..100", nil},
		{"attempt timeout", option.WithAttemptTimeout(time.Second), "", func(s *clientopt.Settings) bool { return s.AttemptTimeout == time.Second }},
		{"zero attempt timeout", option.WithAttemptTimeout(0), "not positive", nil},
		{"negative attempt timeout", option.WithAttemptTimeout(-time.Second), "not positive", nil},
		{"retry wait", option.WithRetryWait(time.Millisecond, time.Second), "", func(s *clientopt.Settings) bool { return s.WaitMin == time.Millisecond && s.WaitMax == time.Second }},
		{"retry wait equal", option.WithRetryWait(time.Second, time.Second), "", func(s *clientopt.Settings) bool { return s.WaitMin == time.Second && s.WaitMax == time.Second }},
		{"retry wait max < min", option.WithRetryWait(time.Second, time.Millisecond), "need 0 < min <= max", nil},
		{"retry wait zero min", option.WithRetryWait(0, time.Second), "need 0 < min <= max", nil},
		{"max server wait", option.WithMaxServerWait(time.Minute), "", func(s *clientopt.Settings) bool { return s.MaxServerWait == time.Minute }},
		{"zero max server wait", option.WithMaxServerWait(0), "not positive", nil},
		{"logger", option.WithLogger(logger), "", func(s *clientopt.Settings) bool { return s.Logger == logger }},
		{"nil logger", option.WithLogger(nil), "nil logger", nil},
		{"header", option.WithHeader("x-trace-id", "abc\t1"), "", func(s *clientopt.Settings) bool {
			return len(s.Header) == 1 && len(s.Header["X-Trace-Id"]) == 1 && s.Header.Get("X-Trace-Id") == "abc\t1"
		}},
		{"header token chars", option.WithHeader("A-z0-9!#$%&'*+.^_`|~", "v"), "", func(s *clientopt.Settings) bool { return s.Header.Get("A-z0-9!#$%&'*+.^_`|~") == "v" }},
		{"header user agent", option.WithHeader("User-Agent", "mine/1"), "", func(s *clientopt.Settings) bool { return s.Header.Get("User-Agent") == "mine/1" }},
		{"header boundary chars", option.WithHeader("aZ09", "v"), "", func(s *clientopt.Settings) bool { return s.Header.Get("Az09") == "v" }},
		{"header value with space and ~", option.WithHeader("X-A", " a b~ "), "", func(s *clientopt.Settings) bool { return s.Header.Get("X-A") == " a b~ " }},
		{"header empty value", option.WithHeader("X-Empty", ""), "", func(s *clientopt.Settings) bool { return len(s.Header["X-Empty"]) == 1 }},
		{"header authorization", option.WithHeader("authorization", "Bearer x"), "option.WithHeader: Authorization is set by the client", nil},
		{"header proxy authorization", option.WithHeader("Proxy-Authorization", "x"), "Proxy-Authorization is set by the client", nil},
		{"header host", option.WithHeader("HOST", "evil.test"), "Host is set by the client", nil},
		{"header content length", option.WithHeader("Content-Length", "1"), "Content-Length is set by the client", nil},
		{"header content type", option.WithHeader("content-type", "text/plain"), "Content-Type is set by the client", nil},
		{"header empty name", option.WithHeader("", "v"), `"" is not a valid header name`, nil},
		{"header name with space", option.WithHeader("X Trace", "v"), `"X Trace" is not a valid header name`, nil},
		{"header name with colon", option.WithHeader("X-A:", "v"), "not a valid header name", nil},
		{"header name with slash", option.WithHeader("X/A", "v"), "not a valid header name", nil},
		{"header name with @", option.WithHeader("X@A", "v"), "not a valid header name", nil},
		{"header name with [", option.WithHeader("X[A", "v"), "not a valid header name", nil},
		{"header name with {", option.WithHeader("X{A", "v"), "not a valid header name", nil},
		{"header name with non-ASCII", option.WithHeader("Xé", "v"), "not a valid header name", nil},
		{"header value CRLF", option.WithHeader("X-A", "v\r\nX-Evil: 1"), "the value of X-A has a control character", nil},
		{"header value NUL", option.WithHeader("X-A", "v\x00"), "control character", nil},
		{"header value 0x1f", option.WithHeader("X-A", "\x1f"), "control character", nil},
		{"header value DEL", option.WithHeader("X-A", "v\x7f"), "control character", nil},
		{"idempotent", option.WithIdempotent(), "", func(s *clientopt.Settings) bool { return s.Idempotent }},
		{"response into", option.WithResponseInto(&resp), "", func(s *clientopt.Settings) bool {
			if s.OnResponse == nil {
				return false
			}
			s.OnResponse(transport.Response{StatusCode: 201, Header: http.Header{"X-Request-Id": {"r-1"}}, Attempts: 2})
			return resp.StatusCode == 201 && resp.Header.Get("X-Request-Id") == "r-1" && resp.Attempts == 2
		}},
		{"nil response", option.WithResponseInto(nil), "option.WithResponseInto: nil *Response", nil},
		{"limiter", option.WithLimiter(lim), "", func(s *clientopt.Settings) bool { return s.Limiter == lim }},
		{"nil limiter", option.WithLimiter(nil), "option.WithLimiter: nil limiter", nil},
		{"observer", option.WithObserver(obs), "", func(s *clientopt.Settings) bool { return s.Observer == obs }},
		{"nil observer", option.WithObserver(nil), "option.WithObserver: nil observer", nil},
		{"nil *rate.Limiter", option.WithLimiter(nilLim), "option.WithLimiter: nil limiter", nil},
		{"func", option.Func(func(s *option.Settings) error {
			return s.Apply(option.WithMaxRetries(7), option.WithHeader("X-A", "1"))
		}), "", func(s *clientopt.Settings) bool {
			return s.MaxRetries == 7 && s.Header.Get("X-A") == "1"
		}},
		{"func refusing an option", option.Func(func(s *option.Settings) error { return s.Apply(option.WithMaxRetries(-1)) }), "option.WithMaxRetries: -1 is outside 0..100", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s clientopt.Settings
			err := tt.opt.Apply(&s)
			if tt.wantErr != "" {
				var pe *pathparam.Error
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "invalid option.") ||
					!errors.As(err, &pe) || !strings.HasPrefix(pe.Field, "option.With") {
					t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if !reflect.ValueOf(s).IsZero() {
					t.Errorf("a refused option changed the settings: %+v", s)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(&s) {
				t.Errorf("settings = %+v", s)
			}
		})
	}
}

func TestHeaderLastWins(t *testing.T) {
	var s clientopt.Settings
	for _, o := range []option.Option{option.WithHeader("X-A", "1"), option.WithHeader("x-a", "2"), option.WithHeader("X-B", "3")} {
		if err := o.Apply(&s); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.Header) != 2 || len(s.Header["X-A"]) != 1 || s.Header.Get("X-A") != "2" || s.Header.Get("X-B") != "3" {
		t.Errorf("Header = %v, want X-A: 2 and X-B: 3", s.Header)
	}
}

// observer is an option.Observer that leaves every call alone.
type observer struct{}

func (*observer) StartCall(ctx context.Context, _ observe.Call) (context.Context, observe.CallObserver) {
	return ctx, nil
}
