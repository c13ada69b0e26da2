package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
)

// A stand-in for api.intercom.io that answers attach with the seed response,
// the retrieve of a conversation with two contacts and detach of an unknown
// contact with a 404.
func fakeIntercom() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"type":"error.list","request_id":"req-1","errors":[{"code":"not_found","message":"User Not Found"}]}`)
			return
		}
		if r.Method == http.MethodGet {
			fmt.Println("sent:", r.Method, r.URL.Path, r.Header.Get("Intercom-Version"))
			fmt.Fprint(w, `{"type":"conversation","id":"123456789","contacts":{"type":"contact.list","contacts":[`+
				`{"type":"contact","id":"597f02cb22f4bb37597e0b7d","external_id":"ext-42"},`+
				`{"type":"contact","id":"58ff3f670f14ab4f1aa83750","external_id":null}]}}`)
			return
		}
		fmt.Println("sent:", r.Method, r.URL.Path, r.Header.Get("Intercom-Version"), string(body))
		fmt.Fprint(w, `{"customers":[{"type":"user","id":"597f02cb22f4bb37597e0b7d"},{"type":"lead","id":"58ff3f670f14ab4f1aa83750"}]}`)
	}))
}

func ExampleClient_AttachContact() {
	srv := fakeIntercom()
	defer srv.Close()

	c, err := intercom.New("my-access-token", option.WithBaseURL(srv.URL), option.WithHTTPClient(srv.Client()))
	if err != nil {
		panic(err)
	}
	list, err := c.AttachContact(context.Background(), "123456789",
		intercom.AdminAttach("781236", intercom.CustomerByIntercomUserID("58c1c78946a0aa9ef45b098a")))
	if err != nil {
		panic(err)
	}
	for _, cu := range list.Customers {
		fmt.Println(cu.Type, cu.ID)
	}
	// Output:
	// sent: POST /conversations/123456789/customers 2.14 {"admin_id":"781236","customer":{"intercom_user_id":"58c1c78946a0aa9ef45b098a"}}
	// user 597f02cb22f4bb37597e0b7d
	// lead 58ff3f670f14ab4f1aa83750
}

func ExampleClient_ConversationContacts() {
	srv := fakeIntercom()
	defer srv.Close()

	c, err := intercom.New("my-access-token", option.WithBaseURL(srv.URL), option.WithHTTPClient(srv.Client()))
	if err != nil {
		panic(err)
	}
	list, err := c.ConversationContacts(context.Background(), "123456789")
	if err != nil {
		panic(err)
	}
	for _, ref := range list.Contacts {
		fmt.Printf("%s %s external_id=%q\n", ref.Type, ref.ID, ref.ExternalID)
	}
	// Output:
	// sent: GET /conversations/123456789 2.14
	// contact 597f02cb22f4bb37597e0b7d external_id="ext-42"
	// contact 58ff3f670f14ab4f1aa83750 external_id=""
}

func ExampleClient_DetachContact() {
	srv := fakeIntercom()
	defer srv.Close()

	c, err := intercom.New("my-access-token", option.WithBaseURL(srv.URL), option.WithHTTPClient(srv.Client()))
	if err != nil {
		panic(err)
	}
	_, err = c.DetachContact(context.Background(), "123456789", "missing-contact", "781236")
	var apiErr *intercom.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.RequestID)
	}
	fmt.Println(err)
	// Output:
	// 404 not_found User Not Found req-1
	// intercom: HTTP 404 Not Found: not_found: User Not Found [request req-1]
}

// A bad argument is an *intercom.ParamError, returned before any request.
func ExampleParamError() {
	c, err := intercom.New("my-access-token")
	if err != nil {
		panic(err)
	}
	_, err = c.AttachContact(context.Background(), "..", intercom.AdminAttach("781236", intercom.CustomerByEmail("jane@example.com")))
	var pe *intercom.ParamError
	if errors.As(err, &pe) {
		fmt.Println(pe.Field, "-", pe.Reason)
	}
	// Output:
	// conversationID - ".." is not allowed
}
