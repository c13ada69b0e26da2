package intercom

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
)

// A 2xx proves only what its body proves: AttachContact and DetachContact
// refuse a 2xx body without a customers array.
func TestSuccessBodyWithoutCustomersList(t *testing.T) {
	bodies := map[string]string{
		"empty object":                       `{}`,
		"status ok":                          `{"status":"ok"}`,
		"null":                               `null`,
		"array":                              `[]`,
		"array of refs":                      `[{"type":"user","id":"597f02cb22f4bb37597e0b7d"}]`,
		"customers null":                     `{"customers":null}`,
		"customers text":                     `{"customers":"597f02cb22f4bb37597e0b7d"}`,
		"customers obj":                      `{"customers":{"type":"user","id":"597f02cb22f4bb37597e0b7d"}}`,
		"conversation without contacts list": `{"type":"conversation","id":"123","contacts":{"type":"contact.list"}}`,
		"conversation contacts null":         `{"type":"conversation","id":"123","contacts":{"type":"contact.list","contacts":null}}`,
		"conversation without contacts":      `{"type":"conversation","id":"123"}`,
		"contacts text":                      `{"contacts":"597f02cb22f4bb37597e0b7d"}`,
		"empty body":                         ``,
		"not JSON":                           `OK`,
		"truncated":                          `{"customers":[{"type":`,
		"contact by html":                    `<html>ok</html>`,
	}
	ops := []struct {
		name, op string
		call     func(*Client) error
	}{
		{"attach", "POST /conversations/{id}/customers", func(c *Client) error {
			_, err := c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
			return err
		}},
		{"detach", "DELETE /conversations/{id}/customers/{contact_id}", func(c *Client) error {
			_, err := c.DetachContact(context.Background(), "1", "2", "3")
			return err
		}},
	}
	for _, o := range ops {
		for name, body := range bodies {
			t.Run(o.name+"/"+name, func(t *testing.T) {
				c, mock, _ := setup(t, []httpmock.Responder{jsonResponder(200, body)})
				err := o.call(c)
				var se *SuccessBodyError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v (%T), want *SuccessBodyError", err, err)
				}
				var ae *APIError
				if errors.As(err, &ae) {
					t.Errorf("err is also an *APIError: %v", err)
				}
				if se.Vendor != "intercom" || se.Op != o.op || se.StatusCode != 200 || se.Missing != "a customers list" {
					t.Errorf("SuccessBodyError = %+v", se)
				}
				want := fmt.Sprintf("intercom: %s: 2xx without a customers list (HTTP 200", o.op)
				if msg := err.Error(); !strings.HasPrefix(msg, want) {
					t.Errorf("Error() = %q, want prefix %q", msg, want)
				}
				if strings.Contains(err.Error(), "597f02cb") {
					t.Errorf("Error() quotes the body: %q", err)
				}
				if n := mock.GetTotalCallCount(); n != 1 {
					t.Errorf("%d requests, want 1", n)
				}
			})
		}
	}
}

// Both shapes of a successful attach or detach decode: the customers list
// Intercom sends, and the conversation object of the official 2.14
// definition, whose contacts fill Customers (type "contact") and stay in
// Contacts with their external IDs.
func TestSuccessBodyBothShapes(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		want       []CustomerRef
		contacts   bool
	}{
		{"customers", `{"customers":[{"type":"user","id":"a1"},{"type":"lead","id":"b2"}]}`,
			[]CustomerRef{{Type: "user", ID: "a1"}, {Type: "lead", ID: "b2"}}, false},
		{"customers empty", `{"customers":[]}`, []CustomerRef{}, false},
		{"conversation", `{"type":"conversation","id":"123","contacts":{"type":"contact.list","contacts":[` +
			`{"type":"contact","id":"a1","external_id":"ext-a"},{"type":"contact","id":"b2","external_id":null}]}}`,
			[]CustomerRef{{Type: "contact", ID: "a1"}, {Type: "contact", ID: "b2"}}, true},
		{"conversation empty", `{"type":"conversation","id":"123","contacts":{"type":"contact.list","contacts":[]}}`, []CustomerRef{}, true},
	} {
		for _, op := range []string{"attach", "detach"} {
			t.Run(op+"/"+tt.name, func(t *testing.T) {
				c, _, _ := setup(t, []httpmock.Responder{jsonResponder(200, tt.body)})
				var l *CustomersList
				var err error
				if op == "attach" {
					l, err = c.AttachContact(context.Background(), "1", AdminAttach("1", CustomerByEmail("a@b.c")))
				} else {
					l, err = c.DetachContact(context.Background(), "1", "2", "3")
				}
				if err != nil {
					t.Fatal(err)
				}
				if l.Customers == nil || len(l.Customers) != len(tt.want) {
					t.Fatalf("customers = %#v, want %v", l.Customers, tt.want)
				}
				for i := range tt.want {
					if l.Customers[i] != tt.want[i] {
						t.Errorf("customer %d = %+v, want %+v", i, l.Customers[i], tt.want[i])
					}
				}
				if (l.Contacts != nil) != tt.contacts {
					t.Errorf("Contacts = %+v", l.Contacts)
				}
				if tt.contacts && len(tt.want) > 0 && (l.Contacts.Contacts[0].ExternalID != "ext-a" || l.Contacts.Contacts[1].ExternalID != "") {
					t.Errorf("Contacts = %+v", l.Contacts)
				}
			})
		}
	}
}
