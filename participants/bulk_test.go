package participants_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

func emails(from, n int) []participants.Participant {
	ps := make([]participants.Participant, n)
	for i := range ps {
		ps[i] = participants.Participant{Email: fmt.Sprintf("bulk%d@example.com", from+i)}
	}
	return ps
}

func TestAddManyOrderAndPerItemErrors(t *testing.T) {
	f, srv := newBirdFixture(t)
	ps := emails(0, 40)
	bad := map[int]participants.ErrorCode{
		3:  participants.InvalidArgument, // not an email
		17: participants.Unimplemented,   // Bird carries no attributes
		18: participants.InvalidArgument, // no identity at all
		39: participants.InvalidArgument,
	}
	ps[3].Email = "not-an-email"
	ps[17].Attributes = json.RawMessage(`{"a":1}`)
	ps[18] = participants.Participant{}
	ps[39].Phone = "12"
	ps[39].Email = ""

	res := f.Client.AddMany(context.Background(), f.Conversation, ps, participants.WithConcurrency(5))
	if len(res) != len(ps) {
		t.Fatalf("%d results for %d participants", len(res), len(ps))
	}
	for i, r := range res {
		if want, isBad := bad[i]; isBad {
			if r.Result != nil || participants.Code(r.Err) != want {
				t.Errorf("#%d: %+v, %v; want code %v", i, r.Result, r.Err, want)
			}
			continue
		}
		if r.Err != nil || r.Result == nil {
			t.Errorf("#%d: %v", i, r.Err)
			continue
		}
		var bp *bird.Participant
		if !r.Result.As(&bp) || bp.Contact == nil || bp.Contact.IdentifierValue != ps[i].Email {
			t.Errorf("#%d: result is not the participant's own (%+v)", i, bp)
		}
		if r.Result.Outcome != participants.Added {
			t.Errorf("#%d: outcome %v", i, r.Result.Outcome)
		}
	}
	if got, want := f.Count(f.Conversation), len(ps)-len(bad); got != want {
		t.Errorf("the fake has %d participants, want %d", got, want)
	}
	if got := srv.Requests(); got != len(ps)-len(bad) {
		t.Errorf("%d requests; bad input must send nothing", got)
	}

	// Again: ensure semantics, every one is already present.
	res = f.Client.AddMany(context.Background(), f.Conversation, ps)
	for i, r := range res {
		if _, isBad := bad[i]; !isBad && (r.Err != nil || r.Result.Outcome != participants.AlreadyPresent) {
			t.Errorf("second run #%d: %+v, %v", i, r.Result, r.Err)
		}
	}
}

func TestAddManyVendorErrorsDoNotStopOthers(t *testing.T) {
	f, srv := newBirdFixture(t)
	// Three vendor failures among the first requests, not retried (POST 5xx
	// is retried only because Add is idempotent: make them 4xx).
	srv.InjectFaults(
		participantstest.Fault{Status: 403, Body: `{"code":"Forbidden","message":"no"}`},
		participantstest.Fault{Status: 404, Body: `{"code":"NotFound","message":"no"}`},
	)
	res := f.Client.AddMany(context.Background(), f.Conversation, emails(100, 20), participants.WithConcurrency(1))
	var failed []participants.ErrorCode
	for _, r := range res {
		if r.Err != nil {
			failed = append(failed, participants.Code(r.Err))
		}
	}
	if !reflect.DeepEqual(failed, []participants.ErrorCode{participants.PermissionDenied, participants.NotFound}) {
		t.Errorf("failures %v", failed)
	}
	if res[0].Err == nil || res[1].Err == nil || res[2].Err != nil {
		t.Errorf("with one worker the first two fail: %v, %v, %v", res[0].Err, res[1].Err, res[2].Err)
	}
	if n := f.Count(f.Conversation); n != 18 {
		t.Errorf("%d added, want 18", n)
	}
}

func TestAddManyEmptyAndBadOptions(t *testing.T) {
	f, srv := newBirdFixture(t)
	if res := f.Client.AddMany(context.Background(), f.Conversation, nil); len(res) != 0 {
		t.Errorf("nil input: %v", res)
	}
	for _, opt := range []participants.BulkOption{
		participants.WithConcurrency(0),
		participants.WithRateLimit(0, 1),
		participants.WithRateLimit(10, 0),
		participants.WithLimiter(nil),
		nil,
	} {
		res := f.Client.AddMany(context.Background(), f.Conversation, emails(0, 3), opt)
		for i, r := range res {
			if participants.Code(r.Err) != participants.InvalidArgument {
				t.Errorf("#%d: %v", i, r.Err)
			}
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests with invalid options", n)
	}
}

// inflightServer answers Bird's add participant after a delay, counting the
// requests in flight.
type inflightServer struct {
	*httptest.Server // nil for newInflightClient's
	delay            time.Duration
	inflight, max    atomic.Int64
	total            atomic.Int64
}

func (s *inflightServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	s.total.Add(1)
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			break
		}
	}
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-time.After(s.delay):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, benchBirdResponse)
}

// newInflightServer serves an inflightServer on loopback.
func newInflightServer(t *testing.T, delay time.Duration) *inflightServer {
	s := &inflightServer{delay: delay}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

// newInflightClient returns an inflightServer and a client that reaches it
// in memory (behind participantstest.NewServer's Transport): in a
// testing/synctest bubble, its delay and the rate limits pass on virtual
// time. Call it inside the bubble.
func newInflightClient(t *testing.T, delay time.Duration) (*inflightServer, *participants.Client) {
	s := &inflightServer{delay: delay}
	fake := participantstest.NewServer(s)
	t.Cleanup(fake.Close)
	bc := must(bird.New(benchBirdKey, fake.InMemoryClientOptions()...))(t)
	return s, participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
}

func birdClientFor(t testing.TB, url string, extra ...option.Option) *participants.Client {
	bc, err := bird.New(benchBirdKey, append(fast(url), extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
}

// The server's 20ms answers pass on virtual time (testing/synctest).
func TestAddManyBoundedConcurrency(t *testing.T) {
	for _, limit := range []int{1, 3, participants.DefaultConcurrency} {
		synctest.Test(t, func(t *testing.T) {
			srv, c := newInflightClient(t, 20*time.Millisecond)
			var opts []participants.BulkOption
			if limit != participants.DefaultConcurrency {
				opts = append(opts, participants.WithConcurrency(limit))
			}
			res := c.AddMany(context.Background(), birdConversation, emails(0, 4*limit+1), opts...)
			for i, r := range res {
				if r.Err != nil {
					t.Fatalf("limit %d #%d: %v", limit, i, r.Err)
				}
			}
			if m := srv.max.Load(); m > int64(limit) || m < 1 {
				t.Errorf("limit %d: %d requests in flight at the server", limit, m)
			}
			t.Logf("limit %d: max in flight %d", limit, srv.max.Load())
		})
	}
}

func TestAddManyCancellation(t *testing.T) {
	srv := newInflightServer(t, time.Hour) // nothing ever answers
	c := birdClientFor(t, srv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	ps := emails(0, 100)
	done := make(chan []participants.BulkResult)
	go func() { done <- c.AddMany(ctx, birdConversation, ps, participants.WithConcurrency(4)) }()
	for srv.inflight.Load() < 4 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	cancel()
	var res []participants.BulkResult
	select {
	case res = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("AddMany did not return within 5s of the cancellation")
	}
	t.Logf("returned %v after cancel", time.Since(start))
	for i, r := range res {
		if participants.Code(r.Err) != participants.Canceled || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("#%d: %v", i, r.Err)
		}
	}
	if n := srv.total.Load(); n != 4 {
		t.Errorf("%d requests sent; only the 4 in flight should have been", n)
	}
}

func TestAddManyDeadlineWithRateLimit(t *testing.T) {
	srv := newInflightServer(t, 0)
	c := birdClientFor(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// One a second: one goes at once (#0 or #1, whichever of the two
	// workers waits first), the others would pass the deadline.
	res := c.AddMany(ctx, birdConversation, emails(0, 5), participants.WithRateLimit(1, 1), participants.WithConcurrency(2))
	added := 0
	for i, r := range res {
		switch {
		case r.Err == nil && i < 2:
			added++
		case participants.Code(r.Err) != participants.DeadlineExceeded || !errors.Is(r.Err, context.DeadlineExceeded):
			t.Errorf("#%d: %v", i, r.Err)
		}
	}
	if added != 1 {
		t.Errorf("%d added, want the one the burst lets go", added)
	}
}

// The rate limits' waits pass on virtual time (testing/synctest): the
// elapsed times are the limiter's alone.
func TestAddManyRateLimit(t *testing.T) {
	synctest.Test(t, testAddManyRateLimit)
}

func testAddManyRateLimit(t *testing.T) {
	_, c := newInflightClient(t, 0)
	start := time.Now()
	res := c.AddMany(context.Background(), birdConversation, emails(0, 11), participants.WithRateLimit(50, 1))
	elapsed := time.Since(start)
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("#%d: %v", i, r.Err)
		}
	}
	// 11 starts at 50/s with a burst of 1 cannot take less than 200ms.
	if elapsed < 190*time.Millisecond {
		t.Errorf("11 adds at 50/s took %v", elapsed)
	}
	// A shared limiter: two calls with one budget.
	l := rate.NewLimiter(50, 1)
	start = time.Now()
	var wg sync.WaitGroup
	for k := range 2 {
		wg.Go(func() {
			c.AddMany(context.Background(), birdConversation, emails(100*k, 6), participants.WithLimiter(l))
		})
	}
	wg.Wait()
	if elapsed := time.Since(start); elapsed < 190*time.Millisecond {
		t.Errorf("12 adds sharing a 50/s limiter took %v", elapsed)
	}
}

// attemptLog records the start of every attempt and its status, below the
// retries.
type attemptLog struct {
	rt http.RoundTripper
	mu sync.Mutex
	at []attempt
}

type attempt struct {
	start, end time.Time
	status     int
}

func (l *attemptLog) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := l.rt.RoundTrip(r)
	a := attempt{start: start, end: time.Now()}
	if err == nil {
		a.status = resp.StatusCode
	}
	l.mu.Lock()
	l.at = append(l.at, a)
	l.mu.Unlock()
	return resp, err
}

// The pause passes on virtual time (testing/synctest), the client reaching
// the fake in memory.
func TestAddManySharedPause(t *testing.T) {
	synctest.Test(t, testAddManySharedPause)
}

func testAddManySharedPause(t *testing.T) {
	srv := participantstest.NewBirdServer()
	t.Cleanup(srv.Close)
	srv.SeedConversation(birdConversation)
	log := &attemptLog{rt: srv.Transport()}
	bc := must(bird.New(srv.AccessKey(), srv.InMemoryClientOptions(option.WithHTTPClient(&http.Client{Transport: log}))...))(t)
	c := participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: srv.WorkspaceID()}))
	// The very first request is answered 429 with Retry-After: 1.
	srv.InjectFaults(participantstest.Fault{
		Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {"1"}},
		Body:   `{"code":"TooManyRequests","message":"Too many requests"}`,
	})
	ps := emails(0, 200) // enough that the other workers would still be busy
	start := time.Now()
	res := c.AddMany(context.Background(), birdConversation, ps, participants.WithConcurrency(4))
	elapsed := time.Since(start)
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("#%d: %v", i, r.Err)
		}
	}
	var first *attempt
	for i := range log.at {
		if log.at[i].status == http.StatusTooManyRequests {
			first = &log.at[i]
			break
		}
	}
	if first == nil {
		t.Fatal("no 429 seen")
	}
	// Requests started before the 429 arrived may still be on their way,
	// and so may those that passed the gate between the 429's arrival
	// below the transport and the pause it sets (a few milliseconds, more
	// on a loaded machine: 100ms of slack); none may start in the rest of
	// the second after it.
	var during int
	for _, a := range log.at {
		if a.start.After(first.end.Add(100*time.Millisecond)) && a.start.Before(first.end.Add(900*time.Millisecond)) {
			during++
		}
	}
	t.Logf("%d attempts in %v; %d started during the pause", len(log.at), elapsed, during)
	if during != 0 {
		t.Errorf("%d attempts started during the second after the 429", during)
	}
	if len(log.at) != len(ps)+1 {
		t.Errorf("%d attempts for %d participants and one 429", len(log.at), len(ps))
	}
	if elapsed < 900*time.Millisecond {
		t.Errorf("AddMany took %v despite Retry-After: 1", elapsed)
	}
}
