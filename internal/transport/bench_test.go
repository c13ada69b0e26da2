package transport

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conversekit/conversekit/observe"
)

// benchBody is the body the in-memory vendor answers: a participant, as the
// vendors send one.
const benchBody = `{"id":"MB123","identity":"alice","attributes":"{}","date_created":"2026-01-01T00:00:00Z"}`

// memRT is an in-memory RoundTripper that answers every request with a 200
// and benchBody, the same for the plain client and the transport.
type memRT struct{}

func (memRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(strings.NewReader(benchBody)),
		ContentLength: int64(len(benchBody)),
		Request:       r,
	}, nil
}

// plainOnce is the floor: one GET with http.Client.Do on memRT, the body
// read whole.
func plainOnce(hc *http.Client) error {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, testURL, nil)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil && len(body) != len(benchBody) {
		err = fmt.Errorf("body %q", body)
	}
	return err
}

// benchClient is a Client on memRT with its defaults and the static
// headers of a vendor client.
func benchClient() *Client {
	return New(Options{
		Vendor:     "bench",
		MaxRetries: DefaultMaxRetries,
		HTTPClient: &http.Client{Transport: memRT{}},
		Header: http.Header{
			"Authorization": {"Bearer secret"},
			"Accept":        {"application/json"},
			"User-Agent":    {"conversekit/bench"},
		},
	})
}

// transportOnce is the same GET through c as a vendor call without options
// makes it, the body read with ReadBody.
func transportOnce(c *Client) error {
	ctx := context.Background()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, testURL, nil)
	resp, err := benchDo(ctx, c, req)
	if err != nil {
		return err
	}
	body, err := ReadBody(resp)
	if err == nil && len(body) != len(benchBody) {
		err = fmt.Errorf("body %q", body)
	}
	return err
}

// benchDo sends req through c as a vendor call without options does.
func benchDo(ctx context.Context, c *Client, req *http.Request) (*http.Response, error) {
	return c.Do(ctx, req, c.Defaults())
}

// BenchmarkPlainDo is the floor alone.
func BenchmarkPlainDo(b *testing.B) {
	hc := &http.Client{Transport: memRT{}}
	b.ReportAllocs()
	for b.Loop() {
		if err := plainOnce(hc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransportDo is the transport alone.
func BenchmarkTransportDo(b *testing.B) {
	c := benchClient()
	b.ReportAllocs()
	for b.Loop() {
		if err := transportOnce(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransportDoObserved is BenchmarkTransportDo with an Observer
// whose CallObserver does nothing: the cost of the hook itself.
func BenchmarkTransportDoObserved(b *testing.B) {
	c := benchClient()
	c.observer = nopObserver{}
	b.ReportAllocs()
	for b.Loop() {
		if err := transportOnce(c); err != nil {
			b.Fatal(err)
		}
	}
}

// nopObserver observes every call and does nothing with it.
type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ observe.Call) (context.Context, observe.CallObserver) {
	return ctx, nopCall{}
}

type nopCall struct{}

func (nopCall) StartAttempt(ctx context.Context, _ int) context.Context { return ctx }
func (nopCall) EndAttempt(context.Context, observe.Attempt)             {}
func (nopCall) Wait(context.Context, observe.Wait)                      {}
func (nopCall) EndCall(context.Context, observe.CallEnd)                {}

// overheadRounds and overheadCalls size BenchmarkTransportOverhead: 6
// interleaved rounds of 20,000 calls each way.
const (
	overheadRounds = 6
	overheadCalls  = 20_000
)

// BenchmarkTransportOverhead runs the floor and the transport in 6
// interleaved rounds (each round times 20,000 calls of one, then of the
// other, and counts their allocations with testing.AllocsPerRun) and
// reports the medians of each and of the per-round ratios (transport /
// floor). Its own b.N is not used: the rounds are the measurement, so run
// it once:
//
//	go test -run '^$' -bench TransportOverhead -benchtime 1x ./internal/transport
func BenchmarkTransportOverhead(b *testing.B) {
	hc := &http.Client{Transport: memRT{}}
	c := benchClient()
	plain := func() error { return plainOnce(hc) }
	through := func() error { return transportOnce(c) }
	var plainNs, trNs, plainAllocs, trAllocs, nsRatio, allocRatio []float64
	for range overheadRounds {
		pn, tn := nsPerCall(b, plain), nsPerCall(b, through)
		pa := testing.AllocsPerRun(1000, func() { _ = plain() })
		ta := testing.AllocsPerRun(1000, func() { _ = through() })
		plainNs, trNs = append(plainNs, pn), append(trNs, tn)
		plainAllocs, trAllocs = append(plainAllocs, pa), append(trAllocs, ta)
		nsRatio, allocRatio = append(nsRatio, tn/pn), append(allocRatio, ta/pa)
	}
	b.ReportMetric(median(plainNs), "plain-ns/op")
	b.ReportMetric(median(trNs), "transport-ns/op")
	b.ReportMetric(median(trNs)-median(plainNs), "added-ns/op")
	b.ReportMetric(median(plainAllocs), "plain-allocs/op")
	b.ReportMetric(median(trAllocs), "transport-allocs/op")
	b.ReportMetric(median(trAllocs)-median(plainAllocs), "added-allocs/op")
	b.ReportMetric(median(nsRatio), "ns-ratio")
	b.ReportMetric(median(allocRatio), "allocs-ratio")
}

// nsPerCall times overheadCalls calls of f and returns the mean ns of one.
func nsPerCall(b *testing.B, f func() error) float64 {
	start := time.Now()
	for range overheadCalls {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(time.Since(start).Nanoseconds()) / overheadCalls
}

// median returns the median of v (the mean of the middle two for an even
// count).
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// TestMedian pins median, which the overhead benchmark reports.
func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{6, 1, 5, 2, 4, 3}, 3.5},
	} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
