package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// TestRetryablehttpAssumptions pins the go-retryablehttp behaviour the
// Client is built on (its classification, its backoff, its body
// rewinding), so that an upgrade that changes it fails here.
func TestRetryablehttpAssumptions(t *testing.T) {
	bg := context.Background()
	t.Run("DefaultRetryPolicy classifies statuses", func(t *testing.T) {
		for status, want := range map[int]bool{200: false, 301: false, 400: false, 408: false, 429: true, 500: true, 501: false, 502: true, 503: true, 599: true} {
			if got, _ := retryablehttp.DefaultRetryPolicy(bg, &http.Response{StatusCode: status}, nil); got != want {
				t.Errorf("status %d: retry %v, want %v", status, got, want)
			}
		}
	})
	t.Run("DefaultRetryPolicy refuses errors that cannot heal", func(t *testing.T) {
		for _, tc := range []struct {
			err  error
			want bool
		}{
			{&url.Error{Op: "Get", URL: testURL, Err: errors.New("connection reset by peer")}, true},
			{&url.Error{Op: "Get", URL: testURL, Err: errors.New(`unsupported protocol scheme "ftp"`)}, false},
			{&url.Error{Op: "Get", URL: testURL, Err: errors.New("stopped after 10 redirects")}, false},
			{&url.Error{Op: "Get", URL: testURL, Err: errors.New(`net/http: invalid header field name "a b"`)}, false},
			{&url.Error{Op: "Get", URL: testURL, Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, false},
			{errors.New("boom"), true},
		} {
			if got, _ := retryablehttp.DefaultRetryPolicy(bg, nil, tc.err); got != tc.want {
				t.Errorf("%v: retry %v, want %v", tc.err, got, tc.want)
			}
		}
	})
	t.Run("DefaultBackoff doubles up to max, without overflow", func(t *testing.T) {
		for _, tc := range []struct {
			min, max time.Duration
			attempt  int
			want     time.Duration
		}{
			{time.Second, time.Minute, 0, time.Second},
			{time.Second, time.Minute, 3, 8 * time.Second},
			{time.Second, time.Minute, 6, time.Minute},
			{time.Second, 1<<63 - 1, 62, 1<<63 - 1},
			{time.Second, 1<<63 - 1, 1000, 1<<63 - 1},
		} {
			if got := retryablehttp.DefaultBackoff(tc.min, tc.max, tc.attempt, nil); got != tc.want {
				t.Errorf("DefaultBackoff(%s, %s, %d) = %s, want %s", tc.min, tc.max, tc.attempt, got, tc.want)
			}
		}
	})
	t.Run("SetBody reads a plain body once and replays it", func(t *testing.T) {
		src := &countingReader{r: strings.NewReader("payload")}
		req, _ := http.NewRequest(http.MethodPost, testURL, io.NopCloser(src))
		rreq := retryablehttp.Request{Request: req}
		if err := rreq.SetBody(req.Body); err != nil {
			t.Fatal(err)
		}
		reads := src.reads
		if reads == 0 || req.ContentLength != 7 {
			t.Fatalf("SetBody: %d reads, ContentLength %d; want the body read up front", reads, req.ContentLength)
		}
		for range 3 {
			rc, err := req.GetBody()
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(rc); string(b) != "payload" {
				t.Errorf("replayed %q", b)
			}
		}
		if src.reads != reads {
			t.Errorf("the source was read again: %d reads", src.reads)
		}
	})
	t.Run("SetBody gives an empty body as http.NoBody", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, testURL, io.NopCloser(strings.NewReader("")))
		rreq := retryablehttp.Request{Request: req}
		if err := rreq.SetBody(req.Body); err != nil {
			t.Fatal(err)
		}
		if rc, err := req.GetBody(); err != nil || rc != http.NoBody {
			t.Errorf("GetBody = %v, %v; want http.NoBody", rc, err)
		}
	})
}

type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) { c.reads++; return c.r.Read(p) }
