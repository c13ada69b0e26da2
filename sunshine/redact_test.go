package sunshine

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/option"
	"github.com/jarcoal/httpmock"
)

// linksPage is a list page of ids whose next page is named only by
// links.next (no meta.afterCursor), or the last page when next is "".
func linksPage(ids []string, next string) string {
	var b strings.Builder
	b.WriteString(`{"participants":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id":"` + id + `","userId":"u-` + id + `"}`)
	}
	b.WriteString(`],"meta":{"hasMore":` + map[bool]string{true: "true", false: "false"}[next != ""] + `}`)
	if next != "" {
		b.WriteString(`,"links":{"next":"` + next + `"}`)
	}
	return b.String() + "}"
}

// A page that names its next page only by links.next is followed, with
// the link's page[after] and the caller's page size.
func TestAllParticipantsFollowsLinksNext(t *testing.T) {
	list := convBase + "/participants"
	c, rec := newClient(t, []func() (*http.Response, error){
		jsonResp(200, linksPage([]string{"a", "b"}, list+"?page%5Bafter%5D="+cur1+"&page%5Bsize%5D=2")),
		jsonResp(200, linksPage([]string{"c"}, list+"?page[after]="+cur2)),
		jsonResp(200, linksPage([]string{"d"}, "")),
	})
	var got []string
	for p, err := range c.AllParticipants(ctx, app, conv, &ListParticipantsParams{Size: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.ID)
	}
	if strings.Join(got, ",") != "a,b,c,d" {
		t.Errorf("participants = %v", got)
	}
	want := []string{"page[size]=2", "page[after]=" + cur1 + "&page[size]=2", "page[after]=" + cur2 + "&page[size]=2"}
	reqs := rec.all()
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.Query != want[i] || !strings.HasPrefix(r.URL, list) {
			t.Errorf("request %d %s?%s, want the list with %s", i, r.URL, r.Query, want[i])
		}
	}
}

// A links.next elsewhere is not followed: an error, no second request.
func TestAllParticipantsRefusesForeignLink(t *testing.T) {
	c, rec := newClient(t, []func() (*http.Response, error){
		jsonResp(200, linksPage([]string{"a"}, "https://evil.example/v2/apps/"+app+"/conversations/"+conv+"/participants?page%5Bafter%5D="+cur1)),
	})
	var errs []error
	n := 0
	for p, err := range c.AllParticipants(ctx, app, conv, nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		_ = p
	}
	if n != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "links.next \"https://evil.example/") || !strings.Contains(errs[0].Error(), "not on the API's host") {
		t.Fatalf("%d participants, errs %v", n, errs)
	}
	if len(rec.all()) != 1 {
		t.Errorf("%d requests, want 1", len(rec.all()))
	}
}

// shortSecret is a key secret short enough to fit in a page cursor (at
// most 24 characters), which a vendor could echo as one.
const shortSecret = "s3cr3t-0123456789abcdef"

// newShortSecretClient is newClient with shortSecret as the key secret.
func newShortSecretClient(t *testing.T, resps []func() (*http.Response, error)) *Client {
	t.Helper()
	rec := &recorder{resps: resps}
	mock := httpmock.NewMockTransport()
	mock.RegisterNoResponder(rec.respond)
	c, err := New(testKeyID, shortSecret, option.WithBaseURL(USBaseURL), option.WithHTTPClient(&http.Client{Transport: mock}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every vendor-supplied string a Sunshine error quotes is cleaned of the
// secret and of the basic credentials.
func TestQuotedVendorStringsRedacted(t *testing.T) {
	list := convBase + "/participants"
	cursor := "c" + shortSecret // 24 characters: a valid cursor
	for _, tc := range []struct {
		name    string
		pages   []func() (*http.Response, error)
		say     string
		secrets []string
	}{
		{"repeated afterCursor", []func() (*http.Response, error){
			jsonResp(200, page([]string{"a"}, cursor)), jsonResp(200, page([]string{"b"}, cursor)),
		}, "repeats a page already read", []string{shortSecret}},
		{"repeated cursor of links.next", []func() (*http.Response, error){
			jsonResp(200, linksPage([]string{"a"}, list+"?page%5Bafter%5D="+cursor)), jsonResp(200, linksPage([]string{"b"}, list+"?page%5Bafter%5D="+cursor)),
		}, "repeats a page already read", []string{shortSecret}},
		{"refused links.next", []func() (*http.Response, error){
			jsonResp(200, linksPage([]string{"a"}, "https://"+testSecret+".example/x?page%5Bafter%5D="+testBasic)),
		}, "is not followed", []string{testSecret, testBasic}},
		{"refused links.next, escaped", []func() (*http.Response, error){
			jsonResp(200, linksPage([]string{"a"}, list+"/x?k=a%2F"+testSecret)),
		}, "is not followed", []string{testSecret}},
	} {
		var c *Client
		if tc.secrets[0] == shortSecret {
			c = newShortSecretClient(t, tc.pages)
		} else {
			c, _ = newClient(t, tc.pages)
		}
		var last error
		for _, err := range c.AllParticipants(ctx, app, conv, nil) {
			if err != nil {
				last = err
			}
		}
		if last == nil || !strings.Contains(last.Error(), tc.say) {
			t.Fatalf("%s: err %v, want one saying %q", tc.name, last, tc.say)
		}
		msg := last.Error()
		for _, s := range tc.secrets {
			if strings.Contains(msg, s) {
				t.Errorf("%s: error %q shows a credential", tc.name, msg)
			}
		}
		if !strings.Contains(msg, "[redacted]") {
			t.Errorf("%s: error %q does not show where the credential was", tc.name, msg)
		}
	}
}

func TestRedact(t *testing.T) {
	c, _ := newClient(t, nil)
	if got := c.Redact(testBasic + "/" + testSecret); got != "[redacted]/[redacted]" {
		t.Errorf("Redact = %q", got)
	}
	var zero Client
	if got := zero.Redact(testSecret); got != testSecret {
		t.Errorf("zero Client: Redact = %q, want it unchanged", got)
	}
}
