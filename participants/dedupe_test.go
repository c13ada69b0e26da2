package participants

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

func claim(t *testing.T, d Deduper, key string) bool {
	t.Helper()
	ok, err := d.Claim(context.Background(), key)
	if err != nil {
		t.Fatalf("Claim(%q): %v", key, err)
	}
	return ok
}

func TestMemoryDeduperClaimReleaseExpire(t *testing.T) {
	d, err := NewMemoryDeduper(10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	d.now = c.now
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
	c.t = c.t.Add(time.Minute - time.Nanosecond)
	if claim(t, d, "evt-2") {
		t.Fatal("a claim before its TTL expired was taken again")
	}
	c.t = c.t.Add(time.Nanosecond)
	if !claim(t, d, "evt-2") {
		t.Fatal("a claim at the end of its TTL still held")
	}
	if d.Evicted() != 0 {
		t.Fatalf("evicted %d", d.Evicted())
	}
}

func TestMemoryDeduperEvictsTheOldest(t *testing.T) {
	d, err := NewMemoryDeduper(3, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b", "c", "d"} { // d evicts a
		if !claim(t, d, k) {
			t.Fatalf("claim %q refused", k)
		}
	}
	if d.Len() != 3 || d.Evicted() != 1 {
		t.Fatalf("len %d, evicted %d; want 3, 1", d.Len(), d.Evicted())
	}
	if claim(t, d, "b") || claim(t, d, "c") || claim(t, d, "d") {
		t.Fatal("a held claim was taken again")
	}
	if !claim(t, d, "a") { // evicts b
		t.Fatal("the evicted claim is still held")
	}
	// A released claim evicts nobody when its slot comes round again: c
	// is released, and e takes c's slot.
	if err := d.Release(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "e") { // the slot of c: c is no longer held, nothing evicted
		t.Fatal("claim e refused")
	}
	if d.Evicted() != 2 {
		t.Fatalf("evicted %d, want 2 (a, b)", d.Evicted())
	}
	if claim(t, d, "d") || claim(t, d, "a") || claim(t, d, "e") {
		t.Fatal("a held claim was taken again")
	}
	// A key claimed again after its release keeps one record: its old
	// slot, reused, does not evict the new claim.
	if err := d.Release(context.Background(), "d"); err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "d") { // d's own old slot comes round: nobody evicted
		t.Fatal("claim d again refused")
	}
	if d.Len() != 3 || d.Evicted() != 2 {
		t.Fatalf("len %d, evicted %d; want 3, 2", d.Len(), d.Evicted())
	}
}

// However many distinct events come, the deduper holds its capacity of
// claims, the newest.
func TestMemoryDeduperHoldsItsCapacity(t *testing.T) {
	const capacity, events = 1000, 20_000
	d, err := NewMemoryDeduper(capacity, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		if !claim(t, d, strconv.Itoa(i)) {
			t.Fatalf("claim %d refused", i)
		}
	}
	if d.Len() != capacity || d.Evicted() != events-capacity {
		t.Fatalf("len %d, evicted %d; want %d, %d", d.Len(), d.Evicted(), capacity, events-capacity)
	}
	if claim(t, d, strconv.Itoa(events-capacity)) { // the oldest held
		t.Fatal("the oldest claim held was taken again")
	}
	if !claim(t, d, strconv.Itoa(events-capacity-1)) { // the newest evicted
		t.Fatal("an evicted claim is still held")
	}
}

func TestMemoryDeduperConcurrentClaimsOneWinner(t *testing.T) {
	d, err := NewMemoryDeduper(100, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 16 {
		wg.Go(func() {
			if ok, _ := d.Claim(context.Background(), "same"); ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d concurrent claims of one key won, want 1", won)
	}
}

func TestNewMemoryDeduperRefusesNegatives(t *testing.T) {
	if _, err := NewMemoryDeduper(-1, 0); err == nil {
		t.Error("negative capacity accepted")
	}
	if _, err := NewMemoryDeduper(0, -time.Second); err == nil {
		t.Error("negative ttl accepted")
	}
	d, err := NewMemoryDeduper(0, 0)
	if err != nil || len(d.order) != DefaultDedupeCapacity || d.ttl != DefaultDedupeTTL {
		t.Fatalf("defaults: %v", err)
	}
}

func BenchmarkMemoryDeduperClaim(b *testing.B) {
	d, err := NewMemoryDeduper(0, 0)
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("IDfa1b2c3d4e5f60718293a4b5c6d7e8f9-%d", i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := d.Claim(context.Background(), keys[i&(len(keys)-1)]); err != nil {
			b.Fatal(err)
		}
	}
}

// A million distinct events with the default capacity: the heap held after
// them, a claim's share of it (bytes/claim), and the time of a claim.
func BenchmarkMemoryDeduperMillionEvents(b *testing.B) {
	keys := make([]string, 1_000_000)
	for i := range keys {
		keys[i] = "IDfa1b2c3d4e5f60718293a4b5c6d7e8f9-" + strconv.Itoa(i)
	}
	var held uint64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d, err := NewMemoryDeduper(0, 0)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range keys {
			if _, err := d.Claim(context.Background(), k); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = after.HeapAlloc - before.HeapAlloc
		if d.Len() != DefaultDedupeCapacity {
			b.Fatalf("len %d", d.Len())
		}
		runtime.KeepAlive(d)
	}
	b.ReportMetric(float64(held), "heap-bytes")
	b.ReportMetric(float64(held)/DefaultDedupeCapacity, "bytes/claim")
}

// A key released and claimed again holds a new claim in a new slot: when
// the ring comes back to the old slot, the new claim stays (only the claim
// that took a slot is evicted from it).
func TestMemoryDeduperOldSlotSparesANewerClaim(t *testing.T) {
	d, err := NewMemoryDeduper(2, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "a") { // slot 0
		t.Fatal("first claim refused")
	}
	if err := d.Release(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if !claim(t, d, "a") { // slot 1: a's claim of now
		t.Fatal("a released key refused")
	}
	if !claim(t, d, "b") { // slot 0 again: a's first claim, gone
		t.Fatal("b refused")
	}
	if claim(t, d, "a") {
		t.Fatal("a's second claim was evicted with the slot of its first")
	}
	if d.Evicted() != 0 || d.Len() != 2 {
		t.Fatalf("evicted %d, len %d; want 0, 2", d.Evicted(), d.Len())
	}
}
