package transport

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
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

// decide is the one place where a call's next step is chosen: every case
// of the policy, with its boundaries, as a pure function of the outcome,
// the settings, the attempt number and the time.
func TestPolicyDecide(t *testing.T) {
	p := policy{waitMin: time.Second, waitMax: 8 * time.Second, maxServerWait: time.Minute}
	now := time.Unix(1_700_000_000, 0)
	resp := func(status int, hdr ...string) outcome {
		h := http.Header{}
		for i := 0; i+1 < len(hdr); i += 2 {
			h.Set(hdr[i], hdr[i+1])
		}
		return outcome{resp: &http.Response{StatusCode: status, Header: h}}
	}
	fail := func(err error) outcome { return outcome{err: err} }
	untrusted := &url.Error{Op: "Get", URL: testURL, Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}
	type want struct {
		retry      bool
		wait       time.Duration // -1: a backoff in [waitMin·2^attempt/2, waitMin·2^attempt]
		sharePause bool
		pause      time.Duration
		stop       string // a part of the stop reason; "" for none
	}
	backoff := time.Duration(-1)
	tests := []struct {
		name     string
		o        outcome
		idem     bool
		retries  int
		attempt  int
		deadline time.Time
		want     want
	}{
		{"200 is the answer", resp(200), true, 3, 0, time.Time{}, want{}},
		{"404 is the answer", resp(404), true, 3, 0, time.Time{}, want{}},
		{"3xx is the answer", resp(302, "Location", "https://elsewhere.test/"), true, 3, 0, time.Time{}, want{}},
		{"429 retried without idempotency", resp(429), false, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"429 at the last retry", resp(429), false, 3, 2, time.Time{}, want{retry: true, wait: backoff}},
		{"429 with the budget spent", resp(429), false, 3, 3, time.Time{}, want{}},
		{"429 with no budget", resp(429), false, 0, 0, time.Time{}, want{}},
		{"429 Retry-After shared and waited", resp(429, "Retry-After", "7"), false, 3, 0, time.Time{}, want{retry: true, wait: 7 * time.Second, sharePause: true, pause: 7 * time.Second}},
		{"429 Retry-After shared even with the budget spent", resp(429, "Retry-After", "7"), false, 3, 3, time.Time{}, want{sharePause: true, pause: 7 * time.Second}},
		{"429 Retry-After 0 shared, no wait", resp(429, "Retry-After", "0"), false, 3, 0, time.Time{}, want{retry: true, sharePause: true}},
		{"429 X-RateLimit-Reset", resp(429, "X-RateLimit-Reset", "1700000010"), false, 3, 0, time.Time{}, want{retry: true, wait: 10 * time.Second, sharePause: true, pause: 10 * time.Second}},
		{"429 wait of exactly MaxServerWait honoured", resp(429, "Retry-After", "60"), false, 3, 0, time.Time{}, want{retry: true, wait: time.Minute, sharePause: true, pause: time.Minute}},
		{"429 wait over MaxServerWait stops, unshared", resp(429, "Retry-After", "61"), false, 3, 0, time.Time{}, want{stop: "exceeds the 1m0s limit"}},
		{"429 wait up to the deadline honoured", resp(429, "Retry-After", "5"), false, 3, 0, now.Add(5 * time.Second), want{retry: true, wait: 5 * time.Second, sharePause: true, pause: 5 * time.Second}},
		{"429 wait past the deadline stops, shared", resp(429, "Retry-After", "5"), false, 3, 0, now.Add(5*time.Second - 1), want{sharePause: true, pause: 5 * time.Second, stop: "passes the context deadline"}},
		{"503 not retried without idempotency", resp(503, "Retry-After", "61"), false, 3, 0, time.Time{}, want{}},
		{"503 retried when idempotent", resp(503), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"503 Retry-After waited, not shared", resp(503, "Retry-After", "4"), true, 3, 0, time.Time{}, want{retry: true, wait: 4 * time.Second}},
		{"503 wait over MaxServerWait stops", resp(503, "Retry-After", "61"), true, 3, 0, time.Time{}, want{stop: "not retried"}},
		{"503 X-RateLimit-Reset is not a wait", resp(503, "X-RateLimit-Reset", "1700000010"), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"500 retried when idempotent", resp(500), true, 3, 1, time.Time{}, want{retry: true, wait: backoff}},
		{"599 retried when idempotent", resp(599), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"501 never retried", resp(501), true, 3, 0, time.Time{}, want{}},
		{"499 never retried", resp(499), true, 3, 0, time.Time{}, want{}},
		{"408 retried when idempotent", resp(408), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"408 not retried otherwise", resp(408), false, 3, 0, time.Time{}, want{}},
		{"status 0 never retried", resp(0), true, 3, 0, time.Time{}, want{}},
		{"dial error retried without idempotency", fail(dialErr()), false, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"reset retried when idempotent", fail(resetErr()), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"reset not retried otherwise", fail(resetErr()), false, 3, 0, time.Time{}, want{}},
		{"attempt timeout retried when idempotent", fail(&url.Error{Op: "Get", URL: testURL, Err: &AttemptTimeoutError{Limit: time.Second}}), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
		{"untrusted certificate never retried", fail(untrusted), true, 3, 0, time.Time{}, want{}},
		{"body over the cap never retried", fail(&bodyTooLargeError{limit: 1}), true, 3, 0, time.Time{}, want{}},
		{"redirect followed by a Doer never retried", fail(&url.Error{Op: "Get", URL: testURL, Err: &RedirectError{From: "a", To: "b"}}), true, 3, 0, time.Time{}, want{}},
		{"lost 2xx body retried when idempotent", fail(&url.Error{Op: "Post", URL: testURL, Err: &BodyReadError{Status: 201, Err: io.ErrUnexpectedEOF}}), true, 3, 0, time.Time{}, want{retry: true, wait: backoff}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Settings{Retries: tt.retries, Idempotent: tt.idem}
			d := p.decide(tt.o, &s, tt.attempt, now, tt.deadline)
			w := tt.want
			if d.retry != w.retry || d.sharePause != w.sharePause || d.pause != w.pause {
				t.Errorf("decide = %+v, want %+v", d, w)
			}
			switch {
			case w.stop == "" && d.stop != nil:
				t.Errorf("stop = %v, want none", d.stop)
			case w.stop != "" && (d.stop == nil || !strings.Contains(d.stop.Error(), w.stop)):
				t.Errorf("stop = %v, want one saying %q", d.stop, w.stop)
			}
			if w.wait != backoff {
				if d.wait != w.wait {
					t.Errorf("wait = %s, want %s", d.wait, w.wait)
				}
				return
			}
			hi := min(p.waitMin<<tt.attempt, p.waitMax)
			if d.wait < hi/2 || d.wait > hi {
				t.Errorf("wait = %s, want a backoff in [%s, %s]", d.wait, hi/2, hi)
			}
		})
	}
}

// Retries is read through its clip: negative is none, above the ceiling
// is the ceiling.
func TestSettingsRetriesClip(t *testing.T) {
	for in, want := range map[int]int{-5: 0, 0: 0, 1: 1, MaxRetriesCeiling: MaxRetriesCeiling, MaxRetriesCeiling + 1: MaxRetriesCeiling} {
		s := Settings{Retries: in}
		if got := s.retries(); got != want {
			t.Errorf("retries() of %d = %d, want %d", in, got, want)
		}
	}
}
