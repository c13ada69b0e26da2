package bird

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"testing"
	"time"
)

// benchOps returns Verify+DecodeWebhook of the facts file's
// conversation.updated example, and the hand-written floor for the same
// request: read the body, SHA-256 it, HMAC-SHA256 the signed string,
// compare, check the timestamp, json.Unmarshal into the model.
func benchOps(b *testing.B) (ours, floor func(), size int) {
	v := mustVerifier(b)
	body := []byte(factsExample)
	sig := signBird(vecKey, vecTS, vecURL, factsExample)
	r := birdRequest(vecURL, "", sig, vecTS)
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
	want, _ := base64.StdEncoding.DecodeString(sig)
	key := []byte(vecKey)
	floor = func() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		raw, _ := io.ReadAll(r.Body)
		h := sha256.Sum256(raw)
		ts := r.Header.Get(TimestampHeader)
		m := hmac.New(sha256.New, key)
		m.Write([]byte(ts + "\n" + "https://" + r.Host + r.URL.RequestURI() + "\n"))
		m.Write(h[:])
		if !hmac.Equal(m.Sum(nil), want) {
			b.Fatal("signature")
		}
		if n, _ := strconv.ParseInt(ts, 10, 64); vecTime.Sub(time.Unix(n, 0)) > 5*time.Minute {
			b.Fatal("stale")
		}
		var ev WebhookEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
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
