package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/jarcoal/httpmock"
)

// TestRetryablehttpAssumptions pins the go-retryablehttp behaviour Client
// relies on, so that an upgrade that changes it fails here.
func TestRetryablehttpAssumptions(t *testing.T) {
	newRC := func(status int, check retryablehttp.CheckRetry, wait time.Duration) (*retryablehttp.Client, *httpmock.MockTransport) {
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder("GET", testURL, httpmock.NewStringResponder(status, "last body"))
		return &retryablehttp.Client{
			HTTPClient:   &http.Client{Transport: mock},
			RetryWaitMin: wait, RetryWaitMax: wait, RetryMax: 2,
			CheckRetry: check, Backoff: retryablehttp.DefaultBackoff,
			ErrorHandler: retryablehttp.PassthroughErrorHandler,
		}, mock
	}
	get := func(ctx context.Context) *retryablehttp.Request {
		r, _ := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
		return r
	}
	always := func(context.Context, *http.Response, error) (bool, error) { return true, nil }

	t.Run("exhausted: (resp, nil), body unread", virtual(func(t *testing.T) {
		rc, mock := newRC(503, always, time.Millisecond)
		resp, err := rc.Do(get(context.Background()))
		if err != nil || resp == nil || resp.StatusCode != 503 || mock.GetTotalCallCount() != 3 {
			t.Fatalf("got %v, %v after %d attempts", resp, err, mock.GetTotalCallCount())
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != "last body" {
			t.Errorf("body = %q", b)
		}
		resp.Body.Close()
	}))
	t.Run("CheckRetry error: (resp, err), body unread", virtual(func(t *testing.T) {
		stop := errors.New("stop")
		rc, _ := newRC(429, func(context.Context, *http.Response, error) (bool, error) { return false, stop }, time.Millisecond)
		resp, err := rc.Do(get(context.Background()))
		if err != stop || resp == nil || resp.StatusCode != 429 {
			t.Fatalf("got %v, %v", resp, err)
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != "last body" {
			t.Errorf("body = %q", b)
		}
		resp.Body.Close()
	}))
	t.Run("cancelled wait: (nil, ctx.Err())", virtual(func(t *testing.T) {
		rc, _ := newRC(429, always, time.Minute)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		resp, err := rc.Do(get(ctx))
		if resp != nil || err != context.Canceled {
			t.Fatalf("got %v, %v", resp, err)
		}
	}))
	t.Run("FromRequest reads a plain body once and replays it", virtual(func(t *testing.T) {
		src := &countingReader{r: strings.NewReader("payload")}
		req, _ := http.NewRequest(http.MethodPost, testURL, io.NopCloser(src))
		rreq, err := retryablehttp.FromRequest(req)
		if err != nil {
			t.Fatal(err)
		}
		if src.reads == 0 {
			t.Error("FromRequest did not read the body up front")
		}
		mock := httpmock.NewMockTransport()
		var got []string
		mock.RegisterResponder("POST", testURL, func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			got = append(got, string(b))
			return httpmock.NewStringResponse(500, ""), nil
		})
		rc := &retryablehttp.Client{HTTPClient: &http.Client{Transport: mock}, RetryMax: 2, RetryWaitMin: time.Millisecond,
			RetryWaitMax: time.Millisecond, CheckRetry: always, Backoff: retryablehttp.DefaultBackoff, ErrorHandler: retryablehttp.PassthroughErrorHandler}
		resp, _ := rc.Do(rreq)
		resp.Body.Close()
		if strings.Join(got, ",") != "payload,payload,payload" {
			t.Errorf("bodies sent = %q", got)
		}
	}))
}

type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) { c.reads++; return c.r.Read(p) }
