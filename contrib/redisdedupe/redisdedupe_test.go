package redisdedupe_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/conversekit/conversekit/contrib/redisdedupe"
	"github.com/conversekit/conversekit/participants"
)

var _ participants.Deduper = (*redisdedupe.Deduper)(nil)

func claim(t *testing.T, d *redisdedupe.Deduper, key string) bool {
	t.Helper()
	ok, err := d.Claim(context.Background(), key)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	return ok
}

func TestClaimReleaseOnRedis(t *testing.T) {
	rdb := sharedRedis(t)
	p := prefix()
	d, err := redisdedupe.New(rdb, redisdedupe.WithPrefix(p), redisdedupe.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "evt-1") {
		t.Fatal("first claim refused")
	}
	if claim(t, d, "evt-1") {
		t.Fatal("a duplicate claimed")
	}
	if !claim(t, d, "evt-2") {
		t.Fatal("another key refused")
	}
	if err := d.Release(context.Background(), "evt-1"); err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "evt-1") {
		t.Fatal("a released key refused")
	}
	// Another process (client) sees the same claims.
	other, err := redisdedupe.New(newRedis(t, rdb.Options().Addr), redisdedupe.WithPrefix(p))
	if err != nil {
		t.Fatal(err)
	}
	if claim(t, other, "evt-2") {
		t.Fatal("another client claimed a held key")
	}
	// Another prefix is another application.
	third, err := redisdedupe.New(rdb, redisdedupe.WithPrefix(p+"-other"))
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, third, "evt-2") {
		t.Fatal("a key held under another prefix refused")
	}
}

// The stored key is the prefix and the hash of the event key, whatever its
// length, and it expires with the TTL.
func TestKeyAndTTL(t *testing.T) {
	rdb := sharedRedis(t)
	p := prefix()
	d, err := redisdedupe.New(rdb, redisdedupe.WithPrefix(p), redisdedupe.WithTTL(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, strings.Repeat("x", 1<<16)) {
		t.Fatal("claim refused")
	}
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, p+":*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || len(keys[0]) != len(p)+len(":dedupe:")+64 || !strings.HasPrefix(keys[0], p+":dedupe:") {
		t.Fatalf("keys %q", keys)
	}
	ttl, err := rdb.PTTL(ctx, keys[0]).Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 0 || ttl > time.Minute {
		t.Fatalf("PTTL %v, want within (0, 1m]", ttl)
	}
	// The default TTL: DefaultTTL, a day.
	def, err := redisdedupe.New(rdb, redisdedupe.WithPrefix(p+"-default"))
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, def, "evt") {
		t.Fatal("claim refused")
	}
	defKeys, err := rdb.Keys(ctx, p+"-default:*").Result()
	if err != nil || len(defKeys) != 1 {
		t.Fatalf("keys %q, %v", defKeys, err)
	}
	if ttl, err := rdb.PTTL(ctx, defKeys[0]).Result(); err != nil || ttl <= 24*time.Hour-time.Minute || ttl > 24*time.Hour || redisdedupe.DefaultTTL != 24*time.Hour {
		t.Fatalf("default PTTL %v, %v; want about DefaultTTL, 24h", ttl, err)
	}
	// A short TTL: the claim can be taken again once it expired.
	short, err := redisdedupe.New(rdb, redisdedupe.WithPrefix(p), redisdedupe.WithTTL(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, short, "evt") {
		t.Fatal("claim refused")
	}
	deadline := time.Now().Add(5 * time.Second)
	for claim(t, short, "evt") == false {
		if time.Now().After(deadline) {
			t.Fatal("the claim did not expire in 5s with a TTL of 20ms")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConcurrentClaimsOneWinner(t *testing.T) {
	rdb := sharedRedis(t)
	p := prefix()
	clients := []*redis.Client{rdb, newRedis(t, rdb.Options().Addr)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 16 {
		d, err := redisdedupe.New(clients[i%2], redisdedupe.WithPrefix(p))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			ok, err := d.Claim(context.Background(), "same")
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d concurrent claims won, want 1", won)
	}
}

// A Redis that does not answer: the call returns after WithTimeout with
// an *Error of a timeout (the socket's deadline, go-redis's net error); one that refuses connections fails at
// once; neither claims.
func TestRedisFailures(t *testing.T) {
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

	silent, err := redisdedupe.New(newRedis(t, ln.Addr().String()), redisdedupe.WithTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ok, err := silent.Claim(context.Background(), "evt")
	var rerr *redisdedupe.Error
	var netErr net.Error
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
	if ok || !errors.As(err, &rerr) || rerr.Op != "claim" || !timedOut {
		t.Fatalf("Claim on a silent Redis = %v, %v; want false and a claim *Error of a timeout", ok, err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("Claim took %v with a 50ms timeout", took)
	}
	if err := silent.Release(context.Background(), "evt"); !errors.As(err, &rerr) || rerr.Op != "release" {
		t.Fatalf("Release on a silent Redis = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "redisdedupe: claim: ") {
		t.Fatalf("message %q", err)
	}

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := closed.Addr().String()
	_ = closed.Close()
	refused, err := redisdedupe.New(newRedis(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := refused.Claim(context.Background(), "evt"); ok || !errors.As(err, &rerr) {
		t.Fatalf("Claim on a refused Redis = %v, %v", ok, err)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	good := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer good.Close()
	noTimeout := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer noTimeout.Close()
	cluster := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}})
	defer cluster.Close()
	for _, tc := range []struct {
		name string
		rdb  redis.UniversalClient
		opts []redisdedupe.Option
		want string
	}{
		{"nil client", nil, nil, "the Redis client is nil"},
		{"client without context timeouts", noTimeout, nil, "redis.Client must have ContextTimeoutEnabled"},
		{"cluster without context timeouts", cluster, nil, "redis.ClusterClient must have ContextTimeoutEnabled"},
		{"empty prefix", good, []redisdedupe.Option{redisdedupe.WithPrefix("")}, `WithPrefix("")`},
		{"prefix with a space", good, []redisdedupe.Option{redisdedupe.WithPrefix("a b")}, `WithPrefix("a b")`},
		{"ttl under a millisecond", good, []redisdedupe.Option{redisdedupe.WithTTL(time.Millisecond - 1)}, "WithTTL(999.999µs)"},
		{"zero timeout", good, []redisdedupe.Option{redisdedupe.WithTimeout(0)}, "WithTimeout(0s)"},
		{"nil option", good, []redisdedupe.Option{nil}, "a nil Option"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := redisdedupe.New(tc.rdb, tc.opts...)
			if d != nil || err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "redisdedupe: ") {
				t.Fatalf("New = %v, %v; want an error with %q", d, err, tc.want)
			}
		})
	}
	for _, o := range []redisdedupe.Option{redisdedupe.WithTTL(time.Millisecond), redisdedupe.WithTimeout(time.Nanosecond), redisdedupe.WithPrefix("p")} {
		if _, err := redisdedupe.New(good, o); err != nil {
			t.Errorf("a valid option refused: %v", err)
		}
	}
}
