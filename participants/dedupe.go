package participants

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"
)

// A Deduper remembers the events a webhook handler has handled, by the
// vendor's delivery or event ID, so that an event the vendor delivers again
// (every vendor delivers at least once) is acknowledged without handling
// it twice. NewMemoryDeduper keeps them in memory, bounded; the
// contrib/redisdedupe module shares them between processes through Redis.
type Deduper interface {
	// Claim records key and reports true when it was not recorded (or its
	// record expired): the caller handles the event. False means a claim
	// of key is held already: the event was handled, or is being handled
	// by another delivery right now.
	Claim(ctx context.Context, key string) (bool, error)
	// Release forgets the claim of key after its handling failed, so that
	// the vendor's next delivery of the event is handled.
	Release(ctx context.Context, key string) error
}

// Defaults of NewMemoryDeduper.
const (
	// DefaultDedupeCapacity is how many claims a MemoryDeduper holds.
	DefaultDedupeCapacity = 100_000
	// DefaultDedupeTTL is how long a claim lasts: longer than the longest
	// retry schedule of the four vendors (Bird retries for 8 hours).
	DefaultDedupeTTL = 24 * time.Hour
)

// MemoryDeduper is a Deduper in memory, bounded: it holds at most its
// capacity of claims, each for its TTL; past the capacity, a new claim
// evicts the oldest. A claim takes about 170 bytes of heap whatever the
// length of its key (keys are kept as 16 bytes of their SHA-256): the
// default capacity holds about 17 MB after any number of events
// (BenchmarkMemoryDeduperMillionEvents). It is safe for concurrent use; its memory is
// one process's: several processes behind a load balancer need a shared
// Deduper.
type MemoryDeduper struct {
	mu      sync.Mutex
	ttl     time.Duration
	claims  map[dedupeKey]dedupeClaim
	order   []dedupeSlot // a ring of the claims in the order they were made
	next    int          // the slot of order the next claim takes
	serial  uint64
	now     func() time.Time
	evicted uint64
}

type dedupeKey [16]byte

// keyOf is the first 16 bytes of the SHA-256 of key: a fixed size whatever
// the key's length.
func keyOf(key string) dedupeKey {
	sum := sha256.Sum256([]byte(key))
	return dedupeKey(sum[:16])
}

type dedupeClaim struct {
	expires time.Time
	serial  uint64 // the claim's slot in order holds the same serial
}

type dedupeSlot struct {
	key    dedupeKey
	serial uint64
}

// NewMemoryDeduper returns a MemoryDeduper of capacity claims, each held
// for ttl; capacity 0 means DefaultDedupeCapacity and ttl 0
// DefaultDedupeTTL. A negative capacity or ttl is an error.
func NewMemoryDeduper(capacity int, ttl time.Duration) (*MemoryDeduper, error) {
	switch {
	case capacity < 0:
		return nil, fmt.Errorf("participants: NewMemoryDeduper: capacity %d is negative", capacity)
	case ttl < 0:
		return nil, fmt.Errorf("participants: NewMemoryDeduper: ttl %v is negative", ttl)
	}
	if capacity == 0 {
		capacity = DefaultDedupeCapacity
	}
	if ttl == 0 {
		ttl = DefaultDedupeTTL
	}
	return &MemoryDeduper{
		ttl:    ttl,
		claims: make(map[dedupeKey]dedupeClaim, min(capacity, 1024)),
		order:  make([]dedupeSlot, capacity),
		now:    time.Now,
	}, nil
}

// Claim implements Deduper. It never fails; an empty key is claimed as
// any other.
func (d *MemoryDeduper) Claim(_ context.Context, key string) (bool, error) {
	k := keyOf(key)
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if c, ok := d.claims[k]; ok && now.Before(c.expires) {
		return false, nil
	}
	// The slot this claim takes: the claim that held it, if it is still
	// held (not released, not claimed again since), is the oldest, and
	// goes.
	old := d.order[d.next]
	if c, ok := d.claims[old.key]; ok && c.serial == old.serial && old.serial != 0 {
		delete(d.claims, old.key)
		if now.Before(c.expires) {
			d.evicted++
		}
	}
	d.serial++
	d.order[d.next] = dedupeSlot{key: k, serial: d.serial}
	d.next = (d.next + 1) % len(d.order)
	d.claims[k] = dedupeClaim{expires: now.Add(d.ttl), serial: d.serial}
	return true, nil
}

// Release implements Deduper. It never fails.
func (d *MemoryDeduper) Release(_ context.Context, key string) error {
	k := keyOf(key)
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.claims, k)
	return nil
}

// Len returns the number of claims held, expired ones that no claim has
// replaced yet included.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.claims)
}

// Evicted returns how many claims were dropped, unexpired, to make room
// for newer ones: a non-zero figure means the capacity is too small for
// the vendors' redeliveries to be recognised for the whole TTL.
func (d *MemoryDeduper) Evicted() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.evicted
}
