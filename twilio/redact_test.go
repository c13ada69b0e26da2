package twilio_test

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/twilio"
)

// Redact removes the client's credential, as it is, escaped, and as the
// Basic credentials, and leaves other text alone.
func TestClientRedact(t *testing.T) {
	const secret = "s3cret/key+9f8e7d6c"
	const keySID = "SK0123456789abcdef0123456789abcdef"
	c, err := twilio.NewWithAPIKey(keySID, secret)
	if err != nil {
		t.Fatal(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(keySID + ":" + secret))
	for _, s := range []string{secret, url.QueryEscape(secret), basic} {
		got := c.Redact("before " + s + " after")
		if strings.Contains(got, s) || got != "before [redacted] after" {
			t.Errorf("Redact(%q) = %q", s, got)
		}
	}
	if got := c.Redact("MB0123 and nothing else"); got != "MB0123 and nothing else" {
		t.Errorf("Redact changed a text without the credential: %q", got)
	}
}
