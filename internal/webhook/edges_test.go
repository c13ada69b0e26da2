package webhook

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/apierror"
)

// The edges that the vendor packages' tests do not reach from here
// (found by mutation testing).

// BindForm binds the exported fields with a json name, skipping the
// others wherever they are in the struct.
func TestBindFormSkipsFieldsWithoutAName(t *testing.T) {
	var v struct {
		NoTag   string
		Dash    string `json:"-"`
		Empty   string `json:",omitempty"`
		Kept    string `json:"kept"`
		Count   int    `json:"count,omitempty"`
		Pointer *int64 `json:"pointer,omitempty"`
	}
	err := BindForm(&v, "=x&NoTag=y&-=z&Empty=w&kept=k&count=3&pointer=9")
	if err != nil {
		t.Fatal(err)
	}
	if v.NoTag != "" || v.Dash != "" || v.Empty != "" || v.Kept != "k" || v.Count != 3 || v.Pointer == nil || *v.Pointer != 9 {
		t.Fatalf("bound %+v", v)
	}
}

// ScanForm skips empty pairs and goes on with the next.
func TestScanFormSkipsEmptyPairs(t *testing.T) {
	var got []string
	if err := ScanForm("a=1&&b=2&", func(k, v string) error { got = append(got, k+"="+v); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "a=1,b=2" {
		t.Fatalf("scanned %v", got)
	}
}

func TestPublicURLRefusals(t *testing.T) {
	for _, tc := range []struct {
		url, reason string
	}{
		{"https://hooks.example.com/twilio", ""},
		{"http://hooks.example.com:8080/twilio", ""},
		{"%zz", "not a URL"},
		{"ftp://hooks.example.com/twilio", "the scheme must be https or http"},
		{"hooks.example.com/twilio", "the scheme must be https or http"},
		{"https:///twilio", "no host"},
		{"https:opaque", "no host"},
		{"https://user:pw@hooks.example.com/twilio", "user information is not allowed"},
		{"https://hooks.example.com/twilio?a=1", "a query is not allowed"},
		{"https://hooks.example.com/twilio?", "a query is not allowed"},
		{"https://hooks.example.com/twilio#f", "a fragment is not allowed"},
		{"https://hooks.example.com/twilio#", "a fragment is not allowed"},
	} {
		var c Config
		err := PublicURL(tc.url)(&c)
		var perr *apierror.ParamError
		switch {
		case tc.reason == "" && (err != nil || c.PublicURL != tc.url):
			t.Errorf("PublicURL(%q) = %v, %q", tc.url, err, c.PublicURL)
		case tc.reason != "" && (!errors.As(err, &perr) || perr.Field != "WithPublicURL" || !strings.Contains(perr.Reason, tc.reason) || c.PublicURL != ""):
			t.Errorf("PublicURL(%q) = %v; want WithPublicURL: %s", tc.url, err, tc.reason)
		}
	}
}

// readAll's first buffer is the declared length plus one (the end is seen
// without growing), or 512 bytes when the length is unknown or 1 MiB and
// more.
func TestReadAllFirstBuffer(t *testing.T) {
	for _, tc := range []struct {
		declared int64
		wantCap  int
	}{
		{-1, 512},
		{0, 1},
		{10, 11},
		{1<<20 - 1, 1 << 20},
		{1 << 20, 512},
	} {
		body := strings.Repeat("a", int(max(min(tc.declared, 10), 0)))
		if tc.declared < 0 {
			body = "abc"
		}
		b, err := readAll(strings.NewReader(body), tc.declared)
		if err != nil || string(b) != body {
			t.Fatalf("declared %d: read %q, %v", tc.declared, b, err)
		}
		if cap(b) != tc.wantCap {
			t.Errorf("declared %d: first buffer %d bytes, want %d", tc.declared, cap(b), tc.wantCap)
		}
	}
}

// Without a public URL, the URL is the request target as received: an
// escape the client chose is signed as it is, not as Go would write it.
func TestRequestURLKeepsTheTargetAsReceived(t *testing.T) {
	r := httptest.NewRequest("POST", "/hooks/%7Etwilio?a=b%20c", nil)
	r.Host = "hooks.example.com"
	if got, want := RequestURL(r, ""), "http://hooks.example.com/hooks/%7Etwilio?a=b%20c"; got != want {
		t.Errorf("RequestURL = %q, want %q", got, want)
	}
}
