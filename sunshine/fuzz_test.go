package sunshine

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/conversekit/conversekit/internal/apierror"
)

// FuzzDecodeError: any error body decodes without panic; a code or title
// comes only from a JSON body, and Details is always a valid JSON array.
func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		`{"errors":[{"code":"not_found","title":"User is not a member of the conversation"}]}`,
		`{"errors":[{"code":"bad_request","title":"a"},{"code":"bad_request","title":"b"}]}`,
		`{"errors":[{"code":1}]}`, `{"errors":null}`, `<html>502</html>`, ``, `{"errors":[`, `[]`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		e := &apierror.Error{Body: body, Header: http.Header{}}
		decodeError(e)
		if (e.Code != "" || e.Message != "") && !json.Valid(bytes.TrimSpace(body)) {
			t.Errorf("code %q title %q from a body that is not JSON: %q", e.Code, e.Message, body)
		}
		if e.Details != nil && (!json.Valid(e.Details) || e.Details[0] != '[') {
			t.Errorf("details %q", e.Details)
		}
	})
}

// FuzzBodies: a body that validates holds exactly the one key it was built
// with, with the value it was given.
func FuzzBodies(f *testing.F) {
	for _, s := range []string{"u-1", "", " ", "a\x00", "<ü&>", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		for key, b := range map[string]interface {
			Validate() error
			MarshalJSON() ([]byte, error)
		}{
			"userId": LeaveByUserID(id), "userExternalId": LeaveByExternalID(id), "participantId": LeaveByParticipantID(id),
		} {
			raw, err := b.MarshalJSON()
			if (err == nil) != (b.Validate() == nil) {
				t.Fatalf("MarshalJSON and Validate disagree for %q", id)
			}
			if err != nil {
				continue
			}
			var m map[string]string
			if json.Unmarshal(raw, &m) != nil || len(m) != 1 || m[key] != id {
				t.Errorf("%s(%q) = %s", key, id, raw)
			}
		}
		j := JoinByExternalID(id)
		if raw, err := j.MarshalJSON(); err == nil {
			var m map[string]any
			if json.Unmarshal(raw, &m) != nil || len(m) != 2 || m["userExternalId"] != id || m["subscribeSDKClient"] != false || j.ExternalID() != id {
				t.Errorf("JoinByExternalID(%q) = %s", id, raw)
			}
		}
	})
}

// FuzzZendeskURL: an accepted subdomain gives an https URL on
// <subdomain>.zendesk.com with path /sc and nothing else.
func FuzzZendeskURL(f *testing.F) {
	for _, s := range []string{"acme", "a-b", "acme.evil.com", "acme/x", "a@b", "", "ACME"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sub string) {
		raw, err := ZendeskURL(sub)
		if err != nil {
			return
		}
		u, perr := url.Parse(raw)
		if perr != nil || u.Scheme != "https" || u.Host != sub+".zendesk.com" || u.Path != "/sc" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("ZendeskURL(%q) = %q", sub, raw)
		}
	})
}
