// Package redisdedupe is a participants.Deduper that several processes
// share through Redis: behind a load balancer, a vendor's second delivery
// of a webhook event may reach another process than the first, and still
// be recognised as a duplicate.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379", ContextTimeoutEnabled: true})
//	d, err := redisdedupe.New(rdb)
//
// A claim is one SET of "<prefix>:<hash of the event key>" with NX and
// PX (the TTL), so that exactly one of concurrent deliveries of an event
// wins, on any number of processes, and the claim expires by itself; a
// release is one DEL. Keys are stored as the hex SHA-256 of the event key,
// so a key's size in Redis does not depend on what the vendor sent.
//
// Every Redis call is bounded by WithTimeout (default 100ms). A Redis
// error or timeout is returned as an *Error: the webhook handler then
// answers the delivery so that the vendor retries it, rather than handle
// an event it cannot de-duplicate.
package redisdedupe

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of the options.
const (
	// DefaultPrefix starts every key: "<prefix>:dedupe:<hash>".
	DefaultPrefix = "conversekit"
	// DefaultTTL is how long a claim lasts: longer than the longest retry
	// schedule of the four vendors (Bird retries for 8 hours), as
	// participants.DefaultDedupeTTL.
	DefaultTTL = 24 * time.Hour
	// DefaultTimeout bounds each Redis call.
	DefaultTimeout = 100 * time.Millisecond
)

// Deduper is a participants.Deduper on Redis. It is safe for concurrent
// use.
type Deduper struct {
	rdb     redis.UniversalClient
	prefix  string
	ttl     time.Duration
	timeout time.Duration
}

// An Option configures New.
type Option func(*Deduper) error

// WithPrefix sets the prefix of the keys (default DefaultPrefix): one per
// application that shares the Redis.
func WithPrefix(prefix string) Option {
	return func(d *Deduper) error {
		if prefix == "" || strings.ContainsAny(prefix, " \t\r\n") {
			return fmt.Errorf("redisdedupe: WithPrefix(%q): the prefix must be non-empty, without spaces", prefix)
		}
		d.prefix = prefix
		return nil
	}
}

// WithTTL sets how long a claim lasts (default DefaultTTL); at least a
// millisecond, Redis's PX unit.
func WithTTL(ttl time.Duration) Option {
	return func(d *Deduper) error {
		if ttl < time.Millisecond {
			return fmt.Errorf("redisdedupe: WithTTL(%v): the TTL must be at least 1ms", ttl)
		}
		d.ttl = ttl
		return nil
	}
}

// WithTimeout bounds each Redis call (default DefaultTimeout).
func WithTimeout(timeout time.Duration) Option {
	return func(d *Deduper) error {
		if timeout <= 0 {
			return fmt.Errorf("redisdedupe: WithTimeout(%v): the timeout must be positive", timeout)
		}
		d.timeout = timeout
		return nil
	}
}

// New returns a Deduper on rdb. A *redis.Client or *redis.ClusterClient
// must have ContextTimeoutEnabled set, so that WithTimeout reaches the
// socket.
func New(rdb redis.UniversalClient, opts ...Option) (*Deduper, error) {
	if rdb == nil {
		return nil, errors.New("redisdedupe: New: the Redis client is nil")
	}
	switch c := rdb.(type) {
	case *redis.Client:
		if !c.Options().ContextTimeoutEnabled {
			return nil, errors.New("redisdedupe: New: the redis.Client must have ContextTimeoutEnabled set, or WithTimeout cannot bound its calls")
		}
	case *redis.ClusterClient:
		if !c.Options().ContextTimeoutEnabled {
			return nil, errors.New("redisdedupe: New: the redis.ClusterClient must have ContextTimeoutEnabled set, or WithTimeout cannot bound its calls")
		}
	}
	d := &Deduper{rdb: rdb, prefix: DefaultPrefix, ttl: DefaultTTL, timeout: DefaultTimeout}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("redisdedupe: New: a nil Option")
		}
		if err := o(d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Error is a failed Redis call: Op is "claim" or "release".
type Error struct {
	Op  string
	Err error
}

func (e *Error) Error() string { return "redisdedupe: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the Redis error (or context error).
func (e *Error) Unwrap() error { return e.Err }

// key is the Redis key of an event key.
func (d *Deduper) key(key string) string {
	sum := sha256.Sum256([]byte(key))
	return d.prefix + ":dedupe:" + hex.EncodeToString(sum[:])
}

// Claim implements participants.Deduper: SET NX PX. True when this call
// set the key (the caller handles the event), false when it was held.
func (d *Deduper) Claim(ctx context.Context, key string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	err := d.rdb.SetArgs(ctx, d.key(key), "1", redis.SetArgs{Mode: "NX", TTL: d.ttl}).Err()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, redis.Nil): // NX: the key is held
		return false, nil
	}
	return false, &Error{Op: "claim", Err: err}
}

// Release implements participants.Deduper: DEL.
func (d *Deduper) Release(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	if err := d.rdb.Del(ctx, d.key(key)).Err(); err != nil {
		return &Error{Op: "release", Err: err}
	}
	return nil
}
