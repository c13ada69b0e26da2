package bird

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/pager"
	"github.com/conversekit/conversekit/option"
)

// AllParticipants over a list whose every page links to a new one reads
// pager.MaxPages pages (the bound of every list of the module, the
// facade's too), yields every member, then one error that names the bound:
// not followed until the context ends.
func TestAllParticipantsEndlessStopsAtTheBound(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var n atomic.Int64
	mock.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
		i := n.Add(1)
		resp := httpmock.NewStringResponse(200, `{"results":[{"id":"p`+strconv.FormatInt(i, 10)+
			`","type":"contact","status":"active"}],"nextPageToken":"t`+strconv.FormatInt(i, 10)+`"}`)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	c, err := New("bird-access-key-0123456789", option.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		t.Fatal(err)
	}
	items := 0
	var errs []error
	for p, err := range c.AllParticipants(context.Background(), "a1405560-c8d3-4b1a-877d-3f449ad95352", "c9c60caa-eaf5-4628-9687-91de4d452bfa", nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p.ID != "p"+strconv.Itoa(items+1) {
			t.Fatalf("participant %q at %d", p.ID, items)
		}
		items++
	}
	if items != pager.MaxPages || n.Load() != pager.MaxPages || len(errs) != 1 {
		t.Fatalf("%d participants, %d requests, errors %v; want %d, %d and one", items, n.Load(), errs, pager.MaxPages, pager.MaxPages)
	}
	if !strings.Contains(errs[0].Error(), "more than 10000 pages") {
		t.Errorf("err = %v", errs[0])
	}
}
