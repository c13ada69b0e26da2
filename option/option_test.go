package option_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/internal/clientopt"
	"github.com/conversekit/conversekit/internal/pathparam"
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
		{"http.Client as doer", option.WithDoer(hc), "", func(s *clientopt.Settings) bool { return s.Doer == hc }},
		{"max retries 0", option.WithMaxRetries(0), "", func(s *clientopt.Settings) bool { return s.MaxRetries == 0 && s.MaxRetriesSet }},
		{"max retries 5", option.WithMaxRetries(5), "", func(s *clientopt.Settings) bool { return s.MaxRetries == 5 && s.MaxRetriesSet }},
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
		{"func", option.Func(func(s *clientopt.Settings) error { s.APIVersion = "2.11"; return nil }), "", func(s *clientopt.Settings) bool { return s.APIVersion == "2.11" }},
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
				if s != (clientopt.Settings{}) {
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
