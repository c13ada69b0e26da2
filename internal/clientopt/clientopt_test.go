package clientopt

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"go.uber.org/goleak"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/internal/transport"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestCheckBaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string // "" means accepted
	}{
		{"https://api.intercom.io", ""},
		{"https://api.eu.intercom.io/", ""},
		{"https://example.com:8443/base/path", ""},
		{"HTTPS://api.example.com", ""},
		{"http://localhost:8080", ""},
		{"http://LOCALHOST", ""},
		{"http://127.0.0.1:1234", ""},
		{"http://127.8.9.10", ""},
		{"http://[::1]:9000/x", ""},
		{"http://api.example.com", "plain http"},
		{"http://localhost.evil.com", "plain http"},
		{"http://10.0.0.1", "plain http"},
		{"http://[::ffff:8.8.8.8]", "plain http"},
		{"ftp://example.com", "scheme must be https"},
		{"example.com", "scheme must be https"},
		{"/relative", "scheme must be https"},
		{"https://", "no host"},
		{"https:example.com", "no host"},
		{"https://user:SECRETPASS@example.com", "credentials"},
		{"https://token@example.com", "credentials"},
		{"https://example.com/?a=1", "query or fragment"},
		{"https://example.com/?", "query or fragment"},
		{"https://example.com/#frag", "query or fragment"},
		{"https://example.com/#", "query or fragment"},
		{"https://exa mple.com", "not a URL"},
		{"://x", "not a URL"},
	}
	for _, tt := range tests {
		u, err := CheckBaseURL("bird", tt.raw)
		if tt.wantErr == "" {
			if err != nil || u == nil {
				t.Errorf("CheckBaseURL(%q) = %v, %v; want accepted", tt.raw, u, err)
			}
			continue
		}
		var pe *pathparam.Error
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "bird: invalid option.WithBaseURL: ") ||
			!errors.As(err, &pe) || pe.Vendor != "bird" || pe.Field != "option.WithBaseURL" {
			t.Errorf("CheckBaseURL(%q) = %v, want a *pathparam.Error of option.WithBaseURL containing %q", tt.raw, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "SECRETPASS") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestUserAgent(t *testing.T) {
	if UserAgent != "conversekit/"+Version || Version == "" {
		t.Errorf("UserAgent = %q", UserAgent)
	}
}

// TestTransport checks that Settings reach the transport: headers,
// User-Agent, retries (including an explicit 0), decode.
func TestTransport(t *testing.T) {
	tests := []struct {
		name         string
		s            Settings
		wantAttempts int
	}{
		{"default retries", Settings{MaxRetries: transport.DefaultMaxRetries, WaitMin: time.Millisecond, WaitMax: time.Millisecond}, 4},
		{"0 retries", Settings{MaxRetries: 0}, 1},
		{"2 retries", Settings{MaxRetries: 2, WaitMin: time.Millisecond, WaitMax: time.Millisecond}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mock := httpmock.NewMockTransport()
			var uas, auths []string
			mock.RegisterResponder("GET", "https://api.example.test/x", func(r *http.Request) (*http.Response, error) {
				uas = append(uas, r.Header.Get("User-Agent"))
				auths = append(auths, r.Header.Get("Authorization"))
				return httpmock.NewStringResponse(429, `{"code":"slow"}`), nil
			})
			s := tt.s
			s.HTTPClient = &http.Client{Transport: mock}
			hdr := http.Header{"Authorization": {"Bearer t"}, "User-Agent": {"overridden"}}
			var decoded bool
			c := s.Transport("acme", hdr, func(e *apierror.Error) { decoded = true }, transport.Redaction{})
			if hdr.Get("User-Agent") != "overridden" {
				t.Error("Transport modified the caller's header")
			}
			req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
			_, err := c.Do(context.Background(), req, c.Defaults())
			var apiErr *apierror.Error
			if !errors.As(err, &apiErr) || apiErr.Vendor != "acme" || !decoded {
				t.Fatalf("err = %v, decoded %v", err, decoded)
			}
			if n := mock.GetTotalCallCount(); n != tt.wantAttempts || apiErr.Attempts != tt.wantAttempts {
				t.Errorf("attempts = %d (error says %d), want %d", n, apiErr.Attempts, tt.wantAttempts)
			}
			for i := range uas {
				if uas[i] != UserAgent || auths[i] != "Bearer t" {
					t.Errorf("attempt %d: User-Agent %q, Authorization %q", i+1, uas[i], auths[i])
				}
			}
		})
	}

	t.Run("nil header, doer, logger", func(t *testing.T) {
		var ua string
		var buf strings.Builder
		s := Settings{
			Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
				ua = r.Header.Get("User-Agent")
				return httpmock.NewStringResponse(200, "ok"), nil
			}),
			Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		}
		c := s.Transport("acme", nil, nil, transport.Redaction{})
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.example.test/x", nil)
		resp, err := c.Do(context.Background(), req, c.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if ua != UserAgent {
			t.Errorf("User-Agent = %q", ua)
		}
		if !strings.Contains(buf.String(), "vendor=acme") {
			t.Errorf("logger not used: %q", buf.String())
		}
	})

	t.Run("attempt timeout", func(t *testing.T) {
		s := Settings{
			AttemptTimeout: 20 * time.Millisecond,
			MaxRetries:     0,
			Doer: doerFunc(func(r *http.Request) (*http.Response, error) {
				<-r.Context().Done()
				return nil, r.Context().Err()
			}),
		}
		c := s.Transport("acme", nil, nil, transport.Redaction{})
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
		start := time.Now()
		if _, err := c.Do(context.Background(), req, c.Defaults()); err == nil {
			t.Fatal("want a timeout")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %s, want the 20ms attempt timeout", d)
		}
	})

	t.Run("max server wait", func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder("GET", "https://api.example.test/x", func(r *http.Request) (*http.Response, error) {
			resp := httpmock.NewStringResponse(429, "")
			resp.Header.Set("Retry-After", "5")
			return resp, nil
		})
		s := Settings{HTTPClient: &http.Client{Transport: mock}, MaxServerWait: time.Second, MaxRetries: 1}
		c := s.Transport("acme", nil, nil, transport.Redaction{})
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.test/x", nil)
		_, err := c.Do(context.Background(), req, c.Defaults())
		if err == nil || !strings.Contains(err.Error(), "rate limited") || mock.GetTotalCallCount() != 1 {
			t.Errorf("err = %v after %d attempts, want rate limited after 1", err, mock.GetTotalCallCount())
		}
	})
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

type optFunc func(*Settings) error

func (f optFunc) Apply(s *Settings) error { return f(s) }

func TestResolve(t *testing.T) {
	const def = "https://api.acme.test"
	base := func(u string) Option { return optFunc(func(s *Settings) error { s.BaseURL = u; return nil }) }
	retries := optFunc(func(s *Settings) error { s.MaxRetries = 2; return nil })
	boom := errors.New("option.WithBoom: no")
	tests := []struct {
		name    string
		opts    []Option
		wantURL string
		wantErr string // "" means accepted
	}{
		{"no options", nil, def, ""},
		{"settings kept", []Option{retries}, def, ""},
		{"base URL", []Option{base("https://eu.acme.test/")}, "https://eu.acme.test/", ""},
		{"loopback", []Option{base("http://127.0.0.1:8080/p")}, "http://127.0.0.1:8080/p", ""},
		{"last base URL wins", []Option{base("https://a.test"), base("https://b.test")}, "https://b.test", ""},
		{"nil option", []Option{retries, nil}, "", "acme: invalid opts[1]: nil option"},
		{"option error", []Option{optFunc(func(*Settings) error { return boom })}, "", "acme: invalid opts[0]: option.WithBoom: no"},
		{"typed option error", []Option{optFunc(func(*Settings) error { return &pathparam.Error{Field: "option.WithX", Reason: "bad"} })}, "", "acme: invalid option.WithX: bad"},
		{"first error wins", []Option{nil, optFunc(func(*Settings) error { return boom })}, "", "acme: invalid opts[0]: nil option"},
		{"bad base URL", []Option{base("http://api.acme.test")}, "", "acme: invalid option.WithBaseURL: "},
		{"base URL with credentials", []Option{base("https://u:SECRETPASS@acme.test")}, "", "credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Resolve("acme", def, tt.opts)
			if tt.wantErr != "" {
				var pe *pathparam.Error
				if err == nil || !strings.HasPrefix(err.Error(), "acme: ") || !strings.Contains(err.Error(), tt.wantErr) ||
					!errors.As(err, &pe) || pe.Vendor != "acme" {
					t.Fatalf("err = %v, want a *pathparam.Error of acme with %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "SECRETPASS") {
					t.Errorf("err = %v shows the password", err)
				}
				return
			}
			if err != nil || s.BaseURL != tt.wantURL {
				t.Fatalf("Resolve = %q, %v; want %q", s.BaseURL, err, tt.wantURL)
			}
			if tt.name == "settings kept" && s.MaxRetries != 2 {
				t.Errorf("settings lost: %+v", s)
			}
		})
	}
	if _, err := Resolve("acme", def, []Option{optFunc(func(*Settings) error { return boom })}); !errors.Is(err, boom) {
		t.Errorf("err = %v does not wrap the option's error", err)
	}
}

func TestCheckCredential(t *testing.T) {
	tests := []struct{ v, want string }{
		{"", "is empty"},
		{" \t ", "is blank"},
		{" tok3n-SECRET", "leading or trailing white space"},
		{"tok3n-SECRET\n", "leading or trailing white space"},
		{"tok3n-SECRET\xff", "not valid UTF-8"},
		{"tok3n\x00SECRET", "control character"},
		{"tok3n\nX-Evil: SECRET", "control character"},
		{"tok3n\x7fSECRET", "control character"},
		{"tok3n\u0085SECRET", "control character"},
	}
	for _, tt := range tests {
		err := CheckCredential("acme", "token", tt.v)
		var pe *pathparam.Error
		if err == nil || !strings.HasPrefix(err.Error(), "acme: invalid token: ") || !strings.Contains(err.Error(), tt.want) ||
			!errors.As(err, &pe) || pe.Field != "token" {
			t.Errorf("CheckCredential(%q) = %v, want %q", tt.v, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("CheckCredential(%q) = %v shows the value", tt.v, err)
		}
	}
	for _, v := range []string{"tok", "AC0123456789abcdef0123456789abcdef", "a b", "Zoë=="} {
		if err := CheckCredential("acme", "token", v); err != nil {
			t.Errorf("CheckCredential(%q) = %v", v, err)
		}
	}
}
