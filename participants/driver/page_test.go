package driver_test

import (
	"testing"

	"github.com/conversekit/conversekit/participants/driver"
)

func TestNewPage(t *testing.T) {
	type item struct{ id string }
	items := []item{{"a"}, {"b"}, {"c"}}
	p := driver.NewPage(items, "next-token", func(it *item) driver.Member {
		return driver.Member{Provider: "x", ID: it.id}
	})
	if p.Next != "next-token" {
		t.Errorf("Next = %q", p.Next)
	}
	if len(p.Members) != len(items) {
		t.Fatalf("%d members, want %d", len(p.Members), len(items))
	}
	for i, m := range p.Members {
		if m.ID != items[i].id || m.Provider != "x" {
			t.Errorf("member %d = %+v", i, m)
		}
		if raw, ok := m.Raw.(*item); !ok || raw != &items[i] {
			t.Errorf("member %d: Raw = %#v, want a pointer to item %d", i, m.Raw, i)
		}
	}
	if p.Members[0] == p.Members[1] {
		t.Error("two members share a pointer")
	}
	empty := driver.NewPage([]item(nil), "", func(*item) driver.Member { t.Fatal("called without items"); return driver.Member{} })
	if empty.Next != "" || len(empty.Members) != 0 {
		t.Errorf("empty page = %+v", empty)
	}
}

// TestNewPageAllocations: the members of a page share one allocation
// (the Member values, the pointer slice and the Page: three in all,
// whatever the page's size).
func TestNewPageAllocations(t *testing.T) {
	type item struct{ id string }
	items := make([]item, 50)
	member := func(it *item) driver.Member { return driver.Member{ID: it.id} }
	if n := testing.AllocsPerRun(100, func() { pageSink = driver.NewPage(items, "", member) }); n != 3 {
		t.Errorf("NewPage of 50 items: %v allocations, want 3", n)
	}
}

// pageSink keeps the pages of TestNewPageAllocations on the heap, as a
// provider's are.
var pageSink *driver.Page
