package participants_test

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// envInt returns the integer in the environment variable name, or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkAddManyRateLimited adds participants against a fake Bird that
// lets 500 requests a second through (one-second windows; 429 with
// Retry-After: 1 beyond), with a client-side limit just under it. It
// reports the wall time per AddMany, its ratio to the minimum (n/500 s) and
// the share of requests answered 429.
//
// By default it adds 200 participants (0.4 s minimum) so that CI runs it
// quickly; CONVERSEKIT_BULK_N=2000 gives the figure of BENCHMARKS.md:
//
//	CONVERSEKIT_BULK_N=2000 go test -run '^$' -bench AddManyRateLimited -benchtime 3x ./participants/
func BenchmarkAddManyRateLimited(b *testing.B) {
	const serverRate = 500
	n := envInt("CONVERSEKIT_BULK_N", 200)
	clientRate := float64(envInt("CONVERSEKIT_BULK_RATE", 490))
	// The fake's 429s carry Retry-After, which wins over the helper's short
	// retry waits: the pauses are the server's, as with the defaults.
	c, srv := participantstest.NewBirdParticipants(b)
	conv := participantstest.BirdConversationID

	var total time.Duration
	var requests, limited int
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		ps := emails(i*n, n)
		srv.Reset()
		srv.SetRateLimit(serverRate, time.Second)
		time.Sleep(1100 * time.Millisecond) // a fresh window, as after a quiet second
		b.StartTimer()
		start := time.Now()
		res := c.AddMany(context.Background(), conv, ps, participants.WithRateLimit(clientRate, 1))
		total += time.Since(start)
		for j, r := range res {
			if r.Err != nil {
				b.Fatalf("#%d: %v", j, r.Err)
			}
		}
		for _, r := range srv.RequestLog() {
			requests++
			if r.RateLimited {
				limited++
			}
		}
	}
	iters := float64(b.N)
	secs := total.Seconds() / iters
	b.ReportMetric(secs, "s/addmany")
	b.ReportMetric(secs/(float64(n)/serverRate), "x-minimum")
	b.ReportMetric(100*float64(limited)/float64(requests), "%429")
	b.ReportMetric(float64(requests)/iters, "requests/addmany")
}

// BenchmarkAddManyMemory adds n participants through an in-memory
// RoundTripper and reports the peak HeapInuse sampled during the run, the
// heap still in use right after it (mostly the results) and the difference
// (the working memory of the workers). Default n is 10,000;
// CONVERSEKIT_BULK_MEM_N=100000 gives the figure of BENCHMARKS.md.
func BenchmarkAddManyMemory(b *testing.B) {
	n := envInt("CONVERSEKIT_BULK_MEM_N", 10_000)
	rt := newCannedRT(201, "application/json", benchBirdResponse)
	bc, err := bird.New(benchBirdKey, option.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		b.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
	ps := emails(0, n)
	var peakMax, afterMax, baseMax uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		var peak atomic.Uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var ms runtime.MemStats
			t := time.NewTicker(2 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		b.StartTimer()
		res := c.AddMany(context.Background(), birdConversation, ps)
		b.StopTimer()
		close(stop)
		<-sampled
		runtime.GC()
		runtime.ReadMemStats(&ms)
		after := ms.HeapInuse
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		runtime.KeepAlive(res)
		peakMax = max(peakMax, peak.Load()-base)
		afterMax = max(afterMax, after-base)
		baseMax = max(baseMax, base)
		b.StartTimer()
	}
	const mb = 1 << 20
	b.ReportMetric(float64(peakMax)/mb, "peak-heap-MB")
	b.ReportMetric(float64(afterMax)/mb, "results-heap-MB")
	b.ReportMetric(float64(afterMax)/float64(n), "results-B/participant")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "adds/s")
}

// heapSampler records the peak of the live heap (runtime/metrics
// "/memory/classes/heap/objects:bytes": reachable objects and garbage not
// yet swept) and of the GC's heap goal, sampled every millisecond without
// stopping the world.
type heapSampler struct {
	stop, done chan struct{}
	peak, goal uint64
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/goal:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			s.peak = max(s.peak, samples[0].Value.Uint64())
			s.goal = max(s.goal, samples[1].Value.Uint64())
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// end stops the sampling and returns the peaks.
func (s *heapSampler) end() (peak, goal uint64) {
	close(s.stop)
	<-s.done
	return s.peak, s.goal
}

// BenchmarkAddEachMemory streams n participants, made on the fly, through
// AddEach on an in-memory RoundTripper and reports the peak live heap
// during the run (peak-heap-MiB, sampled every millisecond), the peak GC
// heap goal, the heap left after a GC at the end and the bytes allocated
// per participant. The peak must not grow with n. Default n is 10,000;
// the figures of the issue:
//
//	CONVERSEKIT_BULK_MEM_N=100000 go test -run '^$' -bench AddEachMemory -benchtime 1x ./participants/
//	CONVERSEKIT_BULK_MEM_N=1000000 go test -run '^$' -bench AddEachMemory -benchtime 1x ./participants/
func BenchmarkAddEachMemory(b *testing.B) {
	n := envInt("CONVERSEKIT_BULK_MEM_N", 10_000)
	rt := newCannedRT(201, "application/json", benchBirdResponse)
	bc, err := bird.New(benchBirdKey, option.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		b.Fatal(err)
	}
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
	input := func(yield func(participants.Participant) bool) {
		for i := range n {
			if !yield(participants.Participant{Email: "bulk" + strconv.Itoa(i) + "@example.com"}) {
				return
			}
		}
	}
	var peakMax, goalMax, afterMax uint64
	var allocs uint64
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		s := startHeapSampler()
		b.StartTimer()
		count := 0
		for _, r := range c.AddEach(context.Background(), birdConversation, input) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			count++
		}
		b.StopTimer()
		peak, goal := s.end()
		if count != n {
			b.Fatalf("%d results for %d participants", count, n)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		peakMax, goalMax = max(peakMax, peak), max(goalMax, goal)
		afterMax = max(afterMax, after.HeapInuse)
		allocs += after.TotalAlloc - before.TotalAlloc
		b.StartTimer()
	}
	const mib = 1 << 20
	b.ReportMetric(float64(peakMax)/mib, "peak-heap-MiB")
	b.ReportMetric(float64(goalMax)/mib, "peak-goal-MiB")
	b.ReportMetric(float64(afterMax)/mib, "after-heap-MiB")
	b.ReportMetric(float64(allocs)/float64(n*b.N), "alloc-B/participant")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "adds/s")
}

// BenchmarkAddManyAdaptive adds n participants against a fake Bird that
// lets limit requests a second through (one-second windows; 429 with
// Retry-After: 1 beyond) without telling the client: no WithRateLimit, the
// bulk add learns the limit from the 429s. It reports the ratio of the wall
// time to the minimum (n/limit s) and the share of requests answered 429.
// Default n is 200 (CI); the figures of issue 12:
//
//	CONVERSEKIT_BULK_N=2000 go test -run '^$' -bench AddManyAdaptive -benchtime 1x ./participants/
func BenchmarkAddManyAdaptive(b *testing.B) {
	n := envInt("CONVERSEKIT_BULK_N", 200)
	for _, limit := range []int{100, 500} {
		b.Run(strconv.Itoa(limit)+"rps", func(b *testing.B) {
			c, srv := participantstest.NewBirdParticipants(b)
			benchAddManyLimited(b, c, srv.Server, participantstest.BirdConversationID, emails, n, limit)
		})
	}
}

// benchAddManyLimited is the loop of the adaptive bulk benchmarks: each
// iteration adds n fresh participants (people(i*n, n)) to conv through c,
// the fake srv reset and letting limit requests a second through from a
// fresh window. It reports the seconds per AddMany (s/addmany), their ratio
// to the minimum n/limit s (x-minimum) and the share of requests answered
// 429 (%429).
func benchAddManyLimited(b *testing.B, c *participants.Client, srv *participantstest.Server, conv string,
	people func(from, n int) []participants.Participant, n, limit int) {
	var total time.Duration
	var requests, limited int
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		ps := people(i*n, n)
		srv.Reset()
		srv.SetRateLimit(limit, time.Second)
		time.Sleep(1100 * time.Millisecond) // a fresh window
		b.StartTimer()
		start := time.Now()
		res := c.AddMany(context.Background(), conv, ps)
		total += time.Since(start)
		for j, r := range res {
			if r.Err != nil {
				b.Fatalf("#%d: %v", j, r.Err)
			}
		}
		for _, r := range srv.RequestLog() {
			requests++
			if r.RateLimited {
				limited++
			}
		}
	}
	secs := total.Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/addmany")
	b.ReportMetric(secs/(float64(n)/float64(limit)), "x-minimum")
	b.ReportMetric(100*float64(limited)/float64(requests), "%429")
}

// stampedBird is a participants.Client of a fresh Bird fake on loopback,
// each request stamped by a stampRT.
func stampedBird(b *testing.B) (*participants.Client, *participantstest.BirdServer, *stampRT, string) {
	fake := participantstest.NewBirdServer()
	b.Cleanup(fake.Close)
	conv := fake.SeedConversation("")
	rt := &stampRT{next: fake.Client().Transport}
	bc := must(bird.New(fake.AccessKey(), fake.ClientOptions(option.WithHTTPClient(&http.Client{Transport: rt}))...))(b)
	return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()})), fake, rt, conv
}

// addAll adds ps through c and fails b on any error.
func addAll(b *testing.B, c *participants.Client, conv string, ps []participants.Participant, opts ...participants.BulkOption) {
	for j, r := range c.AddMany(context.Background(), conv, ps, opts...) {
		if r.Err != nil {
			b.Fatalf("#%d: %v", j, r.Err)
		}
	}
}

// BenchmarkAddManyAdaptivePace adds participants for secs seconds' worth
// of a fake Bird's limit (one-second windows, 429 with Retry-After: 1
// beyond; the client is not told) with no configured limit, and reports
// the pace the bulk add learned: the median, over the second half of the
// run's whole seconds, of the requests let through in a second, as a
// share of the limit (pace-%limit); with the ratio to the minimum time
// and the share of 429s. Default secs is 2 (CI); the goal (at least 95 %,
// at most 1 % 429s):
//
//	CONVERSEKIT_BULK_SECONDS=30 go test -run '^$' -bench AddManyAdaptivePace -benchtime 1x -count 3 ./participants/
//
// The sub-benchmarks "fixed" are the control: WithRateLimit at 98 % of the
// limit, told rather than learned, so that a pace under the goal can be
// told apart from a machine too busy to send at the limit.
func BenchmarkAddManyAdaptivePace(b *testing.B) {
	secs := envInt("CONVERSEKIT_BULK_SECONDS", 2)
	for _, tc := range []struct {
		limit int
		fixed bool
	}{{100, false}, {500, false}, {100, true}, {500, true}} {
		limit := tc.limit
		name := strconv.Itoa(limit) + "rps"
		var opts []participants.BulkOption
		if tc.fixed {
			name += "-fixed"
			opts = append(opts, participants.WithRateLimit(0.98*float64(limit), 1))
		}
		b.Run(name, func(b *testing.B) {
			n := secs * limit
			var took time.Duration
			var pace float64
			var tooMany, all int
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				c, fake, rt, conv := stampedBird(b)
				fake.SetRateLimit(limit, time.Second)
				time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second))) // a fresh window
				b.StartTimer()
				start := time.Now()
				addAll(b, c, conv, emails(i*n, n), opts...)
				took += time.Since(start)
				perSec := rt.okPerSecond(start)
				if len(perSec) > 2 {
					pace += float64(median(slices.Clone(perSec[len(perSec)/2:len(perSec)-1]))) / float64(limit)
				}
				l, a := rt.limited()
				tooMany, all = tooMany+l, all+a
			}
			iters := float64(b.N)
			b.ReportMetric(100*pace/iters, "pace-%limit")
			b.ReportMetric(took.Seconds()/iters/(float64(n)/float64(limit)), "x-minimum")
			b.ReportMetric(100*float64(tooMany)/float64(all), "%429")
		})
	}
}

// BenchmarkAddManySporadicZeroWait429 adds 300 participants against a fake
// Bird without a limit that answers one request in ten 429 with
// Retry-After: 0, by default and with WithoutAdaptiveLimit, and reports the
// adds a second of each (goal: the default keeps at least half):
//
//	go test -run '^$' -bench AddManySporadicZeroWait429 -benchtime 1x -count 3 ./participants/
func BenchmarkAddManySporadicZeroWait429(b *testing.B) {
	const n = 300
	for _, mode := range []string{"adaptive", "without"} {
		b.Run(mode, func(b *testing.B) {
			var opts []participants.BulkOption
			if mode == "without" {
				opts = append(opts, participants.WithoutAdaptiveLimit())
			}
			var took time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				c, fake, _, conv := stampedBird(b)
				fs := make([]participantstest.Fault, 2*n)
				for j := 9; j < len(fs); j += 10 {
					fs[j] = participantstest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"0"}},
						Body: `{"code":"TooManyRequests","message":"Too many requests"}`}
				}
				fake.InjectFaults(fs...)
				b.StartTimer()
				start := time.Now()
				addAll(b, c, conv, emails(i*n, n), opts...)
				took += time.Since(start)
			}
			b.ReportMetric(float64(n*b.N)/took.Seconds(), "adds/s")
		})
	}
}

// BenchmarkAddManyAdaptiveRisingLimit adds participants against a fake
// Bird whose limit (one-second windows, 429 with Retry-After: 1 beyond,
// not told to the client) is 100 a second for rise seconds, then 500, and
// reports how many seconds after the rise the first second lets through
// at least 95 % of the new limit (follow-s; reached is 0 when none did
// before the run ended). Default rise is 1 s with 1 s's worth at 500/s
// (CI: too short to follow); with a longer rise, 20 s's worth at 500/s.
// The figure of BENCHMARKS.md:
//
//	CONVERSEKIT_BULK_RISE=30 go test -run '^$' -bench AddManyAdaptiveRisingLimit -benchtime 1x -count 3 ./participants/
func BenchmarkAddManyAdaptiveRisingLimit(b *testing.B) {
	const before, after = 100, 500
	rise := envInt("CONVERSEKIT_BULK_RISE", 1)
	afterSecs := 1
	if rise > 1 {
		afterSecs = 20
	}
	n := before*rise + after*afterSecs
	var follow float64
	reached := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		c, fake, rt, conv := stampedBird(b)
		fake.SetRateLimit(before, time.Second)
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		b.StartTimer()
		start := time.Now()
		t := time.AfterFunc(time.Duration(rise)*time.Second, func() { fake.SetRateLimit(after, time.Second) })
		addAll(b, c, conv, emails(i*n, n))
		t.Stop()
		perSec := rt.okPerSecond(start)
		for s := rise; s < len(perSec)-1; s++ {
			if float64(perSec[s]) >= 0.95*after {
				follow += float64(s - rise)
				reached++
				break
			}
		}
	}
	if reached > 0 {
		b.ReportMetric(follow/float64(reached), "follow-s")
	}
	b.ReportMetric(float64(reached)/float64(b.N), "reached")
}
