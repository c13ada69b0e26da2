package webhook

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/apierror"
)

func TestBuild(t *testing.T) {
	c, err := Build("bird", "signingKey", "k", nil)
	if err != nil || c.MaxBody != DefaultMaxBody || c.Window != 5*time.Minute || c.Now == nil || c.PublicURL != "" {
		t.Fatalf("defaults = %+v, %v", c, err)
	}
	var pe *apierror.ParamError
	if _, err := Build("bird", "signingKey", "", nil); !errors.As(err, &pe) || pe.Field != "signingKey" || pe.Vendor != "bird" {
		t.Fatalf("empty secret: %v", err)
	}
	now := func() time.Time { return time.Unix(1, 0) }
	c, err = Build("bird", "k", "s", []Option{nil, MaxBody(7), Window(time.Second), Clock(now), PublicURL("https://h/p")})
	if err != nil || c.MaxBody != 7 || c.Window != time.Second || c.Now().Unix() != 1 || c.PublicURL != "https://h/p" {
		t.Fatalf("options = %+v, %v", c, err)
	}
	for field, o := range map[string]Option{
		"WithMaxBody": MaxBody(0), "WithReplayWindow": Window(0), "WithClock": Clock(nil), "WithPublicURL": PublicURL("x"),
	} {
		_, err := Build("sunshine", "secret", "s", []Option{o})
		if !errors.As(err, &pe) || pe.Field != field || pe.Vendor != "sunshine" {
			t.Errorf("%s: err = %v", field, err)
		}
	}
	if _, err := Build("sunshine", "secret", "s", []Option{Window(-time.Second)}); err == nil {
		t.Error("a negative window is accepted")
	}
}

func TestRequestURL(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "http://example.com/a%2Fb/c?x=1&y=%20", nil)
	if got, want := RequestURL(r, ""), "http://example.com/a%2Fb/c?x=1&y=%20"; got != want {
		t.Errorf("plain = %q, want %q", got, want)
	}
	r.TLS = &tls.ConnectionState{}
	r.Header.Set("X-Forwarded-Proto", "http")
	if got, want := RequestURL(r, ""), "https://example.com/a%2Fb/c?x=1&y=%20"; got != want {
		t.Errorf("TLS = %q, want %q", got, want)
	}
	if got, want := RequestURL(r, "https://pub.example/hook"), "https://pub.example/hook?x=1&y=%20"; got != want {
		t.Errorf("public = %q, want %q", got, want)
	}
	r = httptest.NewRequest(http.MethodPost, "/only/path", nil)
	r.RequestURI = "" // a client-side request
	if got, want := RequestURL(r, "https://pub.example/hook"), "https://pub.example/hook"; got != want {
		t.Errorf("public without query = %q, want %q", got, want)
	}
	if got, want := RequestURL(r, ""), "http://example.com/only/path"; got != want {
		t.Errorf("no RequestURI = %q, want %q", got, want)
	}
}

func TestReadBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello"))
	b, err := ReadBody(r, 5, "intercom")
	if err != nil || string(b) != "hello" {
		t.Fatalf("ReadBody = %q, %v", b, err)
	}
	again := make([]byte, 10)
	if n, _ := r.Body.Read(again); string(again[:n]) != "hello" {
		t.Fatalf("body after ReadBody = %q", again[:n])
	}
	r = httptest.NewRequest(http.MethodGet, "/", nil)
	if b, err := ReadBody(r, 5, "intercom"); err != nil || len(b) != 0 {
		t.Fatalf("no body = %q, %v", b, err)
	}
	r.Body = nil
	if b, err := ReadBody(r, 5, "intercom"); err != nil || len(b) != 0 {
		t.Fatalf("nil body = %q, %v", b, err)
	}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader("hello!"))
	_, err = ReadBody(r, 5, "intercom")
	var we *apierror.WebhookError
	if !errors.As(err, &we) || we.Kind != apierror.ErrWebhookTooLarge || we.Vendor != "intercom" || !strings.Contains(err.Error(), "Content-Length 6") {
		t.Fatalf("declared too large: %v", err)
	}
}

func TestEqualSecret(t *testing.T) {
	if !EqualSecret("abc", "abc") || EqualSecret("abc", "abd") || EqualSecret("abc", "abcd") || EqualSecret("", "a") {
		t.Fatal("EqualSecret is wrong")
	}
}

func TestWebhookErrorText(t *testing.T) {
	err := Error("bird", apierror.ErrWebhookStale, "messagebird-request-timestamp", "10m old", errors.New("inner"))
	if got, want := err.Error(), "bird webhook: stale timestamp: messagebird-request-timestamp: 10m old"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, apierror.ErrWebhookStale) || errors.Is(err, apierror.ErrWebhookSignature) || errors.Unwrap(err).Error() != "inner" {
		t.Fatal("Is/Unwrap are wrong")
	}
	if got, want := (&apierror.WebhookError{Vendor: "x"}).Error(), "x webhook: refused"; got != want {
		t.Fatalf("no kind: %q, want %q", got, want)
	}
	if (&apierror.WebhookError{}).Is(nil) {
		t.Fatal("Is(nil) on a WebhookError without Kind")
	}
}

type formModel struct {
	S  string  `json:"S,omitempty"`
	N  int     `json:"N"`
	N6 int64   `json:"N6"`
	P  *string `json:"P,omitempty"`
	PN *int    `json:"PN,omitempty"`
	No string  `json:"-"`
	un string  //nolint:unused // unexported: never bound
}

func TestBindForm(t *testing.T) {
	var m formModel
	if err := BindForm(&m, "S=a+b&N=-3&N6=9000000000&P=%2B1&PN=4&No=x&un=y&Other=z"); err != nil {
		t.Fatal(err)
	}
	if m.S != "a b" || m.N != -3 || m.N6 != 9000000000 || m.P == nil || *m.P != "+1" || m.PN == nil || *m.PN != 4 || m.No != "" || m.un != "" {
		t.Fatalf("bound %+v", m)
	}
	var empty formModel
	if err := BindForm(&empty, ""); err != nil || !reflect.DeepEqual(empty, formModel{}) {
		t.Fatalf("empty = %+v, %v", empty, err)
	}
	for payload, says := range map[string]string{
		"S=a&S=b": "S is given more than once", "N=x": "N is not an integer", "PN=1.5": "PN is not an integer",
		"S=%zz": "invalid URL escape", "%zz=1": "invalid URL escape", "S=a;N=1": "semicolon",
	} {
		var m formModel
		if err := BindForm(&m, payload); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("BindForm(%q) = %v, want an error saying %q", payload, err, says)
		}
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a model with a bool field did not panic")
		}
	}()
	var bad struct {
		B bool `json:"B"`
	}
	_ = BindForm(&bad, "B=true")
}

// FuzzScanForm: ScanForm decodes exactly as url.ParseQuery does.
func FuzzScanForm(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a", "&&", "a=%zz", "%41=b+c", "a;b", "=x", "a=1&a=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, werr := url.ParseQuery(s)
		got := url.Values{}
		gerr := ScanForm(s, func(k, v string) error { got[k] = append(got[k], v); return nil })
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("ScanForm(%q) err = %v, url.ParseQuery err = %v", s, gerr, werr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("ScanForm(%q) = %v, url.ParseQuery = %v", s, got, want)
		}
	})
}

// TestDefaultsMatchVendors: the vendor packages spell the defaults out for
// go doc; they must be these.
func TestDefaultsMatchVendors(t *testing.T) {
	if DefaultMaxBody != 1<<20 || DefaultWindow != 5*time.Minute {
		t.Fatalf("defaults %d, %v: the vendor packages' DefaultWebhookMaxBody and bird.DefaultReplayWindow say 1 MiB and 5 minutes", DefaultMaxBody, DefaultWindow)
	}
}
