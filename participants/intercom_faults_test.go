package participants_test

import (
	"net/http"
	"time"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

func init() {
	// Issue 18 item 3 for Intercom: its Remove reads the conversation to
	// settle a 404 or a 422 "last customer" of its detach, and a failed
	// read keeps its own code (503: Unavailable; the deadline:
	// DeadlineExceeded), never AlreadyAbsent, NotFound or
	// FailedPrecondition. Item 7(a): a lost detach answer whose retry gets
	// the 422 is settled by the read too.
	faultMatrix = append(faultMatrix,
		faultCase{
			name:    "Remove: 404 on the DELETE, then its read gets 503 ×4: Unavailable, not AlreadyAbsent",
			op:      opRemove,
			only:    "intercom",
			virtual: true,
			faults: func() []participantstest.Fault {
				return append([]participantstest.Fault{{Method: http.MethodDelete, Status: 404, Body: intercomUserNotFound}},
					repeatFault(4, participantstest.Fault{Method: http.MethodGet, Status: 503, Body: `{}`})...)
			},
			want: func(string) faultWant { return kept(fails(participants.Unavailable, 5, 503)) },
		},
		faultCase{
			name:    "Remove: 404 on the DELETE, then the deadline passes during its read: DeadlineExceeded, not AlreadyAbsent",
			op:      opRemove,
			only:    "intercom",
			virtual: true,
			timeout: 500 * time.Millisecond,
			faults: func() []participantstest.Fault {
				return []participantstest.Fault{{Method: http.MethodDelete, Status: 404, Body: intercomUserNotFound},
					{Method: http.MethodGet, Delay: 10 * time.Second}}
			},
			want: func(string) faultWant {
				w := kept(fails(participants.DeadlineExceeded, 2, 0))
				w.maxElapsed = 500 * time.Millisecond
				return w
			},
		},
		faultCase{
			name:    "Remove: removed, the DELETE's response lost, its retry 404, then the read gets 503 ×4: Unavailable",
			op:      opRemove,
			only:    "intercom",
			virtual: true,
			faults: func() []participantstest.Fault {
				return append([]participantstest.Fault{{Method: http.MethodDelete, CommitThenDrop: true}},
					repeatFault(4, participantstest.Fault{Method: http.MethodGet, Status: 503, Body: `{}`})...)
			},
			want: func(string) faultWant { return fails(participants.Unavailable, 6, 503) },
		},
		faultCase{
			name:    "Remove: removed, the DELETE's response lost, its retry 422 last customer: the read settles it, AlreadyAbsent",
			op:      opRemove,
			only:    "intercom",
			virtual: true,
			faults: func() []participantstest.Fault {
				return []participantstest.Fault{{Method: http.MethodDelete, CommitThenDrop: true},
					{Method: http.MethodDelete, Status: 422, Body: intercomLastCustomer}}
			},
			want: func(string) faultWant { return removed(participants.AlreadyAbsent, 3) },
		},
		faultCase{
			name:    "Remove: 422 last customer, then its read gets 503 ×4: Unavailable, not FailedPrecondition",
			op:      opRemove,
			only:    "intercom",
			virtual: true,
			faults: func() []participantstest.Fault {
				return append([]participantstest.Fault{{Method: http.MethodDelete, Status: 422, Body: intercomLastCustomer}},
					repeatFault(4, participantstest.Fault{Method: http.MethodGet, Status: 503, Body: `{}`})...)
			},
			want: func(string) faultWant { return kept(fails(participants.Unavailable, 5, 503)) },
		},
	)
}

// Intercom's error bodies for a detach: the contact is not on the
// conversation; it is the last customer.
const (
	intercomUserNotFound = `{"type":"error.list","errors":[{"code":"not_found","message":"User Not Found"}]}`
	intercomLastCustomer = `{"type":"error.list","errors":[{"code":"parameter_invalid","message":"Removing the last customer is not allowed"}]}`
)
