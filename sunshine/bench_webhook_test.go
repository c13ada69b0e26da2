package sunshine

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"testing"
	"time"
)

// benchOps returns Verify+DecodeWebhook of the facts file's
// conversation:join example, and the hand-written floor for the same
// request: compare the key in constant time, read the body,
// json.Unmarshal it.
func benchOps(b *testing.B) (ours, floor func(), size int) {
	v := mustWebhookVerifier(b)
	body := []byte(joinEvent)
	r := webhookRequest("", hookSecret)
	ours = func() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		p, err := v.Verify(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeWebhook(p); err != nil {
			b.Fatal(err)
		}
	}
	floor = func() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(APIKeyHeader)), []byte(hookSecret)) != 1 {
			b.Fatal("key")
		}
		raw, _ := io.ReadAll(r.Body)
		var p WebhookPayload
		if err := json.Unmarshal(raw, &p); err != nil {
			b.Fatal(err)
		}
	}
	return ours, floor, len(body)
}

// benchRun runs one operation per iteration.
func benchRun(b *testing.B, size int, op func()) {
	b.ReportAllocs()
	b.SetBytes(int64(size))
	for b.Loop() {
		op()
	}
}

// BenchmarkWebhookPaired alternates the two in every iteration and reports
// each one's time and their ratio (ours/floor), a figure that a loaded
// machine disturbs far less than two separate runs.
func BenchmarkWebhookPaired(b *testing.B) {
	ours, floor, _ := benchOps(b)
	var tOurs, tFloor time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		ours()
		t1 := time.Now()
		floor()
		tFloor += time.Since(t1)
		tOurs += t1.Sub(t0)
		n++
	}
	b.ReportMetric(float64(tOurs.Nanoseconds())/float64(n), "ours-ns/op")
	b.ReportMetric(float64(tFloor.Nanoseconds())/float64(n), "floor-ns/op")
	b.ReportMetric(float64(tOurs)/float64(tFloor), "ours/floor")
}

// BenchmarkWebhookVerifyDecode: Verify then DecodeWebhook of a typical event.
func BenchmarkWebhookVerifyDecode(b *testing.B) {
	ours, _, size := benchOps(b)
	benchRun(b, size, ours)
}

// BenchmarkWebhookFloor: the hand-written floor for the same request (see benchOps).
func BenchmarkWebhookFloor(b *testing.B) {
	_, floor, size := benchOps(b)
	benchRun(b, size, floor)
}
