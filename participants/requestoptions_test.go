package participants_test

import (
	"context"
	"errors"
	"testing"

	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// TestRequestOptionsReachTheWire: WithRequestOptions puts its header on the
// add's request, fills WithResponseInto, and leaves the next Add alone.
func TestRequestOptionsReachTheWire(t *testing.T) {
	for _, vendor := range vendors {
		t.Run(vendor, func(t *testing.T) {
			e := newEnv(t, vendor)
			var r option.Response
			if _, err := e.client.Add(context.Background(), e.conv, e.person(1),
				participants.WithRequestOptions(option.WithHeader("X-Trace", "t-1")),
				participants.WithRequestOptions(option.WithResponseInto(&r))); err != nil {
				t.Fatal(err)
			}
			if _, err := e.client.Add(context.Background(), e.conv, e.person(2)); err != nil {
				t.Fatal(err)
			}
			log := e.srv.RequestLog()
			if len(log) != 2 || log[0].Header.Get("X-Trace") != "t-1" || log[1].Header.Get("X-Trace") != "" {
				t.Fatalf("requests = %+v, want the header on the first add only", log)
			}
			if r.StatusCode < 200 || r.StatusCode > 201 || r.Attempts != 1 || r.Header == nil {
				t.Errorf("Response = %+v, want the add's 2xx after 1 attempt", r)
			}
		})
	}
}

// TestRequestOptionsReachTheLookup: on a duplicate, the lookup carries the
// options too, and WithResponseInto holds its response.
func TestRequestOptionsReachTheLookup(t *testing.T) {
	dups := map[string]participantstest.Fault{
		"bird":   {Status: 409, Body: `{"code":"Conflict","message":"participant exists"}`},
		"twilio": {Status: 409, Body: `{"code":50433,"message":"identity exists","status":409}`},
	}
	for vendor, dup := range dups {
		t.Run(vendor, func(t *testing.T) {
			e := newEnv(t, vendor)
			e.srv.InjectFaults(dup)
			var r option.Response
			_, err := e.client.Add(context.Background(), e.conv, e.person(1),
				participants.WithRequestOptions(option.WithHeader("X-Trace", "t-1"), option.WithResponseInto(&r)))
			if participants.Code(err) != participants.AlreadyExists {
				t.Fatalf("err = %v, want AlreadyExists after the lookup", err)
			}
			log := e.srv.RequestLog()
			if len(log) != 2 || log[1].Method != "GET" || log[0].Header.Get("X-Trace") != "t-1" || log[1].Header.Get("X-Trace") != "t-1" {
				t.Fatalf("requests = %+v, want the add and the lookup, both with the header", log)
			}
			if r.StatusCode != 404 && r.StatusCode != 200 {
				t.Errorf("Response = %+v, want the lookup's", r)
			}
		})
	}
}

// TestAddIsIdempotent: the facade marks its POSTs idempotent, so a 503 is
// retried; a per-call WithMaxRetries(0) stops that.
func TestAddIsIdempotent(t *testing.T) {
	for _, vendor := range vendors {
		t.Run(vendor, func(t *testing.T) {
			e := newEnv(t, vendor)
			e.srv.InjectFaults(participantstest.Fault{Status: 503, Body: "{}"})
			if _, err := e.client.Add(context.Background(), e.conv, e.person(1)); err != nil || e.srv.Requests() != 2 {
				t.Fatalf("err = %v after %d requests, want success after 2", err, e.srv.Requests())
			}
			e.srv.InjectFaults(participantstest.Fault{Status: 503, Body: "{}"})
			var r option.Response
			_, err := e.client.Add(context.Background(), e.conv, e.person(2),
				participants.WithRequestOptions(option.WithMaxRetries(0), option.WithResponseInto(&r)))
			if participants.Code(err) != participants.Unavailable || e.srv.Requests() != 3 || r.StatusCode != 503 || r.Attempts != 1 {
				t.Errorf("err = %v after %d requests (Response %+v), want the 503 after 1 more", err, e.srv.Requests(), r)
			}
		})
	}
}

// TestRequestOptionsRefused: an option that cannot apply per call fails the
// Add with InvalidArgument naming it, before any request.
func TestRequestOptionsRefused(t *testing.T) {
	for _, vendor := range vendors {
		t.Run(vendor, func(t *testing.T) {
			e := newEnv(t, vendor)
			_, err := e.client.Add(context.Background(), e.conv, e.person(1),
				participants.WithRequestOptions(option.WithBaseURL("https://example.test")))
			var pe *participants.Error
			if !errors.As(err, &pe) || pe.Code != participants.InvalidArgument || pe.Field != "option.WithBaseURL" {
				t.Errorf("err = %v, want InvalidArgument naming option.WithBaseURL", err)
			}
			if n := e.srv.Requests(); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// TestAddManyRequestOptions: WithAddOptions carries WithRequestOptions to
// every Add of AddMany.
func TestAddManyRequestOptions(t *testing.T) {
	for _, vendor := range vendors {
		t.Run(vendor, func(t *testing.T) {
			e := newEnv(t, vendor)
			ps := []participants.Participant{e.person(1), e.person(2), e.person(3)}
			for _, r := range e.client.AddMany(context.Background(), e.conv, ps,
				participants.WithAddOptions(participants.WithRequestOptions(option.WithHeader("X-Batch", "b-1")))) {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			log := e.srv.RequestLog()
			if len(log) != 3 {
				t.Fatalf("%d requests, want 3", len(log))
			}
			for i, req := range log {
				if req.Header.Get("X-Batch") != "b-1" {
					t.Errorf("request %d headers = %v", i, req.Header)
				}
			}
		})
	}
}
