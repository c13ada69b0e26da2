package transport

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// sleepyLimiter holds every attempt back for d.
type sleepyLimiter struct{ d time.Duration }

func (l sleepyLimiter) Wait(ctx context.Context) error {
	t := time.NewTimer(l.d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// infoRecords returns the info records of buf.
func infoRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, r := range records(t, buf) {
		if r["level"] == "INFO" {
			out = append(out, r)
		}
	}
	return out
}

// TestRetryLogged: each retry is an info record naming the attempt, its
// status or redacted error and the wait before the next.
func TestRetryLogged(t *testing.T) {
	const secret = "tok-SECRET-123"
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, _, _ := mockClient(t, Options{Vendor: "acme", MaxRetries: DefaultMaxRetries, Logger: logger, Redact: Redaction{Secrets: []string{secret}}},
		step{status: 429, body: "slow " + secret, hdr: []string{"Retry-After", "0"}}, step{err: errors.New("reset while sending " + secret)}, step{status: 200, body: "ok"})
	resp, err := doGetWith(context.Background(), c, idem(c))
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	recs := infoRecords(t, &buf)
	if len(recs) != 2 {
		t.Fatalf("info records: %v, want one per retry", recs)
	}
	first, second := recs[0], recs[1]
	if first["msg"] != "conversekit retry" || first["vendor"] != "acme" || first["method"] != "GET" || first["path"] != "/v1/things/42" ||
		first["attempt"] != 1.0 || first["status"] != 429.0 || first["wait"] != 0.0 {
		t.Errorf("first retry record: %v", first)
	}
	if second["attempt"] != 2.0 || second["status"] != nil || !strings.Contains(second["error"].(string), "reset while sending [redacted]") {
		t.Errorf("second retry record: %v", second)
	}
	if strings.Contains(buf.String(), secret) {
		t.Errorf("the secret leaked into the log: %s", buf.String())
	}
}

// TestPauseAndLimiterWaitsLogged: a call held back by another call's 429
// pause, and an attempt held back by a limiter, are info records with the
// time waited; waits too short to matter are not logged.
func TestPauseAndLimiterWaitsLogged(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var buf bytes.Buffer
		logger := slog.New(slog.NewJSONHandler(&lockedWriter{mu: &mu, w: &buf}, &slog.HandlerOptions{Level: slog.LevelInfo}))
		c, pc := newPathClient(t, Options{Vendor: "acme", Logger: logger, Limiter: sleepyLimiter{d: 5 * time.Millisecond}, MaxServerWait: time.Minute},
			http.Header{"Retry-After": {"2"}}, map[string][]int{"/a": {429}, "/b": {200}})
		_ = pc.get(context.Background(), c, "/a", false)
		if err := pc.get(context.Background(), c, "/b", false); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		var pauses, waits []map[string]any
		for _, r := range infoRecords(t, &buf) {
			switch r["msg"] {
			case "conversekit pause":
				pauses = append(pauses, r)
			case "conversekit limiter wait":
				waits = append(waits, r)
			}
		}
		if len(pauses) != 1 || pauses[0]["path"] != "/b" || pauses[0]["attempt"] != 1.0 || pauses[0]["waited"].(float64) < float64(1900*time.Millisecond) {
			t.Errorf("pause records: %v, want /b's wait of about 2s", pauses)
		}
		if len(waits) != 2 || waits[0]["waited"] != float64(5*time.Millisecond) || waits[0]["attempt"] != 1.0 {
			t.Errorf("limiter wait records: %v, want one 5ms wait per call, before attempt 1", waits)
		}
	})
	// Without a wait worth a record, nothing is logged at info.
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c2, _, _ := mockClient(t, Options{Logger: logger, Limiter: &countingLimiter{}}, step{status: 200, body: "ok"})
	resp, err := doGet(context.Background(), c2)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, resp)
	if buf.Len() != 0 {
		t.Errorf("logged %s for a call without waits", buf.String())
	}
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
