package option_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/apierror"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/twilio"
)

// recordingMiddleware appends "name:attempt" to *seen for every attempt
// it wraps and sets X-<name> on the request.
func recordingMiddleware(name string, seen *[]string) option.Middleware {
	return func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		*seen = append(*seen, fmt.Sprintf("%s:%d", name, attempt))
		req.Header.Set("X-"+name, fmt.Sprint(attempt))
		return next(req)
	}
}

// TestOutsideMiddleware: a client's middleware and a call's wrap every
// attempt, the client's outermost, each seeing the attempt number, and
// what they set on the request is sent.
func TestOutsideMiddleware(t *testing.T) {
	mock := httpmock.NewMockTransport()
	var sent []string
	n := 0
	mock.RegisterResponder(http.MethodGet, outsideURL, func(r *http.Request) (*http.Response, error) {
		n++
		sent = append(sent, r.Header.Get("X-Client")+"/"+r.Header.Get("X-Call"))
		if n == 1 {
			return httpmock.NewStringResponse(http.StatusServiceUnavailable, `{"code":20503,"message":"busy","status":503}`), nil
		}
		resp := httpmock.NewStringResponse(http.StatusOK, outsideParticipant)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
	var seen []string
	c := outsideClient(t, mock, option.WithRetryWait(time.Millisecond, time.Millisecond), option.WithMiddleware(recordingMiddleware("Client", &seen)))
	if _, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB, option.WithMiddleware(recordingMiddleware("Call", &seen))); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, ","); got != "Client:1,Call:1,Client:2,Call:2" {
		t.Errorf("middleware saw %s, want both on both attempts, the client's first", got)
	}
	if got := strings.Join(sent, ","); got != "1/1,2/2" {
		t.Errorf("sent X-Client/X-Call = %s, want each attempt's number", got)
	}
	// The call's middleware stays with its call.
	seen = nil
	if _, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(seen, ","); got != "Client:1" {
		t.Errorf("next call's middleware = %s, want the client's alone", got)
	}
}

// TestOutsideMiddlewareAnswers: a middleware's own answer is judged as the
// vendor's would be, without a request.
func TestOutsideMiddlewareAnswers(t *testing.T) {
	mock := httpmock.NewMockTransport()
	c := outsideClient(t, mock)
	_, err := c.FetchParticipant(context.Background(), outsideCH, outsideMB, option.WithMiddleware(
		func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
			return httpmock.NewStringResponse(http.StatusNotFound, `{"code":20404,"message":"not here","status":404}`), nil
		}))
	var api *apierror.Error
	if !errors.As(err, &api) || api.StatusCode != http.StatusNotFound || mock.GetTotalCallCount() != 0 {
		t.Errorf("err = %v after %d requests, want the middleware's 404 and none sent", err, mock.GetTotalCallCount())
	}
}

// TestWithMiddlewareRefusals: nothing or nil is refused, naming the option.
func TestWithMiddlewareRefusals(t *testing.T) {
	ok := func(req *http.Request, attempt int, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
		return next(req)
	}
	for _, o := range []option.Option{option.WithMiddleware(), option.WithMiddleware(ok, nil)} {
		_, err := outsideClientErr(o)
		var pe *option.ParamError
		if !errors.As(err, &pe) || pe.Field != "option.WithMiddleware" {
			t.Errorf("err = %v, want a ParamError of option.WithMiddleware", err)
		}
	}
}

// outsideClientErr is the error of a Twilio client built with o.
func outsideClientErr(o option.Option) (any, error) {
	return twilio.New(outsideAC, "secret-token", o)
}
