// Package pager walks a vendor's paged list as one lazy sequence. Each
// vendor package says how to read a page and find the next one (a page
// token, a cursor, a next-page URL); Pages.All holds the rules they share:
// pages in order, fetched only as the loop asks, the first error yielded
// once, a loop and a list without end refused.
package pager

import (
	"fmt"
	"iter"
)

// MaxPages is the most pages any list of the module reads, the facade's
// participants.Client.List (participants.MaxListPages) and every vendor
// iterator (AllParticipants) alike: a vendor whose pages never end (a
// next-page link that always names a new page) gets an error at page
// MaxPages instead of being followed until the caller's deadline. At the
// vendors' largest page sizes (Twilio and Bird 100, Sunshine 100) it is a
// million participants, far more than a conversation holds.
const MaxPages = 10_000

// Describe stands for a vendor's page link (a token, a cursor) in an error
// message: its length, never its value, which is the vendor's and may echo
// a credential the client sent. Every message about a page link goes
// through it.
func Describe(link string) string {
	return fmt.Sprintf("(a value of %d bytes, not shown)", len(link))
}

// Pages describes a paged list for All. P is the parameters of one page
// request, such as a vendor's ListParticipantsParams; it is comparable
// because two equal P name the same page. T is an item of a page.
type Pages[P comparable, T any] struct {
	// Fetch reads the page that p names. It returns the page's items and,
	// when more is true, next: the parameters of the page after it. An
	// error may come with the items of a page that was read but whose link
	// to the next one is unusable: All yields those items first.
	Fetch func(p P) (items []T, next P, more bool, err error)
	// Max is the most pages All reads: MaxPages when it is zero or above
	// MaxPages (a test lowers it). When page Max still has more, All
	// yields TooMany() instead of reading on.
	Max int
	// Repeat is the error for next parameters equal to those of a page
	// already read in this iteration (the starting page included): the
	// list loops. It must not quote a page link: see Describe.
	Repeat func(next P) error
	// TooMany is the error for a list longer than Max pages; given the
	// bound in force.
	TooMany func(max int) error
}

// All returns the items of every page, in order, starting at the page
// params names (nil names the zero P). It is read anew each time the
// sequence is ranged over. Pages are fetched lazily: the next one only when
// the loop asks for more, so breaking out of the loop stops the fetching.
// Iteration stops at the first error, which is yielded once with a nil
// item: Fetch's error, Repeat's or TooMany's.
func (ps Pages[P, T]) All(params *P) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		var p P
		if params != nil {
			p = *params
		}
		limit := min(ps.Max, MaxPages)
		if limit <= 0 {
			limit = MaxPages
		}
		read := map[P]bool{p: true}
		for range limit {
			items, next, more, err := ps.Fetch(p)
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !more {
				return
			}
			if read[next] {
				yield(nil, ps.Repeat(next))
				return
			}
			read[next] = true
			p = next
		}
		yield(nil, ps.TooMany(limit))
	}
}
