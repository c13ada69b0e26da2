package redisdedupe_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

// quiet drops go-redis's log lines (a refused dial, ...): the tests check
// the errors themselves.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	goleak.VerifyTestMain(m)
}

// The environment of the Redis-backed tests (as contrib/redislimit's).
const (
	// addrEnv gives the address of a Redis the tests may use (keys under
	// a prefix of their own).
	addrEnv = "CONVERSEKIT_REDIS_ADDR"
	// requireEnv=1 turns a missing Redis into a failure (CI).
	requireEnv = "CONVERSEKIT_REQUIRE_REDIS"
)

const howTo = "install Redis (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), " +
	"start one (redis-server --port 6390 --save '' --appendonly no --daemonize yes) and set " +
	addrEnv + "=127.0.0.1:6390; .ci/run does all of it"

// sharedRedis is a client of the test Redis, checked with a PING: the test
// is skipped with how to run it when none is set, or fails in CI.
func sharedRedis(t testing.TB) *redis.Client {
	t.Helper()
	addr := os.Getenv(addrEnv)
	if addr == "" {
		if os.Getenv(requireEnv) == "1" {
			t.Fatalf("%s is not set, and %s=1: the Redis-backed tests must run (%s)", addrEnv, requireEnv, howTo)
		}
		t.Skipf("%s is not set: %s", addrEnv, howTo)
	}
	rdb := newRedis(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("%s=%s but PING fails: %v", addrEnv, addr, err)
	}
	return rdb
}

// newRedis returns a client of addr with the context timeouts the Deduper
// needs, closed when t ends.
func newRedis(t testing.TB, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

var prefixes atomic.Int64

// prefix is a key prefix no other test (or earlier run) uses.
func prefix() string {
	return fmt.Sprintf("conversekit-test-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), prefixes.Add(1))
}
