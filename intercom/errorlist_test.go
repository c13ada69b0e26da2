package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/jarcoal/httpmock"
)

// An error item's message is optional and nullable and its field nullable
// (Intercom's own definition): such lists are *APIErrors with the code set.
func TestErrorListWithoutMessages(t *testing.T) {
	bodies := map[string]string{
		"no message":         `{"type":"error.list","errors":[{"code":"not_found"}]}`,
		"null message/field": `{"type":"error.list","request_id":null,"errors":[{"code":"not_found","message":null,"field":null}]}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			c, _, _ := setup(t, []httpmock.Responder{jsonResponder(404, body)})
			_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("attach: err = %v (%T), want *APIError", err, err)
			}
			if ae.StatusCode != 404 || ae.Code != "not_found" || ae.Message != "" || ae.Field != "" {
				t.Errorf("attach: APIError = %+v", ae)
			}
			if got, want := err.Error(), "intercom: HTTP 404 Not Found: not_found"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}

			c, _, _ = setup(t, []httpmock.Responder{jsonResponder(404, body)})
			_, err = c.DetachContact(context.Background(), "1", "2", "3")
			if !errors.As(err, &ae) || ae.Code != "not_found" {
				t.Errorf("detach: err = %v", err)
			}

			// The generated model accepts the same list.
			var list errorList
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatalf("generated model: %v", err)
			}
			if len(list.Errors) != 1 {
				t.Fatalf("errors = %+v", list.Errors)
			}
			if it := list.Errors[0]; it.Code != "not_found" || it.Message != "" || it.Field != "" {
				t.Errorf("error item = %+v", it)
			}
		})
	}
}
