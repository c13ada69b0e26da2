package redislimit_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

// quiet drops go-redis's log lines (a dial refused once Redis is killed,
// ...): the tests check the errors themselves.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	if os.Getenv(childEnv) != "" {
		// A child of TestManyProcesses: no leak check, its parent checks.
		os.Exit(m.Run())
	}
	goleak.VerifyTestMain(m)
}

// The environment of the Redis-backed tests.
const (
	// addrEnv gives the address of a Redis the tests may use (keys under
	// "conversekit-test:").
	addrEnv = "CONVERSEKIT_REDIS_ADDR"
	// requireEnv=1 turns a missing Redis into a failure (CI).
	requireEnv = "CONVERSEKIT_REQUIRE_REDIS"
)

const howTo = "install Redis (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), " +
	"start one (redis-server --port 6390 --save '' --appendonly no --daemonize yes) and set " +
	addrEnv + "=127.0.0.1:6390; .ci/run does all of it"

// skipOrFail skips the test with how to run it, or fails it in CI.
func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s, and %s=1: the Redis-backed tests must run (%s)", why, requireEnv, howTo)
	}
	t.Skipf("%s: %s", why, howTo)
}

// redisAddr is the address of the shared test Redis.
func redisAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv(addrEnv)
	if addr == "" {
		skipOrFail(t, addrEnv+" is not set")
	}
	return addr
}

// newRedis returns a client of addr, closed when t ends, with the context
// timeouts the limiter needs.
func newRedis(t testing.TB, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// sharedRedis is a client of the shared test Redis, checked with a PING.
func sharedRedis(t testing.TB) *redis.Client {
	t.Helper()
	rdb := newRedis(t, redisAddr(t))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("%s=%s but PING fails: %v", addrEnv, os.Getenv(addrEnv), err)
	}
	return rdb
}

var accounts atomic.Int64

// account is an account name no other test (or earlier run) uses.
func account(t testing.TB) string {
	return fmt.Sprintf("acct-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), accounts.Add(1))
}

// redisServer is a redis-server process of a test's own, to be killed.
type redisServer struct {
	cmd  *exec.Cmd
	addr string
}

// startRedisServer starts a redis-server of t's own on a free loopback
// port; t's end kills it.
func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	redisAddr(t) // the same rule: no Redis, no test (or a CI failure)
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		skipOrFail(t, "redis-server is not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &redisServer{cmd: cmd, addr: "127.0.0.1:" + strconv.Itoa(port)}
	t.Cleanup(s.kill)
	rdb := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer within 10s", s.addr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s
}

// kill kills the server (SIGKILL) and reaps it; it may be called twice.
func (s *redisServer) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}
