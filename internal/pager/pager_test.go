package pager

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// page is one page of the fake list: its items and the link to the next.
type page struct {
	items []string
	next  string
	more  bool
	err   error
}

// book is a fake paged list: its pages by token, the tokens fetched in
// order and the errors All yielded.
type book struct {
	pages   map[string]page
	fetched []string
}

// list returns Pages over b with the given page cap.
func (b *book) list(max int) Pages[string, string] {
	return Pages[string, string]{
		Fetch: func(token string) ([]string, string, bool, error) {
			b.fetched = append(b.fetched, token)
			p, ok := b.pages[token]
			if !ok {
				return nil, "", false, fmt.Errorf("no page %q", token)
			}
			return p.items, p.next, p.more, p.err
		},
		Max:     max,
		Repeat:  func(next string) error { return fmt.Errorf("repeat %q", next) },
		TooMany: func(max int) error { return fmt.Errorf("too many: %d", max) },
	}
}

// collect ranges over the whole sequence and returns the items and errors
// in the order yielded; a nil item with a nil error is an error of the test.
func collect(t *testing.T, b *book, max int, start *string) (items []string, errs []string) {
	t.Helper()
	for it, err := range b.list(max).All(start) {
		switch {
		case err != nil && it != nil:
			t.Errorf("error %v yielded with item %q", err, *it)
		case err != nil:
			errs = append(errs, err.Error())
		case it == nil:
			t.Error("nil item without an error")
		default:
			items = append(items, *it)
		}
	}
	return items, errs
}

// check compares what a test collected and fetched with what it wants.
func check(t *testing.T, b *book, items, errs, wantItems, wantErrs, wantFetched []string) {
	t.Helper()
	if !reflect.DeepEqual(items, wantItems) {
		t.Errorf("items %q, want %q", items, wantItems)
	}
	if !reflect.DeepEqual(errs, wantErrs) {
		t.Errorf("errors %q, want %q", errs, wantErrs)
	}
	if !reflect.DeepEqual(b.fetched, wantFetched) {
		t.Errorf("fetched %q, want %q", b.fetched, wantFetched)
	}
}

func ptr(s string) *string { return &s }

// Pages are fetched in order, each with the parameters the page before
// gave, and their items yielded in order; an empty page does not end the
// list, a page without more does, and there is no error.
func TestPagesInOrder(t *testing.T) {
	b := &book{pages: map[string]page{
		"":   {items: []string{"a", "b"}, next: "t1", more: true},
		"t1": {next: "t2", more: true},
		"t2": {items: []string{"c"}, next: "t3", more: true},
		"t3": {items: []string{"d", "e"}},
	}}
	items, errs := collect(t, b, 10, nil)
	check(t, b, items, errs, []string{"a", "b", "c", "d", "e"}, nil, []string{"", "t1", "t2", "t3"})
}

// The first page is the one params names, read when the sequence starts:
// ranging again starts again, from params as it is then.
func TestStartsAtParams(t *testing.T) {
	b := &book{pages: map[string]page{
		"":   {items: []string{"zero"}},
		"s":  {items: []string{"a"}, next: "t1", more: true},
		"t1": {items: []string{"b"}},
		"u":  {items: []string{"c"}},
	}}
	start := "s"
	seq := b.list(10).All(&start)
	var items []string
	for it, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, *it)
	}
	start = "u"
	for it, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, *it)
	}
	check(t, b, items, nil, []string{"a", "b", "c"}, nil, []string{"s", "t1", "u"})
}

// Nil params name the zero P.
func TestNilParamsIsZero(t *testing.T) {
	b := &book{pages: map[string]page{"": {items: []string{"a"}}}}
	items, errs := collect(t, b, 10, nil)
	check(t, b, items, errs, []string{"a"}, nil, []string{""})
}

// Breaking out of the loop stops the fetching: mid-page, and at a page's
// last item when there are more pages.
func TestBreakStopsFetching(t *testing.T) {
	for _, stop := range []string{"a", "b", "c"} {
		b := &book{pages: map[string]page{
			"":   {items: []string{"a", "b"}, next: "t1", more: true},
			"t1": {items: []string{"c"}, next: "t2", more: true},
			"t2": {items: []string{"d"}},
		}}
		var items []string
		for it, err := range b.list(10).All(nil) {
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, *it)
			if *it == stop {
				break
			}
		}
		want := map[string][]string{"a": {""}, "b": {""}, "c": {"", "t1"}}[stop]
		if !reflect.DeepEqual(b.fetched, want) || items[len(items)-1] != stop {
			t.Errorf("break at %q: items %q, fetched %q, want fetched %q", stop, items, b.fetched, want)
		}
	}
}

// A fetch error is yielded once, with a nil item, after the items read
// before it, and ends the list: a loop that goes on after it is not
// called again.
func TestFirstErrorOnce(t *testing.T) {
	b := &book{pages: map[string]page{
		"":   {items: []string{"a"}, next: "t1", more: true},
		"t1": {err: errors.New("boom"), next: "t2", more: true},
		"t2": {items: []string{"never"}},
	}}
	items, errs := collect(t, b, 10, nil)
	check(t, b, items, errs, []string{"a"}, []string{"boom"}, []string{"", "t1"})
}

// A page read with an error on its link yields its items, then the error.
func TestItemsBeforeTheirPageError(t *testing.T) {
	b := &book{pages: map[string]page{
		"": {items: []string{"a", "b"}, err: errors.New("bad link"), next: "t1", more: true},
	}}
	items, errs := collect(t, b, 10, nil)
	check(t, b, items, errs, []string{"a", "b"}, []string{"bad link"}, []string{""})
}

// Breaking out of the loop at the error yields nothing more.
func TestBreakAtError(t *testing.T) {
	b := &book{pages: map[string]page{"": {items: []string{"a"}, err: errors.New("boom")}}}
	n := 0
	for _, err := range b.list(10).All(nil) {
		n++
		if err != nil {
			break
		}
	}
	if n != 2 {
		t.Errorf("%d yields, want 2", n)
	}
}

// Next parameters equal to those of a page already read (the previous
// one, an earlier one or the starting one) are refused with Repeat's
// error, given those parameters, instead of being fetched.
func TestRepeatRefused(t *testing.T) {
	for name, tt := range map[string]struct {
		start   string
		pages   map[string]page
		items   []string
		err     string
		fetched []string
	}{
		"previous page": {"", map[string]page{
			"":   {items: []string{"a"}, next: "t1", more: true},
			"t1": {items: []string{"b"}, next: "t1", more: true},
		}, []string{"a", "b"}, `repeat "t1"`, []string{"", "t1"}},
		"earlier page": {"", map[string]page{
			"":   {items: []string{"a"}, next: "t1", more: true},
			"t1": {items: []string{"b"}, next: "t2", more: true},
			"t2": {items: []string{"c"}, next: "t1", more: true},
		}, []string{"a", "b", "c"}, `repeat "t1"`, []string{"", "t1", "t2"}},
		"starting page": {"s", map[string]page{
			"s":  {items: []string{"a"}, next: "t1", more: true},
			"t1": {items: []string{"b"}, next: "s", more: true},
		}, []string{"a", "b"}, `repeat "s"`, []string{"s", "t1"}},
		"zero start": {"", map[string]page{
			"": {items: []string{"a"}, next: "", more: true},
		}, []string{"a"}, `repeat ""`, []string{""}},
	} {
		t.Run(name, func(t *testing.T) {
			b := &book{pages: tt.pages}
			items, errs := collect(t, b, 10, &tt.start)
			check(t, b, items, errs, tt.items, []string{tt.err}, tt.fetched)
		})
	}
}

// A page without more ends the list even when its next parameters name a
// page already read: they are not a link.
func TestNoMoreIgnoresNext(t *testing.T) {
	b := &book{pages: map[string]page{"": {items: []string{"a"}, next: ""}}}
	items, errs := collect(t, b, 10, nil)
	check(t, b, items, errs, []string{"a"}, nil, []string{""})
}

// At most Max pages are read: a list of Max pages ends without an error,
// and when page Max still has more, TooMany's error is yielded instead of
// page Max+1.
func TestPageCap(t *testing.T) {
	pages := func(n int, lastMore bool) map[string]page {
		m := map[string]page{}
		for i := range n {
			m[fmt.Sprint(i)] = page{items: []string{fmt.Sprint("p", i)}, next: fmt.Sprint(i + 1), more: i < n-1 || lastMore}
		}
		return m
	}
	start := "0"
	b := &book{pages: pages(3, false)}
	items, errs := collect(t, b, 3, &start)
	check(t, b, items, errs, []string{"p0", "p1", "p2"}, nil, []string{"0", "1", "2"})

	b = &book{pages: pages(4, false)}
	items, errs = collect(t, b, 3, &start)
	check(t, b, items, errs, []string{"p0", "p1", "p2"}, []string{"too many: 3"}, []string{"0", "1", "2"})
}

// endless is a list whose every page links to a new one.
func endless(fetched *int) Pages[int, int] {
	return Pages[int, int]{
		Fetch: func(p int) ([]int, int, bool, error) {
			*fetched++
			return []int{p}, p + 1, true, nil
		},
		Repeat:  func(int) error { return errors.New("repeat") },
		TooMany: func(max int) error { return fmt.Errorf("more than %d pages", max) },
	}
}

// Without Max, or with one above it, the bound is MaxPages: a list that
// never ends is read to page MaxPages, then refused with TooMany's error,
// given MaxPages.
func TestEndlessListStopsAtMaxPages(t *testing.T) {
	for _, max := range []int{0, -1, MaxPages + 1} {
		fetched, items := 0, 0
		var errs []string
		ps := endless(&fetched)
		ps.Max = max
		for it, err := range ps.All(nil) {
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if *it != items {
				t.Fatalf("Max %d: item %d at %d", max, *it, items)
			}
			items++
		}
		if fetched != MaxPages || items != MaxPages || !reflect.DeepEqual(errs, []string{fmt.Sprintf("more than %d pages", MaxPages)}) {
			t.Errorf("Max %d: %d pages fetched, %d items, errors %q; want %d, %d and one at the bound", max, fetched, items, errs, MaxPages, MaxPages)
		}
	}
}

// Describe gives a page link's length, never the link: it is the vendor's,
// and may echo a credential.
func TestDescribeHidesTheLink(t *testing.T) {
	const secret = "sk_live_0123456789abcdef"
	got := Describe(secret)
	if strings.Contains(got, secret) || strings.Contains(got, secret[:8]) || !strings.Contains(got, fmt.Sprint(len(secret))) {
		t.Errorf("Describe(%q) = %q", secret, got)
	}
}
