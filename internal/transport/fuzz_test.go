package transport

import (
	"net/http"
	"testing"
	"time"
)

const year = 365 * 24 * time.Hour

// fuzzNow maps any int64 to a time between about 200 years before and 2000
// years after 1970: every clock the code can meet, and then some.
func fuzzNow(secs int64) time.Time {
	return time.Unix(secs%(1<<36), secs%1e9)
}

func checkWait(t *testing.T, what string, d time.Duration, ok bool) {
	t.Helper()
	if d < 0 || d > year {
		t.Fatalf("%s = %s: outside [0, 1 year]", what, d)
	}
	if !ok && d != 0 {
		t.Fatalf("%s = %s with ok false", what, d)
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, v := range []string{"0", "1", "120", "-1", "+5", "1.5", "", " ", "99999999999999999999999",
		"9223372036854775807", "-9223372036854775808", "Sun, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Fri, 31 Dec 9999 23:59:59 GMT",
		"Mon, 01 Jan 0001 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"} {
		f.Add(v, int64(1_700_000_000))
	}
	f.Add("Sun, 06 Nov 1994 08:49:37 GMT", int64(-1<<62))
	f.Add("60", int64(1<<62))
	f.Fuzz(func(t *testing.T, v string, now int64) {
		d, ok := ParseRetryAfter(v, fuzzNow(now))
		checkWait(t, "ParseRetryAfter", d, ok)
	})
}

func FuzzParseRateLimitReset(f *testing.F) {
	for _, v := range []string{"0", "1700000000", "1700000060", "-1", "", "1e9", "99999999999999999999",
		"9223372036854775807", "-9223372036854775808", "0x10", "+1700000010"} {
		f.Add(v, int64(1_700_000_000))
	}
	f.Add("9223372036854775807", int64(-1<<62))
	f.Add("10", int64(-1<<62))
	f.Fuzz(func(t *testing.T, v string, now int64) {
		d, ok := ParseRateLimitReset(v, fuzzNow(now))
		checkWait(t, "ParseRateLimitReset", d, ok)
	})
}

func FuzzServerWait(f *testing.F) {
	f.Add("5", "", int64(1_700_000_000), 429)
	f.Add("", "1700000100", int64(1_700_000_000), 429)
	f.Add("nope", "1700000100", int64(1_700_000_000), 503)
	f.Add("Sun, 06 Nov 1994 08:49:37 GMT", "9223372036854775807", int64(1<<40), 429)
	f.Add("99999999999999999999999", "-1", int64(-1<<40), 500)
	f.Fuzz(func(t *testing.T, retryAfter, reset string, now int64, status int) {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		if reset != "" {
			h.Set("X-RateLimit-Reset", reset)
		}
		n := fuzzNow(now)
		d, ok := ServerWait(h, n)
		checkWait(t, "ServerWait", d, ok)
		d, ok = responseWait(&http.Response{StatusCode: status, Header: h}, n)
		checkWait(t, "responseWait", d, ok)
		if b := backoff(time.Millisecond, time.Second, int(uint(now)%100), &http.Response{StatusCode: status, Header: h}); b < 0 || b > year {
			t.Fatalf("backoff = %s", b)
		}
	})
}
