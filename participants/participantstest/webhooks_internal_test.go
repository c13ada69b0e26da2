package participantstest

import (
	"net/url"
	"testing"
)

// The signatures of the fakes' deliveries against the vendors' test
// vectors (VENDOR-FACTS-WEBHOOKS: twilio-go's tests, and vectors computed
// from Intercom's and Bird's documented schemes).
func TestWebhookSignatureVectors(t *testing.T) {
	params := url.Values{
		"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"},
		"From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"},
	}
	for _, tc := range []struct{ name, got, want string }{
		{"twilio https", twilioSign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params), "vOEb5UThFn24KEfnOFLQY2AE5FY="},
		{"twilio http", twilioSign("12345", "http://mycompany.com/myapp.php?foo=1&bar=2", params), "n2xBNyzSW7rfYStDtOFiFMv7qNo="},
		{"twilio form", twilioSign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", url.Values{"property": {"value"}, "boolean": {"true"}}), "NBdBDr/T/lgjI+tlgpXjKZQZs/k="},
		{"intercom", intercomSign("client-secret-123", []byte(`{"type":"notification_event","id":"notif_1","topic":"conversation.contact.attached","app_id":"abc123","created_at":1711204872,"data":{"type":"notification_event_data","item":{"conversation":{"id":"1886"},"contact":{"type":"contact","id":"65446e1aaf142d1550cfd6d7"}}}}`)),
			"sha1=3e431e3ecf617eb4592799bf35bec94f517d47d6"},
		{"bird", birdSign("secureSigningKey", "1719823259", "https://example.com/webhook/bird",
			[]byte(`{"service":"conversations","event":"conversation.updated","payload":{"id":"badbf15c-bad3-4bf3-9223-6b7f414f9770"}}`)),
			"u+NXJNRfrx3p1C+HwB3Np3CDVNih3bNuhFT0RdEfTPA="},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: signature %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
