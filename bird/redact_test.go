package bird

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A nextPageToken that echoes the access key and repeats: the loop error
// quotes the token, without the key in any form.
func TestRepeatedTokenRedacted(t *testing.T) {
	for _, tok := range []string{"tok-" + testKey, url.QueryEscape("a/" + testKey + "?"), testKey} {
		c, _, _ := newClient(t, []func() (*http.Response, error){page(tok, "p1"), page(tok, "p2")})
		_, errs := collect(c.AllParticipants(context.Background(), ws, conv, nil))
		if len(errs) != 1 {
			t.Fatalf("errs %v, want one", errs)
		}
		msg := errs[0].Error()
		if !strings.Contains(msg, "repeats a page already read") || strings.Contains(msg, testKey) {
			t.Errorf("token %q: error %q, want the loop error without the key", tok, msg)
		}
		if !strings.Contains(msg, "[redacted]") {
			t.Errorf("token %q: error %q does not show where the key was", tok, msg)
		}
	}
}

func TestRedact(t *testing.T) {
	c, _, _ := newClient(t, nil)
	if got := c.Redact("x " + testKey + " y"); got != "x [redacted] y" {
		t.Errorf("Redact = %q", got)
	}
	if got := c.Redact("nothing secret"); got != "nothing secret" {
		t.Errorf("Redact = %q", got)
	}
	var zero Client
	if got := zero.Redact(testKey); got != testKey {
		t.Errorf("zero Client: Redact = %q, want it unchanged (no credentials known)", got)
	}
}
