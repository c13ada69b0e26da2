package participants_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// TestDuplicateLookupCanceled: the caller cancels while the adapter looks up
// the participant a duplicate answer named. The result is Canceled, with
// context.Canceled, the duplicate answer and the lookup's error all in the
// chain; never AlreadyExists.
func TestDuplicateLookupCanceled(t *testing.T) {
	dups := map[string]participantstest.Fault{
		"bird":   {Status: 409, Body: `{"code":"Conflict","message":"participant exists"}`},
		"twilio": {Status: 409, Body: `{"code":50433,"message":"identity exists","status":409}`},
	}
	for vendor, dup := range dups {
		t.Run(vendor, func(t *testing.T) {
			e := newEnv(t, vendor)
			e.srv.InjectFaults(dup, participantstest.Fault{Delay: 10 * time.Second})
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				// cancel once the lookup (the second request) is under way
				for e.srv.Requests() < 2 {
					time.Sleep(5 * time.Millisecond)
				}
				time.Sleep(20 * time.Millisecond)
				cancel()
			}()
			_, err := e.client.Add(ctx, e.conv, e.person(1))
			cancel()
			if got := participants.Code(err); got != participants.Canceled {
				t.Errorf("Code = %v, want Canceled (err: %v)", got, err)
			}
			if !errors.Is(err, context.Canceled) || errors.Is(err, participants.ErrAlreadyExists) {
				t.Errorf("errors.Is(err, context.Canceled) = %v, errors.Is(err, ErrAlreadyExists) = %v: %v",
					errors.Is(err, context.Canceled), errors.Is(err, participants.ErrAlreadyExists), err)
			}
			var dle *participants.DuplicateLookupError
			var api *apierror.Error
			if !errors.As(err, &dle) || !errors.As(dle.Duplicate, &api) || api.StatusCode != 409 || !errors.Is(dle.Lookup, context.Canceled) {
				t.Errorf("err = %v, want a *DuplicateLookupError holding the 409 and the canceled lookup", err)
			}
			if n := e.srv.Requests(); n != 2 {
				t.Errorf("requests = %d, want the add and one lookup", n)
			}
			if e.count() != 0 {
				t.Errorf("participants at the end = %d, want 0", e.count())
			}
		})
	}
}

// TestDuplicateNotInConversation: Bird's 409 for an identifier that its
// lookup does not find in this conversation is AlreadyExists (the vendor
// holds the identity elsewhere), with both answers in the chain.
func TestDuplicateNotInConversation(t *testing.T) {
	e := newEnv(t, "bird")
	e.srv.InjectFaults(participantstest.Fault{Status: 409, Body: `{"code":"Conflict","message":"participant exists"}`})
	_, err := e.client.Add(context.Background(), e.conv, e.person(1))
	if got := participants.Code(err); got != participants.AlreadyExists {
		t.Fatalf("Code = %v, want AlreadyExists (err: %v)", got, err)
	}
	var dle *participants.DuplicateLookupError
	var lookup *apierror.Error
	if !errors.As(err, &dle) || !errors.As(dle.Lookup, &lookup) || lookup.StatusCode != 404 {
		t.Errorf("err = %v, want a *DuplicateLookupError whose lookup got 404", err)
	}
}
