package twilio

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// PageSize is accepted from 1 to 100 (0: Twilio's default) and refused
// outside, before any request.
func TestPageSizeBounds(t *testing.T) {
	for _, size := range []int{0, 1, 100} {
		mock := httpmock.NewMockTransport()
		answer(t, mock, jsonResp(200, page1))
		c := newTestClient(t, mock)
		if _, err := c.ListParticipants(context.Background(), testCH, &ListParticipantsParams{PageSize: size}); err != nil {
			t.Errorf("PageSize %d: %v", size, err)
		}
	}
	for _, size := range []int{-1, 101} {
		mock := httpmock.NewMockTransport()
		c := newTestClient(t, mock)
		_, err := c.ListParticipants(context.Background(), testCH, &ListParticipantsParams{PageSize: size})
		wantParamError(t, err, "params.PageSize")
		wantNoCalls(t, mock)
	}
}

// The next page is asked with the page size next_page_url names, or the
// previous one when it names none.
func TestNextPageSize(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"PageSize=1&Page=1", "PageSize=3&Page=1", "PageSize=3&Page=1&PageToken=PTMB0123"},
		{"PageSize=1&Page=1", "Page=1", "PageSize=1&Page=1&PageToken=PTMB0123"},
	} {
		first := strings.Replace(page0, "Participants?"+tc.from+"&PageToken", "Participants?"+tc.to+"&PageToken", 1)
		mock := httpmock.NewMockTransport()
		rec := answer(t, mock, jsonResp(200, first), jsonResp(200, page1))
		c := newTestClient(t, mock)
		n := 0
		for _, err := range c.AllParticipants(context.Background(), testCH, &ListParticipantsParams{PageSize: 1}) {
			if err != nil {
				t.Fatalf("next %s: %v", tc.to, err)
			}
			n++
		}
		calls := rec.all()
		if n != 2 || len(calls) != 2 || calls[1].req.URL.RawQuery != tc.want {
			t.Errorf("next %s: %d participants, %d calls, second query %q; want %q", tc.to, n, len(calls), calls[len(calls)-1].req.URL.RawQuery, tc.want)
		}
	}
}

// A vendor code sent as a JSON number is kept when it is a whole number
// within ±1e15, however it is written; any other number gives no code.
func TestErrorCodeAsNumber(t *testing.T) {
	for raw, want := range map[string]string{
		`20404`:                `20404`,
		`20404.0`:              `20404`,
		`2.0404e4`:             `20404`,
		`-5.0`:                 `-5`,
		`1e15`:                 `1000000000000000`,
		`-1e15`:                `-1000000000000000`,
		`1000000000000002.0`:   ``,
		`-1000000000000002.0`:  ``,
		`20404.5`:              ``,
		`1e300`:                ``,
		`"20404"`:              `20404`,
		`"20404.0"`:            `20404`,
		`" 20404 "`:            `20404`,
		`"2040x"`:              ``,
		`null`:                 ``,
		`{"nested":20404}`:     ``,
		`99999999999999999999`: ``,
	} {
		if got := decodeCode(json.RawMessage(raw)); got != want {
			t.Errorf("code %s → %q, want %q", raw, got, want)
		}
	}
}

// Dates are accepted from year 0 to 9999 and refused outside.
func TestDateYearBounds(t *testing.T) {
	for _, tc := range []struct {
		year int
		ok   bool
	}{{-1, false}, {0, true}, {9999, true}, {10000, false}} {
		p := CreateParticipantParams{Identity: "ada", DateCreated: time.Date(tc.year, 6, 1, 0, 0, 0, 0, time.UTC)}
		err := p.validate()
		if (err == nil) != tc.ok {
			t.Errorf("year %d: %v, want ok %v", tc.year, err, tc.ok)
		}
		p = CreateParticipantParams{Identity: "ada", DateUpdated: time.Date(tc.year, 6, 1, 0, 0, 0, 0, time.UTC)}
		if err := p.validate(); (err == nil) != tc.ok {
			t.Errorf("DateUpdated year %d: %v, want ok %v", tc.year, err, tc.ok)
		}
	}
}

// The form is built in one buffer sized for the worst case (every byte
// escaped): no regrowth however the values escape.
func TestCreateFormOneBuffer(t *testing.T) {
	esc := strings.Repeat("é{}", 50) // every byte escaped as %XX
	p := CreateParticipantParams{Attributes: esc, Identity: esc, Address: esc, ProjectedAddress: esc, ProxyAddress: esc, RoleSID: esc}
	want := string(encodeCreateForm(p))
	if !strings.Contains(want, "Identity=%C3%A9%7B%7D") {
		t.Fatalf("form = %.80s", want)
	}
	allocs := testing.AllocsPerRun(50, func() { _ = encodeCreateForm(p) })
	if allocs > 1 {
		t.Errorf("encodeCreateForm: %.0f allocations, want at most 1 (the buffer)", allocs)
	}
}
