package redislimit_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/conversekit/conversekit/contrib/redislimit"
)

// The boundaries of the limiter that the behaviour tests do not reach
// (found by mutation testing, issue 18).

// A burst of 1, the least, is accepted.
func TestWithBurstOne(t *testing.T) {
	l := newLimiter(t, sharedRedis(t), account(t), 5, redislimit.WithBurst(1))
	if _, b := l.Limit(); b != 1 {
		t.Fatalf("burst %d, want 1", b)
	}
}

// retryAfterHook makes the first n GCRA scripts answer "not allowed,
// retry after <retryAfter>" (redis_rate's reply: allowed, remaining,
// retry_after, reset_after) and counts the commands.
type retryAfterHook struct {
	countingHook
	retryAfter string
	n          atomic.Int64 // answers still to rewrite; negative: all
}

func (h *retryAfterHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.countingHook.n.Add(1)
		err := next(ctx, cmd)
		if c, ok := cmd.(*redis.Cmd); ok && err == nil && (cmd.Name() == "evalsha" || cmd.Name() == "eval") {
			if v, ok := c.Val().([]any); ok && len(v) == 4 && h.n.Add(-1) >= 0 {
				c.SetVal([]any{int64(0), int64(0), h.retryAfter, h.retryAfter})
			}
		}
		return err
	}
}

// A "retry after 0" answer is as unusable as "-1": one slot of the budget
// before asking again, not a poll every millisecond.
func TestWaitOnAZeroRetryAfterDoesNotPoll(t *testing.T) {
	rdb := newRedis(t, redisAddr(t))
	hook := &retryAfterHook{retryAfter: "0"}
	hook.n.Store(1 << 30)
	rdb.AddHook(hook)
	l := newLimiter(t, rdb, account(t), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v; want DeadlineExceeded (the budget never allows)", err)
	}
	if n := hook.countingHook.n.Load(); n > 10 {
		t.Errorf("Wait sent %d Redis commands in 2s at 1/s; want at most 10", n)
	}
}

// After an unusable answer Wait asks again one slot later: 10ms at 100/s,
// and then goes.
func TestWaitAsksAgainAfterOneSlot(t *testing.T) {
	rdb := newRedis(t, redisAddr(t))
	hook := &retryAfterHook{retryAfter: "-1"}
	hook.n.Store(3)
	rdb.AddHook(hook)
	l := newLimiter(t, rdb, account(t), 100)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := l.Wait(ctx); err != nil {
		t.Fatalf("Wait = %v after %v; want nil once the budget allows (three slots of 10ms)", err, time.Since(start))
	}
}

// The Waits of one process share what Redis told one of them: goroutines
// that wait for the same budget sleep until the slot Redis named, without
// asking Redis again each.
func TestWaitersShareTheAnswer(t *testing.T) {
	rdb := newRedis(t, redisAddr(t))
	hook := &countingHook{}
	rdb.AddHook(hook)
	l := newLimiter(t, rdb, account(t), 2, redislimit.WithBurst(1))
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for l.Wait(ctx) == nil {
			}
		})
	}
	wg.Wait()
	// Three slots in 1.2s at 2/s, each costing two asks (one allowed, one
	// told to wait) of two commands: about 12. Asking once per goroutine
	// and slot would be over 40.
	t.Logf("%d Redis commands", hook.n.Load())
	if n := hook.n.Load(); n > 24 {
		t.Errorf("8 goroutines waiting 1.2s at 2/s sent %d Redis commands; want at most 24", n)
	}
}

// A caller that leaves while its Redis call hangs gets its own context's
// error, not a failure of Redis.
func TestWaitCancelledDuringARedisCall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	done := make(chan struct{})
	conns.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { <-done; _ = c.Close() }) // accepts, never answers
		}
	})
	t.Cleanup(func() { _ = ln.Close(); close(done); conns.Wait() })
	l := newLimiter(t, newRedis(t, ln.Addr().String()), account(t), 10, redislimit.WithTimeout(300*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err = l.Wait(ctx)
	var rerr *redislimit.Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &rerr) {
		t.Fatalf("Wait cancelled during a hanging Redis call = %v; want context.Canceled, not a Redis *Error", err)
	}
}

// A pause that ends within the millisecond (Redis's unit) is none: nothing
// is stored, and no error (PX 0 is an error in Redis).
func TestPauseShorterThanAMillisecond(t *testing.T) {
	rdb := sharedRedis(t)
	l := newLimiter(t, rdb, account(t), 10)
	if err := l.Pause(context.Background(), time.Now().Add(500*time.Microsecond)); err != nil {
		t.Fatalf("Pause of 0.5ms = %v", err)
	}
	if n, err := rdb.Exists(context.Background(), l.Key()+":pause").Result(); err != nil || n != 0 {
		t.Fatalf("pause key exists %d, %v; want none", n, err)
	}
}

// pttlHook makes every PTTL answer ms and counts the GCRA scripts.
type pttlHook struct {
	countingHook
	ms    int64
	gcras atomic.Int64
}

func (h *pttlHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		switch c, ok := cmd.(*redis.Cmd); {
		case ok && err == nil && cmd.Name() == "pttl":
			c.SetVal(h.ms)
		case cmd.Name() == "evalsha" || cmd.Name() == "eval":
			h.gcras.Add(1)
		}
		return err
	}
}

// A pause that ends now (PTTL 0) is no pause, and the attempt still takes
// its slot of the budget.
func TestPauseEndingNowStillTakesASlot(t *testing.T) {
	rdb := newRedis(t, redisAddr(t))
	hook := &pttlHook{ms: 0}
	rdb.AddHook(hook)
	l := newLimiter(t, rdb, account(t), 10)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if n := hook.gcras.Load(); n != 1 {
		t.Fatalf("%d GCRA calls for one Wait after PTTL 0; want 1", n)
	}
}
