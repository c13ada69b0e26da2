package participants_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/time/rate"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/birdparticipants"
)

// echoRT answers Bird's add participant in memory with a participant whose
// identifierValue is the one of the request, so that each result can be
// matched to its participant. With hold set, a request waits for a value
// on hold (or its context) before its answer.
type echoRT struct {
	hold     chan struct{}
	requests atomic.Int64
	inflight atomic.Int64
}

var identifierValue = regexp.MustCompile(`"identifierValue":"([^"]*)"`)

func (rt *echoRT) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	rt.requests.Add(1)
	rt.inflight.Add(1)
	defer rt.inflight.Add(-1)
	if rt.hold != nil {
		select {
		case <-rt.hold:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	m := identifierValue.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no identifierValue in %s", body)
	}
	out := fmt.Sprintf(`{"id":"p-%s","type":"contact","status":"active","contact":{"identifierKey":"emailaddress","identifierValue":%q}}`, m[1], m[1])
	return &http.Response{
		StatusCode: http.StatusCreated,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader([]byte(out))),
		ContentLength: int64(len(out)),
		Request:       r,
	}, nil
}

func echoClient(t testing.TB, rt http.RoundTripper, extra ...option.Option) *participants.Client {
	t.Helper()
	opts := append([]option.Option{option.WithHTTPClient(&http.Client{Transport: rt}), option.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, extra...)
	bc, err := bird.New(benchBirdKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return participants.New(birdparticipants.New(bc, birdparticipants.Options{WorkspaceID: benchBirdWorkspace}))
}

// source yields n participants (n < 0: without end), counting those read
// and noting when its loop ended.
type source struct {
	n     int
	read  atomic.Int64
	ended atomic.Bool
}

func (s *source) email(i int) string { return fmt.Sprintf("each%d@example.com", i) }

func (s *source) seq(yield func(participants.Participant) bool) {
	defer s.ended.Store(true)
	for i := 0; s.n < 0 || i < s.n; i++ {
		s.read.Add(1)
		if !yield(participants.Participant{Email: s.email(i)}) {
			return
		}
	}
}

// resultEmail is the email of the participant a Bird result is about.
func resultEmail(t *testing.T, r *participants.Result) string {
	t.Helper()
	var bp *bird.Participant
	if r == nil || !r.As(&bp) || bp.Contact == nil {
		t.Fatalf("result %+v carries no Bird contact", r)
	}
	return bp.Contact.IdentifierValue
}

func TestAddEachYieldsEveryIndexOnceWithItsOwnResult(t *testing.T) {
	for _, workers := range []int{1, 3, participants.DefaultConcurrency} {
		rt := &echoRT{}
		c := echoClient(t, rt)
		src := &source{n: 57}
		seen := map[int]bool{}
		var order []int
		for i, r := range c.AddEach(context.Background(), birdConversation, src.seq, participants.WithConcurrency(workers)) {
			if r.Err != nil {
				t.Fatalf("workers %d #%d: %v", workers, i, r.Err)
			}
			if seen[i] {
				t.Fatalf("workers %d: index %d yielded twice", workers, i)
			}
			seen[i] = true
			order = append(order, i)
			if got := resultEmail(t, r.Result); got != src.email(i) {
				t.Errorf("workers %d #%d: result of %s", workers, i, got)
			}
		}
		if len(seen) != 57 || rt.requests.Load() != 57 || !src.ended.Load() {
			t.Errorf("workers %d: %d indices, %d requests, input ended %v", workers, len(seen), rt.requests.Load(), src.ended.Load())
		}
		if workers == 1 {
			for k, i := range order {
				if k != i {
					t.Fatalf("one worker yields in input order: %v", order)
				}
			}
		}
	}
}

func TestAddEachReadsAtMostConcurrencyAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const (
			workers = 4
			n       = 40
		)
		rt := &echoRT{hold: make(chan struct{})}
		c := echoClient(t, rt)
		src := &source{n: n}
		yielded := 0
		go func() {
			// Answers trickle in one by one: the workers are always waiting.
			for range n {
				rt.hold <- struct{}{}
			}
		}()
		var maxAhead int64
		for _, r := range c.AddEach(context.Background(), birdConversation, src.seq, participants.WithConcurrency(workers)) {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			yielded++
			// Let the workers run ahead as far as they can before looking:
			// every other goroutine of the bubble is blocked.
			synctest.Wait()
			maxAhead = max(maxAhead, src.read.Load()-int64(yielded))
		}
		if yielded != n {
			t.Fatalf("%d results", yielded)
		}
		t.Logf("max read ahead %d", maxAhead)
		if maxAhead > workers || maxAhead < workers-1 {
			t.Errorf("the workers read up to %d participants ahead of the results, want %d", maxAhead, workers)
		}
	})
}

func TestAddEachBreakCancelsInFlightAndStopsReading(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rt := &echoRT{hold: make(chan struct{}, 1)}
	rt.hold <- struct{}{} // one answer; every other request hangs
	c := echoClient(t, rt)
	src := &source{n: -1} // without end
	ctx := context.Background()
	got := 0
	start := time.Now()
	for _, r := range c.AddEach(ctx, birdConversation, src.seq, participants.WithConcurrency(5)) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		for rt.inflight.Load() < 4 { // the other workers are stuck in flight
			time.Sleep(time.Millisecond)
		}
		got++
		break
	}
	if got != 1 {
		t.Fatalf("%d results", got)
	}
	if !src.ended.Load() {
		t.Error("the input was not stopped")
	}
	if n := rt.inflight.Load(); n != 0 {
		t.Errorf("%d requests still in flight after the loop", n)
	}
	// 5 workers, and perhaps one more read by the first worker after its
	// answer, but cancelled by the break before or after it was sent.
	read, sent := src.read.Load(), rt.requests.Load()
	if read != 5 && read != 6 || sent < 5 || sent > read {
		t.Errorf("%d participants read, %d sent; want 5 or 6 read and sent at most those", read, sent)
	}
	t.Logf("loop left %v after it started", time.Since(start))
}

func TestAddEachContextEndFailsTheRestUnsent(t *testing.T) {
	rt := &echoRT{hold: make(chan struct{})}
	c := echoClient(t, rt)
	ctx, cancel := context.WithCancel(context.Background())
	src := &source{n: 30}
	codes := map[participants.ErrorCode]int{}
	go func() {
		for rt.inflight.Load() < 3 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	n := 0
	for _, r := range c.AddEach(ctx, birdConversation, src.seq, participants.WithConcurrency(3)) {
		n++
		codes[participants.Code(r.Err)]++
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("error %v does not carry context.Canceled", r.Err)
		}
	}
	if n != 30 || codes[participants.Canceled] != 30 {
		t.Errorf("%d results, codes %v", n, codes)
	}
	if rt.requests.Load() != 3 {
		t.Errorf("%d requests; only the 3 in flight were sent", rt.requests.Load())
	}
}

func TestAddEachBadSetupFailsEveryParticipantUnsent(t *testing.T) {
	rt := &echoRT{}
	c := echoClient(t, rt)
	cases := map[string]struct {
		c    *participants.Client
		ctx  context.Context
		opts []participants.BulkOption
	}{
		"bad option": {c, context.Background(), []participants.BulkOption{participants.WithConcurrency(-1)}},
		"nil option": {c, context.Background(), []participants.BulkOption{nil}},
		"nil ctx":    {c, nil, nil},
		"no client":  {nil, context.Background(), nil},
	}
	for name, tc := range cases {
		src := &source{n: 7}
		n := 0
		for i, r := range tc.c.AddEach(tc.ctx, birdConversation, src.seq, tc.opts...) {
			if i != n || r.Result != nil || participants.Code(r.Err) != participants.InvalidArgument {
				t.Errorf("%s: #%d: %+v, %v", name, i, r.Result, r.Err)
			}
			n++
		}
		if n != 7 {
			t.Errorf("%s: %d results for 7", name, n)
		}
		// Breaking out works there too.
		for range tc.c.AddEach(tc.ctx, birdConversation, (&source{n: -1}).seq, tc.opts...) {
			break
		}
	}
	if rt.requests.Load() != 0 {
		t.Errorf("%d requests", rt.requests.Load())
	}
	for range c.AddEach(context.Background(), birdConversation, nil) {
		t.Error("a nil input yields nothing")
	}
}

func TestAddEachIsLazy(t *testing.T) {
	rt := &echoRT{}
	c := echoClient(t, rt)
	src := &source{n: 3}
	seq := c.AddEach(context.Background(), birdConversation, src.seq)
	if src.read.Load() != 0 || rt.requests.Load() != 0 {
		t.Fatal("AddEach started before the sequence was ranged over")
	}
	n := 0
	for range seq {
		n++
	}
	for range seq { // and it can be ranged over again
		n++
	}
	if n != 6 || rt.requests.Load() != 6 {
		t.Errorf("%d results, %d requests", n, rt.requests.Load())
	}
}

func TestAddEachInputPanicReachesTheConsumer(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rt := &echoRT{}
	c := echoClient(t, rt)
	boom := func(yield func(participants.Participant) bool) {
		for i := range 5 {
			if !yield(participants.Participant{Email: fmt.Sprintf("p%d@example.com", i)}) {
				return
			}
		}
		panic("input broke")
	}
	n := 0
	func() {
		defer func() {
			if r := recover(); r != "input broke" {
				t.Errorf("recovered %v", r)
			}
		}()
		for _, r := range c.AddEach(context.Background(), birdConversation, boom, participants.WithConcurrency(2)) {
			if r.Err != nil {
				t.Error(r.Err)
			}
			n++
		}
		t.Error("no panic")
	}()
	if n != 5 {
		t.Errorf("%d results before the panic, want 5", n)
	}
}

func TestAddEachConsumerPanicStopsTheWorkers(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rt := &echoRT{}
	c := echoClient(t, rt)
	src := &source{n: -1}
	func() {
		defer func() {
			if r := recover(); r != "consumer broke" {
				t.Errorf("recovered %v", r)
			}
		}()
		for range c.AddEach(context.Background(), birdConversation, src.seq) {
			panic("consumer broke")
		}
	}()
	if !src.ended.Load() {
		t.Error("the input was not stopped")
	}
}

// refusingLimiter refuses every wait with its error.
type refusingLimiter struct {
	err   error
	waits atomic.Int64
}

func (l *refusingLimiter) Wait(context.Context) error {
	l.waits.Add(1)
	return l.err
}

func TestAddManyLimiterOfAnyKind(t *testing.T) {
	rt := &echoRT{}
	c := echoClient(t, rt)
	down := errors.New("redis: connection refused")
	l := &refusingLimiter{err: down}
	res := c.AddMany(context.Background(), birdConversation, emails(0, 3), participants.WithLimiter(l))
	for i, r := range res {
		var pe *participants.Error
		if participants.Code(r.Err) != participants.Unavailable || !errors.Is(r.Err, down) || !errors.As(r.Err, &pe) || pe.Field != "WithLimiter" {
			t.Errorf("#%d: %v", i, r.Err)
		}
	}
	if rt.requests.Load() != 0 || l.waits.Load() != 3 {
		t.Errorf("%d requests, %d waits", rt.requests.Load(), l.waits.Load())
	}
	// An accepting limiter lets every Add through.
	l.err = nil
	for i, r := range c.AddMany(context.Background(), birdConversation, emails(0, 3), participants.WithLimiter(l)) {
		if r.Err != nil {
			t.Errorf("#%d: %v", i, r.Err)
		}
	}
	var typedNil *rate.Limiter
	for _, r := range c.AddMany(context.Background(), birdConversation, emails(0, 2), participants.WithLimiter(typedNil)) {
		if participants.Code(r.Err) != participants.InvalidArgument {
			t.Errorf("a nil *rate.Limiter: %v", r.Err)
		}
	}
}

// collect is the results of seq by index.
func collectEach(seq iter.Seq2[int, participants.BulkResult]) map[int]participants.BulkResult {
	m := map[int]participants.BulkResult{}
	for i, r := range seq {
		m[i] = r
	}
	return m
}

func TestAddEachAddOptionsReachEveryAdd(t *testing.T) {
	rt := &echoRT{}
	c := echoClient(t, rt)
	var calls atomic.Int64
	hook := participants.BeforeAdd(func(any) error { calls.Add(1); return nil })
	got := collectEach(c.AddEach(context.Background(), birdConversation, (&source{n: 9}).seq, participants.WithAddOptions(hook)))
	if len(got) != 9 || calls.Load() != 9 {
		t.Errorf("%d results, %d hook calls", len(got), calls.Load())
	}
}

func TestAddEachInputPanicIsRaisedEvenAfterABreak(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rt := &echoRT{hold: make(chan struct{})}
	c := echoClient(t, rt)
	panicking := make(chan struct{})
	boom := func(yield func(participants.Participant) bool) {
		if !yield(participants.Participant{Email: "a@example.com"}) {
			return
		}
		close(panicking)
		panic("input broke")
	}
	defer func() {
		if r := recover(); r != "input broke" {
			t.Errorf("recovered %v", r)
		}
	}()
	go func() {
		<-panicking // the first answer comes once the input has panicked
		rt.hold <- struct{}{}
	}()
	for range c.AddEach(context.Background(), birdConversation, boom, participants.WithConcurrency(2)) {
		break
	}
	t.Error("no panic")
}

// A vendor client's limiter (option.WithLimiter) that refuses gives the
// facade code Unavailable, nothing sent, the refusal in the chain.
func TestClientLimiterRefusalIsUnavailable(t *testing.T) {
	rt := &echoRT{}
	down := errors.New("redis: i/o timeout")
	c := echoClient(t, rt, option.WithLimiter(&refusingLimiter{err: down}))
	_, err := c.Add(context.Background(), birdConversation, participants.Participant{Email: "a@example.com"})
	var le *option.LimiterError
	if participants.Code(err) != participants.Unavailable || !errors.As(err, &le) || !errors.Is(err, down) {
		t.Errorf("Add = %v; want Unavailable with the limiter's error", err)
	}
	if rt.requests.Load() != 0 {
		t.Errorf("%d requests", rt.requests.Load())
	}
	// A *rate.Limiter whose wait would pass the deadline: DeadlineExceeded.
	l := rate.NewLimiter(rate.Every(time.Hour), 1)
	l.Allow()
	c = echoClient(t, rt, option.WithLimiter(l))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.Add(ctx, birdConversation, participants.Participant{Email: "a@example.com"}); participants.Code(err) != participants.DeadlineExceeded {
		t.Errorf("Add = %v; want DeadlineExceeded", err)
	}
}
