package redislimit_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// A Wait without a deadline that sleeps through a shared pause does not
// hold back another Wait of the same limiter: one whose deadline comes
// before the end of the pause is refused at once, as Wait's doc says.
func TestWaitSleepingThroughAPauseDoesNotBlockOthers(t *testing.T) {
	l := newLimiter(t, sharedRedis(t), account(t), 1000)
	if err := l.Pause(context.Background(), time.Now().Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	long, stop := context.WithCancel(context.Background()) // no deadline
	var wg sync.WaitGroup
	var longErr error
	wg.Go(func() { longErr = l.Wait(long) })
	time.Sleep(200 * time.Millisecond) // the long Wait has asked Redis and sleeps
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx)
	took := time.Since(start)
	stop()
	wg.Wait()
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Errorf("Wait with a 1s deadline during a 3s pause = %v (ctx %v); want DeadlineExceeded before the deadline", err, ctx.Err())
	}
	if took > 300*time.Millisecond {
		t.Errorf("Wait with a 1s deadline during a 3s pause took %v; want it refused at once", took)
	}
	if !errors.Is(longErr, context.Canceled) {
		t.Errorf("the long Wait = %v; want it cancelled", longErr)
	}
}

// answerHook counts the commands a client sends and makes every GCRA
// script answer "not allowed, retry after -1".
type answerHook struct{ countingHook }

func (h *answerHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		err := next(ctx, cmd)
		if c, ok := cmd.(*redis.Cmd); ok && err == nil && (cmd.Name() == "evalsha" || cmd.Name() == "eval") {
			if v, ok := c.Val().([]any); ok && len(v) == 4 {
				c.SetVal([]any{int64(0), int64(0), "-1", "-1"})
			}
		}
		return err
	}
}

// A Redis answer "not allowed, retry after -1" (no usable wait) makes Wait
// ask again after one slot of the budget (a second at 1/s), not poll Redis
// in a busy loop.
func TestWaitOnANonsenseRetryAfterDoesNotPoll(t *testing.T) {
	rdb := newRedis(t, redisAddr(t))
	hook := &answerHook{}
	rdb.AddHook(hook)
	l := newLimiter(t, rdb, account(t), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := l.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v; want DeadlineExceeded (the budget never allows)", err)
	}
	// A slot a second over 2s: at most 3 asks of 2 or 3 commands each.
	if n := hook.n.Load(); n > 10 {
		t.Errorf("Wait sent %d Redis commands in 2s at 1/s; want at most 10", n)
	}
}

// A pause longer than a time.Duration can hold (about 292 years, stored by
// another process) is the longest pause, not no pause.
func TestAPausePastADurationIsStillAPause(t *testing.T) {
	rdb := sharedRedis(t)
	l := newLimiter(t, rdb, account(t), 1000)
	// 294.7 years in milliseconds: Redis takes it; its nanoseconds
	// overflow an int64.
	if err := rdb.Do(context.Background(), "SET", l.Key()+":pause", "1", "PX", int64(9_300_000_000_000)).Err(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Del(context.Background(), l.Key()+":pause") })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := l.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || time.Since(start) > 300*time.Millisecond {
		t.Errorf("Wait during a 294-year pause = %v after %v; want DeadlineExceeded at once", err, time.Since(start))
	}
	// Pause past a Duration stores the longest pause it can, and keeps it.
	l2 := newLimiter(t, rdb, account(t), 1000)
	t.Cleanup(func() { rdb.Del(context.Background(), l2.Key()+":pause") })
	if err := l2.Pause(context.Background(), time.Now().AddDate(500, 0, 0)); err != nil {
		t.Fatal(err)
	}
	ms, err := rdb.Do(context.Background(), "PTTL", l2.Key()+":pause").Int64()
	if err != nil || ms < math.MaxInt64/int64(time.Millisecond)-60_000 {
		t.Errorf("PTTL after a 500-year Pause = %d ms, %v; want about 292 years", ms, err)
	}
}
