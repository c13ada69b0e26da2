package transport

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
)

// The smallest jittered backoffs stay in [d/2, d] and reach both ends.
func TestBackoffTinyValues(t *testing.T) {
	for _, d := range []time.Duration{2, 4, 6} {
		seen := map[time.Duration]bool{}
		for range 400 {
			got := backoff(d, d, 0, nil)
			if got < d/2 || got > d {
				t.Fatalf("backoff(%d, %d) = %d, outside [%d, %d]", d, d, got, d/2, d)
			}
			seen[got] = true
		}
		if !seen[d/2] || !seen[d] {
			t.Errorf("backoff(%dns): values %v, want both %d and %d among 400 draws", d, seen, d/2, d)
		}
	}
}

// A body cut for the debug record is cut between runes, never inside one.
func TestDebugBodyCutBetweenRunes(t *testing.T) {
	body := strings.Repeat("a", DebugBodyBytes-1) + "é" + strings.Repeat("b", 10)
	req, resp := debugBodyRecord(t, Redaction{}, body, body, "text/plain")
	want := strings.Repeat("a", DebugBodyBytes-1) + "…(cut)"
	if req != want || resp != want {
		t.Errorf("cut record ends %q / %q, want %q", req[len(req)-12:], resp[len(resp)-12:], want[len(want)-12:])
	}
}

// The attempt timeout classifies errors; it never turns a read that
// succeeded into an error, even one made after the attempt's deadline.
func TestAttemptTimeoutDoesNotFailGoodReads(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mock := httpmock.NewMockTransport()
		mock.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
			// A body that ignores the request's context, as a fully buffered
			// one does.
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("whole body")), ContentLength: -1, Request: r}, nil
		})
		c := New(Options{MaxRetries: DefaultMaxRetries, HTTPClient: &http.Client{Transport: mock}, AttemptTimeout: 20 * time.Millisecond})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		time.Sleep(100 * time.Millisecond) // past the attempt's deadline
		b, err := io.ReadAll(resp.Body)
		if err != nil || string(b) != "whole body" {
			t.Errorf("read %q, %v; want the whole body", b, err)
		}
	})
}

// X-RateLimit-Reset before 1970 and at exactly a year ahead.
func TestParseRateLimitResetEdges(t *testing.T) {
	year := 365 * 24 * time.Hour
	if got, ok := ParseRateLimitReset("5", time.Unix(-10, 0)); !ok || got != 15*time.Second {
		t.Errorf("reset 5 at now -10: %s, %v; want 15s", got, ok)
	}
	now := time.Unix(1_700_000_000, 500_000_000)
	if got, ok := ParseRateLimitReset(strconv.FormatInt(1_700_000_000+int64(year/time.Second), 10), now); !ok || got != year-500*time.Millisecond {
		t.Errorf("reset a year after the whole second of now: %s, %v; want a year less 500ms", got, ok)
	}
}

// With a huge WaitMax the backoff still doubles from WaitMin: it does not
// jump to the maximum.
func TestBackoffHugeMaxDoubles(t *testing.T) {
	huge := time.Duration(1<<63 - 1)
	for attempt, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		for range 20 {
			if got := backoff(time.Second, huge, attempt, nil); got < want/2 || got > want {
				t.Fatalf("attempt %d: backoff %s outside [%s, %s]", attempt, got, want/2, want)
			}
		}
	}
}
