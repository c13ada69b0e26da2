package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/conversekit/conversekit/intercom"
	"github.com/conversekit/conversekit/option"
)

// Per-call options: an extra header, this call's retry budget, idempotency
// for a POST that is safe to repeat, and the final response's status,
// request ID and attempts. They apply to this call only.
func ExampleClient_AttachContact_perCallOptions() {
	attempts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts++
		fmt.Println("attempt", attempts, "X-Trace:", r.Header.Get("X-Trace"))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", attempts))
		if attempts == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // retried: the call is marked idempotent
			fmt.Fprint(w, `{"type":"error.list","errors":[{"code":"service_unavailable","message":"busy"}]}`)
			return
		}
		fmt.Fprint(w, `{"customers":[{"type":"user","id":"597f02cb22f4bb37597e0b7d"}]}`)
	}))
	defer srv.Close()

	c, err := intercom.New("my-access-token", option.WithBaseURL(srv.URL), option.WithHTTPClient(srv.Client()),
		option.WithRetryWait(time.Millisecond, time.Millisecond))
	if err != nil {
		panic(err)
	}
	body := intercom.AdminAttach("781236", intercom.CustomerByIntercomUserID("597f02cb22f4bb37597e0b7d"))

	var resp option.Response
	if _, err := c.AttachContact(context.Background(), "123456789", body,
		option.WithHeader("X-Trace", "trace-1"),
		option.WithMaxRetries(1),
		option.WithIdempotent(),
		option.WithResponseInto(&resp)); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, resp.Header.Get("X-Request-Id"), resp.Attempts)

	// An option only a client can have is refused before any request.
	_, err = c.AttachContact(context.Background(), "123456789", body, option.WithBaseURL("https://api.eu.intercom.io"))
	var pe *intercom.ParamError
	fmt.Println(errors.As(err, &pe), err)
	// Output:
	// attempt 1 X-Trace: trace-1
	// attempt 2 X-Trace: trace-1
	// 200 req-2 2
	// true intercom: invalid option.WithBaseURL: cannot be set per call (opts[0]); give it to the constructor
}
