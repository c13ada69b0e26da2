package redislimit_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/conversekit/conversekit/contrib/redislimit"
)

func TestNewRefusesBadInput(t *testing.T) {
	ok := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer ok.Close()
	noCtx := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer noCtx.Close()
	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	defer cluster.Close()
	cases := map[string]struct {
		rdb             redis.UniversalClient
		vendor, account string
		rate            int
		opts            []redislimit.Option
		want            string
	}{
		"nil client":          {nil, "bird", "a", 10, nil, "nil Redis client"},
		"no vendor":           {ok, "", "a", 10, nil, "need a vendor and an account"},
		"no account":          {ok, "bird", "", 10, nil, "need a vendor and an account"},
		"zero rate":           {ok, "bird", "a", 0, nil, "perSecond 0"},
		"no ctx timeouts":     {noCtx, "bird", "a", 10, nil, "ContextTimeoutEnabled"},
		"cluster no ctx":      {cluster, "bird", "a", 10, nil, "ContextTimeoutEnabled"},
		"nil option":          {ok, "bird", "a", 10, []redislimit.Option{nil}, "nil Option"},
		"burst 0":             {ok, "bird", "a", 10, []redislimit.Option{redislimit.WithBurst(0)}, "WithBurst(0)"},
		"timeout 0":           {ok, "bird", "a", 10, []redislimit.Option{redislimit.WithTimeout(0)}, "WithTimeout(0s)"},
		"retry 0":             {ok, "bird", "a", 10, []redislimit.Option{redislimit.WithRetryAfter(0)}, "WithRetryAfter(0s)"},
		"nil fallback":        {ok, "bird", "a", 10, []redislimit.Option{redislimit.WithFallback(nil)}, "WithFallback: nil limiter"},
		"empty prefix":        {ok, "bird", "a", 10, []redislimit.Option{redislimit.WithPrefix("")}, "empty prefix"},
		"good then bad burst": {ok, "bird", "a", 10, []redislimit.Option{redislimit.WithBurst(2), redislimit.WithBurst(-1)}, "WithBurst(-1)"},
	}
	for name, tc := range cases {
		l, err := redislimit.New(tc.rdb, tc.vendor, tc.account, tc.rate, tc.opts...)
		if l != nil || err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "redislimit: ") {
			t.Errorf("%s: New = %v, %v; want an error with %q", name, l, err, tc.want)
		}
	}
	l, err := redislimit.New(ok, "twilio", "AC123", 100, redislimit.WithPrefix("acme"))
	if err != nil || l.Key() != "acme:twilio:AC123" {
		t.Errorf("New = %v, %v", l, err)
	}
	l, err = redislimit.New(ok, "twilio", "AC123", 100)
	if err != nil || l.Key() != "conversekit:twilio:AC123" {
		t.Errorf("New = %v, %v", l, err)
	}
}

func newLimiter(t *testing.T, rdb redis.UniversalClient, acct string, perSecond int, opts ...redislimit.Option) *redislimit.Limiter {
	t.Helper()
	l, err := redislimit.New(rdb, "bird", acct, perSecond, append([]redislimit.Option{redislimit.WithPrefix("conversekit-test")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The budget is the account's, whatever the number of limiters (clients,
// processes) that share it.
func TestWaitSharesOneBudget(t *testing.T) {
	acct := account(t)
	a := newLimiter(t, sharedRedis(t), acct, 50)
	b := newLimiter(t, sharedRedis(t), acct, 50) // another connection, as another process
	start := time.Now()
	var wg sync.WaitGroup
	for _, l := range []*redislimit.Limiter{a, b} {
		wg.Go(func() {
			for range 6 {
				if err := l.Wait(context.Background()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	// 12 slots at 50/s with a burst of 1: at least 11 intervals of 20ms.
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("12 waits on one 50/s budget took %v", d)
	}
	// Another account has its own budget: its first slot is free now.
	c := newLimiter(t, sharedRedis(t), account(t), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Wait(ctx); err != nil {
		t.Errorf("first wait of a fresh account: %v", err)
	}
}

// A wait past the deadline is refused at once.
func TestWaitRefusesAWaitPastTheDeadline(t *testing.T) {
	l := newLimiter(t, sharedRedis(t), account(t), 1) // one a second
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := l.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("Wait = %v (ctx %v); want DeadlineExceeded before the deadline", err, ctx.Err())
	}
	// A context already done: its error, and Redis is not marked down.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if err := l.Wait(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a done context = %v", err)
	}
}

// A wait cancelled while waiting for its slot returns the context's error
// and does not count as a Redis failure.
func TestWaitCancelledWhileWaiting(t *testing.T) {
	l := newLimiter(t, sharedRedis(t), account(t), 1)
	if err := l.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait = %v", err)
	}
	// Redis is still used: the next slot comes about a second after the
	// first, not a fallback's or an error.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := l.Wait(ctx2); err != nil {
		t.Errorf("Wait after a cancelled one = %v", err)
	}
}

// One limiter's Pause holds back another's waits until it ends, never
// shortens a longer pause, and ignores a time already past.
func TestPauseIsShared(t *testing.T) {
	acct := account(t)
	rdb := sharedRedis(t)
	a := newLimiter(t, rdb, acct, 1000)
	b := newLimiter(t, sharedRedis(t), acct, 1000)
	if err := a.Pause(context.Background(), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if n := rdb.Exists(context.Background(), a.Key()+":pause").Val(); n != 0 {
		t.Errorf("a past pause stored a key")
	}
	start := time.Now()
	if err := a.Pause(context.Background(), start.Add(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := a.Pause(context.Background(), start.Add(50*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if pttl := rdb.PTTL(context.Background(), a.Key()+":pause").Val(); pttl < 200*time.Millisecond || pttl > 400*time.Millisecond {
		t.Errorf("pause PTTL %v; want the longer pause kept", pttl)
	}
	// A wait whose deadline comes before the end of the pause is refused
	// at once.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := b.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("Wait = %v; want DeadlineExceeded before the deadline", err)
	}
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 350*time.Millisecond {
		t.Errorf("the other limiter waited only %v of a 400ms pause", d)
	}
}

// countingHook counts the commands a client sends.
type countingHook struct{ n atomic.Int64 }

func (h *countingHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h *countingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// deadAddr is a loopback address nobody listens on.
func deadAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Redis down: Wait fails at once with an *Error that says so, then, for
// WithRetryAfter, without calling Redis; after it, Redis is tried again.
func TestRedisDownFailsFast(t *testing.T) {
	rdb := newRedis(t, deadAddr(t))
	hook := &countingHook{}
	rdb.AddHook(hook)
	l := newLimiter(t, rdb, "down", 10, redislimit.WithRetryAfter(300*time.Millisecond))
	start := time.Now()
	err := l.Wait(context.Background())
	var e *redislimit.Error
	if !errors.As(err, &e) || e.Cached || e.Timeout() || e.Op != "rate limit" || e.Key != "conversekit-test:bird:down" || !strings.Contains(err.Error(), "redislimit: rate limit for conversekit-test:bird:down: ") {
		t.Fatalf("Wait = %v; want a *redislimit.Error", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the failure took %v", d)
	}
	sent := hook.n.Load()
	err = l.Wait(context.Background())
	if !errors.As(err, &e) || !e.Cached || !strings.HasSuffix(err.Error(), "(earlier failure; Redis not retried yet)") {
		t.Errorf("second Wait = %v; want the cached failure", err)
	}
	if err := l.Pause(context.Background(), time.Now().Add(time.Second)); !errors.As(err, &e) || !e.Cached {
		t.Errorf("Pause while down = %v", err)
	}
	if hook.n.Load() != sent {
		t.Errorf("Redis was called while marked down")
	}
	time.Sleep(350 * time.Millisecond) // past WithRetryAfter: let the mark expire
	if err := l.Wait(context.Background()); !errors.As(err, &e) || e.Cached || hook.n.Load() == sent {
		t.Errorf("Wait after the retry period = %v; want Redis asked again", err)
	}
	if err := l.Pause(context.Background(), time.Now().Add(-time.Second)); err != nil {
		t.Errorf("a past Pause needs no Redis: %v", err)
	}
}

// Redis slow (a listener that never answers): every call ends after
// WithTimeout, with an error that says so.
func TestRedisSlowTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open = append(open, c) // read nothing, answer nothing
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		ln.Close()
		conns.Wait()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
	})
	rdb := newRedis(t, ln.Addr().String())
	l := newLimiter(t, rdb, "slow", 10, redislimit.WithTimeout(80*time.Millisecond))
	start := time.Now()
	err = l.Wait(context.Background())
	d := time.Since(start)
	var e *redislimit.Error
	if !errors.As(err, &e) || !e.Timeout() || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Redis did not answer within 80ms") {
		t.Errorf("Wait = %v", err)
	}
	if d > time.Second {
		t.Errorf("Wait took %v with an 80ms timeout", d)
	}
	if err := l.Pause(context.Background(), time.Now().Add(time.Second)); !errors.As(err, &e) {
		t.Errorf("Pause = %v", err)
	}
}

// fallbackLimiter counts its waits.
type fallbackLimiter struct{ n atomic.Int64 }

func (f *fallbackLimiter) Wait(context.Context) error { f.n.Add(1); return nil }

// With WithFallback, a Redis failure waits on the fallback instead.
func TestRedisDownFallsBack(t *testing.T) {
	fb := &fallbackLimiter{}
	l := newLimiter(t, newRedis(t, deadAddr(t)), "down", 10, redislimit.WithFallback(fb))
	for range 3 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if fb.n.Load() != 3 {
		t.Errorf("%d fallback waits, want 3", fb.n.Load())
	}
}

// WithBurst lets that many through at once, and no more; the default
// burst is a fiftieth of the rate, at least 1.
func TestBurst(t *testing.T) {
	for _, tc := range []struct {
		rate  int
		opts  []redislimit.Option
		burst int
	}{
		{1, []redislimit.Option{redislimit.WithBurst(3)}, 3},
		{1, nil, 1},
		{49, nil, 1},
		{100, nil, 2},
		{490, nil, 9},
	} {
		l := newLimiter(t, sharedRedis(t), account(t), tc.rate, tc.opts...)
		if r, b := l.Limit(); r != tc.rate || b != tc.burst {
			t.Errorf("Limit() = %d, %d; want %d, %d", r, b, tc.rate, tc.burst)
		}
		if tc.rate != 1 {
			continue
		}
		// The budget is full: burst waits pass at once, the next one would
		// wait a second (past the deadline: refused at once).
		for i := range tc.burst + 1 {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			err := l.Wait(ctx)
			cancel()
			if i < tc.burst && err != nil || i == tc.burst && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("rate %d burst %d: wait %d: %v", tc.rate, tc.burst, i, err)
			}
		}
	}
}
