package participants_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/bird"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/driver"
)

// A vendor whose pages never end (each links to a new one) is read to
// page MaxListPages, every member yielded, then refused with one Unknown
// error that names the bound: not followed until the context ends.
func TestListEndlessVendorStopsAtTheBound(t *testing.T) {
	pages := map[string]*driver.Page{}
	for i := range participants.MaxListPages + 1 {
		tok := ""
		if i > 0 {
			tok = strconv.Itoa(i)
		}
		pages[tok] = page(strconv.Itoa(i+1), "m"+strconv.Itoa(i))
	}
	s := &lifeStub{pages: pages}
	got := collect(bg, participants.New(s), "conv-1")
	if n := len(got.ids); n != participants.MaxListPages+1 || got.ids[n-1] != "error" || len(got.errs) != 1 {
		t.Fatalf("List yielded %d values (last %q) and %d errors; want %d members then one error",
			n, got.ids[n-1], len(got.errs), participants.MaxListPages)
	}
	wantErr(t, got.errs[0], participants.Unknown, "", "more after 10000 pages")
	if len(s.tokens) != participants.MaxListPages {
		t.Errorf("%d pages requested, want %d", len(s.tokens), participants.MaxListPages)
	}
	// A list of exactly MaxListPages pages ends without an error.
	pages[strconv.Itoa(participants.MaxListPages-1)].Next = ""
	if got := collect(bg, participants.New(&lifeStub{pages: pages}), "conv-1"); len(got.errs) != 0 || len(got.ids) != participants.MaxListPages {
		t.Errorf("a list of MaxListPages pages: %d members, errors %v", len(got.ids), got.errs)
	}
}

// A repeated page token is the vendor's string and may echo a credential
// the client sent: the error gives its length, never the token.
func TestListRepeatedPageTokenNotQuoted(t *testing.T) {
	const echoed = "sk_live_51HxEchoedCredential"
	s := &lifeStub{pages: map[string]*driver.Page{"": page(echoed, "a"), echoed: page(echoed, "b")}}
	got := collect(bg, participants.New(s), "conv-1")
	if len(got.errs) != 1 {
		t.Fatalf("List yielded %v", got.ids)
	}
	msg := got.errs[0].Error()
	wantErr(t, got.errs[0], participants.Unknown, "", "page token it had returned before")
	if strings.Contains(msg, echoed) || strings.Contains(msg, echoed[:12]) || !strings.Contains(msg, strconv.Itoa(len(echoed))+" bytes") {
		t.Errorf("err = %q: quotes the vendor's token, or not its length", msg)
	}
}

// The vendor iterators have the same bound: Bird's AllParticipants over a
// list whose every page links to a new one reads MaxListPages pages, then
// yields one error, Unknown to the facade, that names the bound.
func TestVendorIteratorEndlessStopsAtTheBound(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var n atomic.Int64
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		i := n.Add(1)
		resp := httpmock.NewStringResponse(200, `{"results":[{"id":"p`+strconv.FormatInt(i, 10)+
			`","type":"contact","status":"active"}],"nextPageToken":"t`+strconv.FormatInt(i, 10)+`"}`)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	bc := must(bird.New(benchBirdKey, option.WithHTTPClient(&http.Client{Transport: mock})))(t)
	items := 0
	var errs []error
	for p, err := range bc.AllParticipants(context.Background(), benchBirdWorkspace, birdConversation, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p.ID != "p"+strconv.Itoa(items+1) {
			t.Fatalf("participant %q at %d", p.ID, items)
		}
		items++
	}
	if items != participants.MaxListPages || n.Load() != participants.MaxListPages || len(errs) != 1 {
		t.Fatalf("%d participants, %d requests, errors %v; want %d, %d and one", items, n.Load(), errs, participants.MaxListPages, participants.MaxListPages)
	}
	if participants.Code(errs[0]) != participants.Unknown || !strings.Contains(errs[0].Error(), "more than 10000 pages") {
		t.Errorf("err = %v (code %v)", errs[0], participants.Code(errs[0]))
	}
}
