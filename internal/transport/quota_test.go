package transport

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// quota is one ObserveQuota call.
type quota struct {
	limit, remaining int
	reset            time.Time
}

// observingLimiter lets every attempt through and notes the quotas it is
// told of.
type observingLimiter struct {
	countingLimiter
	mu   sync.Mutex
	seen []quota
}

func (l *observingLimiter) ObserveQuota(limit, remaining int, reset time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen = append(l.seen, quota{limit, remaining, reset})
}

func (l *observingLimiter) quotas() []quota {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]quota(nil), l.seen...)
}

// unix is t's X-RateLimit-Reset value.
func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// Every response that announces a quota is observed, a 429's as a 200's,
// by the client's limiter and the call's.
func TestQuotaObservedOnEveryAttempt(t *testing.T) {
	now := time.Now()
	r1, r2 := now.Add(2*time.Second).Truncate(time.Second), now.Add(5*time.Second).Truncate(time.Second)
	steps := []step{
		{status: 429, hdr: []string{"Retry-After", "0", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", unix(r1)}},
		{status: 200, body: "ok", hdr: []string{"X-RateLimit-Limit", "167", "X-RateLimit-Remaining", " 150 ", "X-RateLimit-Reset", unix(r2)}},
	}
	want := []quota{{0, 0, r1}, {167, 150, r2}}
	check := func(name string, l *observingLimiter) {
		t.Helper()
		got := l.quotas()
		if len(got) != len(want) {
			t.Fatalf("%s: observed %v, want %v", name, got, want)
		}
		for i := range want {
			if got[i].limit != want[i].limit || got[i].remaining != want[i].remaining || !got[i].reset.Equal(want[i].reset) {
				t.Errorf("%s: observation %d is %+v, want %+v", name, i, got[i], want[i])
			}
		}
	}

	client, call := &observingLimiter{}, &observingLimiter{}
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: client}, steps...)
	resp, err := doGetWith(context.Background(), c, with(c, func(s *Settings) { s.Limiter = call }))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	check("client limiter", client)
	check("call limiter", call)

	// The call's observer is told even when the client's limiter is no
	// observer.
	call = &observingLimiter{}
	c, _, _ = mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: &countingLimiter{}}, steps...)
	resp, err = doGetWith(context.Background(), c, with(c, func(s *Settings) { s.Limiter = call }))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	check("call limiter after a plain client limiter", call)
}

// A response without a usable Remaining and Reset is not observed, and the
// call goes on as if the headers were not there.
func TestQuotaNotObservedWithoutUsableHeaders(t *testing.T) {
	reset := unix(time.Now().Add(3 * time.Second))
	for name, hdr := range map[string][]string{
		"none":               nil,
		"no reset":           {"X-RateLimit-Limit", "10", "X-RateLimit-Remaining", "5"},
		"no remaining":       {"X-RateLimit-Limit", "10", "X-RateLimit-Reset", reset},
		"remaining word":     {"X-RateLimit-Remaining", "lots", "X-RateLimit-Reset", reset},
		"remaining negative": {"X-RateLimit-Remaining", "-1", "X-RateLimit-Reset", reset},
		"remaining fraction": {"X-RateLimit-Remaining", "1.5", "X-RateLimit-Reset", reset},
		"remaining huge neg": {"X-RateLimit-Remaining", "-99999999999999999999", "X-RateLimit-Reset", reset},
		"reset date":         {"X-RateLimit-Remaining", "5", "X-RateLimit-Reset", time.Now().Format(http.TimeFormat)},
		"reset negative":     {"X-RateLimit-Remaining", "5", "X-RateLimit-Reset", "-5"},
	} {
		l := &observingLimiter{}
		c, _, rec := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: l}, step{status: 200, body: "ok", hdr: hdr})
		resp, err := doGet(context.Background(), c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if drain(t, resp) != "ok" || rec.n() != 1 {
			t.Errorf("%s: %d attempts", name, rec.n())
		}
		if got := l.quotas(); len(got) != 0 {
			t.Errorf("%s: observed %+v", name, got)
		}
	}
}

// Absurd values are clipped: a count to MaxQuota and to the limit, a
// Reset into [now, now+MaxServerWait]; an unusable limit is 0.
func TestQuotaClipped(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	const maxWait = time.Minute
	for _, tc := range []struct {
		name                     string
		limit, remaining, reset  string
		wantLimit, wantRemaining int
		wantReset                time.Time
	}{
		{"as sent", "167", "100", "1700000010", 167, 100, now.Add(10 * time.Second)},
		{"none left", "167", "0", "1700000010", 167, 0, now.Add(10 * time.Second)},
		{"no limit", "", "100", "1700000010", 0, 100, now.Add(10 * time.Second)},
		{"limit word", "many", "100", "1700000010", 0, 100, now.Add(10 * time.Second)},
		{"limit negative", "-3", "100", "1700000010", 0, 100, now.Add(10 * time.Second)},
		{"limit zero", "0", "100", "1700000010", 0, 100, now.Add(10 * time.Second)},
		{"remaining over limit", "167", "500", "1700000010", 167, 167, now.Add(10 * time.Second)},
		{"remaining huge", "", "99999999999999999999", "1700000010", 0, MaxQuota, now.Add(10 * time.Second)},
		{"limit huge", "1000001", "1000001", "1700000010", MaxQuota, MaxQuota, now.Add(10 * time.Second)},
		{"reset past", "167", "100", "1699999990", 167, 100, now},
		{"reset at max wait", "167", "100", "1700000060", 167, 100, now.Add(maxWait)},
		{"reset far", "167", "100", "1700003600", 167, 100, now.Add(maxWait)},
		{"reset huge", "167", "100", "99999999999999999999", 167, 100, now.Add(maxWait)},
	} {
		h := http.Header{}
		if tc.limit != "" {
			h.Set("X-RateLimit-Limit", tc.limit)
		}
		h.Set("X-RateLimit-Remaining", tc.remaining)
		h.Set("X-RateLimit-Reset", tc.reset)
		limit, remaining, reset, ok := parseQuota(h, now, maxWait)
		if !ok || limit != tc.wantLimit || remaining != tc.wantRemaining || !reset.Equal(tc.wantReset) {
			t.Errorf("%s: %d, %d, %v, %v; want %d, %d, %v", tc.name, limit, remaining, reset, ok, tc.wantLimit, tc.wantRemaining, tc.wantReset)
		}
	}

	// The Client clips the Reset to its MaxServerWait.
	l := &observingLimiter{}
	start := time.Now()
	c, _, _ := mockClient(t, Options{MaxRetries: DefaultMaxRetries, Limiter: l, MaxServerWait: 10 * time.Second},
		step{status: 200, body: "ok", hdr: []string{"X-RateLimit-Remaining", "5", "X-RateLimit-Reset", unix(start.Add(time.Hour))}})
	resp, err := doGet(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	end := time.Now()
	got := l.quotas()
	if len(got) != 1 || got[0].reset.Before(start.Add(10*time.Second)) || got[0].reset.After(end.Add(10*time.Second)) {
		t.Errorf("observed %+v; want a Reset 10s after the response", got)
	}
}
