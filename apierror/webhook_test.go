package apierror

import (
	"errors"
	"testing"
)

func TestWebhookError(t *testing.T) {
	inner := errors.New("unexpected EOF")
	for _, tc := range []struct {
		e    *WebhookError
		want string
	}{
		{&WebhookError{Vendor: "twilio", Kind: ErrWebhookSignature, Header: "X-Twilio-Signature", Detail: "does not match"}, "twilio webhook: bad signature: X-Twilio-Signature: does not match"},
		{&WebhookError{Vendor: "intercom", Kind: ErrWebhookMalformed, Detail: "not JSON", Err: inner}, "intercom webhook: malformed: not JSON"},
		{&WebhookError{Vendor: "bird", Kind: ErrWebhookMissingHeader, Header: "messagebird-signature"}, "bird webhook: missing header: messagebird-signature"},
		{&WebhookError{Vendor: "sunshine", Kind: ErrWebhookTooLarge}, "sunshine webhook: body too large"},
		{&WebhookError{Vendor: "bird"}, "bird webhook: refused"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	kinds := []error{ErrWebhookMissingHeader, ErrWebhookSignature, ErrWebhookStale, ErrWebhookTooLarge, ErrWebhookMalformed, ErrWebhookUnsupported}
	for i, k := range kinds {
		var err error = &WebhookError{Vendor: "x", Kind: k, Err: inner}
		for j, other := range kinds {
			if got := errors.Is(err, other); got != (i == j) {
				t.Errorf("errors.Is(%v, %v) = %v", err, other, got)
			}
		}
		if !errors.Is(err, inner) {
			t.Errorf("%v does not wrap its Err", err)
		}
		var we *WebhookError
		if !errors.As(err, &we) || we.Kind != k {
			t.Errorf("errors.As(%v) failed", err)
		}
	}
	if (&WebhookError{}).Is(nil) || (&WebhookError{Kind: ErrWebhookStale}).Is(nil) {
		t.Error("Is(nil) holds")
	}
	if (&WebhookError{}).Unwrap() != nil {
		t.Error("Unwrap of no Err is not nil")
	}
}
