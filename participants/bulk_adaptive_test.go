package participants_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// stampRT records when each request was sent and whether it was answered
// 429, on the clock of the goroutine that sends it (virtual time in a
// testing/synctest bubble).
type stampRT struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   []time.Time
	tmr  []bool
}

func (s *stampRT) RoundTrip(r *http.Request) (*http.Response, error) {
	now := time.Now()
	resp, err := s.next.RoundTrip(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, now)
	s.tmr = append(s.tmr, err == nil && resp.StatusCode == http.StatusTooManyRequests)
	return resp, err
}

// okPerSecond is the requests answered other than 429 in each whole second
// from start.
func (s *stampRT) okPerSecond(start time.Time) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for i, at := range s.at {
		sec := int(at.Sub(start) / time.Second)
		for len(out) <= sec {
			out = append(out, 0)
		}
		if !s.tmr[i] {
			out[sec]++
		}
	}
	return out
}

// limited is the count of requests answered 429, and of all requests.
func (s *stampRT) limited() (tooMany, all int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.tmr {
		if l {
			tooMany++
		}
	}
	return tooMany, len(s.at)
}

// birdInMemory is a participants.Client of a Bird fake reached in memory
// through a stampRT, for a test in a synctest bubble.
func birdInMemory(t *testing.T) (*participants.Client, *participantstest.BirdServer, *stampRT, string) {
	t.Helper()
	fake := participantstest.NewBirdServer()
	t.Cleanup(fake.Close)
	conv := fake.SeedConversation("")
	rt := &stampRT{next: fake.Transport()}
	bc := must(bird.New(fake.AccessKey(), fake.InMemoryClientOptions(option.WithHTTPClient(&http.Client{Transport: rt}))...))(t)
	return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: fake.WorkspaceID()})), fake, rt, conv
}

// sporadic429s queues n faults on fake: every request takes 10ms, and every
// tenth is answered 429 with Retry-After: 0 (a 429 that asks for no wait).
func sporadic429s(fake *participantstest.BirdServer, n int) {
	fs := make([]participantstest.Fault, n)
	for i := range fs {
		fs[i].Delay = 10 * time.Millisecond
		if i%10 == 9 {
			fs[i].Status = http.StatusTooManyRequests
			fs[i].Header = http.Header{"Retry-After": {"0"}}
			fs[i].Body = `{"code":"TooManyRequests","message":"Too many requests"}`
		}
	}
	fake.InjectFaults(fs...)
}

// One request in ten answered 429 with Retry-After: 0 shows no limit: a
// default bulk add keeps at least half the pace of one without the
// adaptive limit (it used to fall to a thirtieth: each such 429 cut the
// learned rate by 5 %). On virtual time: every request takes 10ms, so 8
// workers make 800 a second.
func TestAddManyShrugsOffSporadicZeroWait429s(t *testing.T) {
	const n = 300
	took := map[string]time.Duration{}
	for name, opts := range map[string][]participants.BulkOption{
		"adaptive": nil,
		"without":  {participants.WithoutAdaptiveLimit()},
	} {
		synctest.Test(t, func(t *testing.T) {
			c, fake, rt, conv := birdInMemory(t)
			sporadic429s(fake, 2*n)
			start := time.Now()
			for i, r := range c.AddMany(context.Background(), conv, emails(0, n), opts...) {
				if r.Err != nil {
					t.Fatalf("%s #%d: %v", name, i, r.Err)
				}
			}
			took[name] = time.Since(start)
			tooMany, all := rt.limited()
			t.Logf("%s: %d adds in %v (%.0f/s), %d of %d requests answered 429", name, n, took[name],
				n/took[name].Seconds(), tooMany, all)
			if tooMany < n/10-2 {
				t.Fatalf("%s: only %d 429s", name, tooMany)
			}
		})
	}
	if took["adaptive"] > 2*took["without"] {
		t.Errorf("adaptive took %v, more than twice the %v without", took["adaptive"], took["without"])
	}
}

// median is the median of xs (sorted in place).
func median(xs []int) int {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// Against a vendor that answers 429 with Retry-After: 1 beyond its limit
// (one-second windows) and says nothing else, the pace a bulk add learns
// hugs the limit: in the second half of the run, the median second lets
// through at least 95 % of the limit, and at most 1 % of the requests are
// answered 429. On virtual time.
func TestAddManyLearnedPaceHugsTheLimit(t *testing.T) {
	for limit, n := range map[int]int{100: 2000, 500: 3500} { // 20 s and 7 s
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, fake, rt, conv := birdInMemory(t)
				fake.SetRateLimit(limit, time.Second)
				start := time.Now()
				for i, r := range c.AddMany(context.Background(), conv, emails(0, n)) {
					if r.Err != nil {
						t.Fatalf("#%d: %v", i, r.Err)
					}
				}
				took := time.Since(start)
				secs := rt.okPerSecond(start)
				steady := median(slices.Clone(secs[len(secs)/2 : len(secs)-1]))
				tooMany, all := rt.limited()
				t.Logf("%d adds in %v (%.3fx the minimum); median second of the second half %d/s; %d of %d answered 429",
					n, took, took.Seconds()/float64(n/limit), steady, tooMany, all)
				if float64(steady) < 0.95*float64(limit) {
					t.Errorf("steady pace %d/s, under 95 %% of %d/s: %v", steady, limit, secs)
				}
				if float64(tooMany) > 0.01*float64(all) {
					t.Errorf("%d of %d requests answered 429", tooMany, all)
				}
			})
		})
	}
}

// When the vendor's limit rises fivefold (40 to 200 a second) mid-run, the
// learned pace follows: the first second with at least 95 % of the new
// limit comes within 35 s (the hold of 20 s after the last 429, then the
// probe). On virtual time.
func TestAddManyLearnedPaceFollowsARisingLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The rates are two fifths of Bird's 100 and 500 (the learning is
		// the same per second; BenchmarkAddManyAdaptiveRisingLimit runs
		// Bird's own), so that the test stays cheap.
		const before, after, rise = 40, 200, 30 * time.Second
		c, fake, rt, conv := birdInMemory(t)
		fake.SetRateLimit(before, time.Second)
		start := time.Now()
		time.AfterFunc(rise, func() { fake.SetRateLimit(after, time.Second) })
		n := before*int(rise/time.Second) + after*12
		for i, r := range c.AddMany(context.Background(), conv, emails(0, n)) {
			if r.Err != nil {
				t.Fatalf("#%d: %v", i, r.Err)
			}
		}
		secs := rt.okPerSecond(start)
		followed := -1
		for s := int(rise / time.Second); s < len(secs); s++ {
			if float64(secs[s]) >= 0.95*after {
				followed = s - int(rise/time.Second)
				break
			}
		}
		t.Logf("pace per second: %v; 95 %% of the new limit after %d s", secs, followed)
		if followed < 0 || followed > 35 {
			t.Errorf("the pace took %d s to follow the limit from %d/s to %d/s", followed, before, after)
		}
	})
}
