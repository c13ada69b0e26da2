package participants_test

// The fault-matrix rows of the multi-request paths of the Bird and Sunshine
// adapters: where a call reads again to settle an answer (is the
// conversation there, what type is it), a failure of that read decides the
// code, never the answer it was meant to settle.

import (
	"net/http"
	"time"

	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

func init() {
	faultMatrix = append(faultMatrix, birdSunshineFaultRows...)
}

// unavailable4 is a 503 four times: the first attempt and the three
// retries of envBase.
func unavailable4() []participantstest.Fault {
	return repeatFault(4, participantstest.Fault{Status: 503, Body: `{}`})
}

// settleFails is a row of vendor's op: the faults before the settling
// read pass (pass of them), then that read fails 503 on every attempt:
// Unavailable with the 503 reachable, after pass+4 requests.
func settleFails(vendor, name string, op faultOp, pass []participantstest.Fault) faultCase {
	return faultCase{
		name: name,
		op:   op,
		only: vendor,
		faults: func() []participantstest.Fault {
			return append(append([]participantstest.Fault(nil), pass...), unavailable4()...)
		},
		want: func(string) faultWant { return fails(participants.Unavailable, len(pass)+4, 503) },
	}
}

// settleDeadline is a row of vendor's op: the settling read stalls past
// the deadline: DeadlineExceeded, with the first answer (status) in the
// chain.
func settleDeadline(vendor, name string, op faultOp, pass []participantstest.Fault, status int) faultCase {
	return faultCase{
		name:    name,
		op:      op,
		only:    vendor,
		virtual: true,
		timeout: 500 * time.Millisecond,
		faults: func() []participantstest.Fault {
			return append(append([]participantstest.Fault(nil), pass...), participantstest.Fault{Delay: 10 * time.Second})
		},
		want: func(string) faultWant {
			w := fails(participants.DeadlineExceeded, len(pass)+1, status)
			w.maxElapsed = 3 * time.Second
			return w
		},
	}
}

// keptBy is tc with the participant still there at the end.
func keptBy(tc faultCase) faultCase {
	want := tc.want
	tc.want = func(v string) faultWant { return kept(want(v)) }
	return tc
}

var (
	// birdLookup404 passes Bird's lookup by identity: the person is
	// absent, the fake answers 404.
	birdLookup404 = []participantstest.Fault{{}}
	// sunJoin400 is Sunshine's Add up to the read of the conversation's
	// type: the list (absent), the join refused with a 400, the list again
	// (still absent).
	sunJoin400 = []participantstest.Fault{{}, {Status: 400, Body: `{"errors":[{"code":"bad_request","title":"Invalid body"}]}`}, {}}
	// sunLeave404 is a leave answered with a 404 that does not say what
	// is missing, so that Remove reads the conversation.
	sunLeave404 = []participantstest.Fault{{Status: 404, Body: "<html>Not Found</html>", Header: http.Header{"Content-Type": {"text/html"}}}}
)

var birdSunshineFaultRows = []faultCase{
	settleFails("bird", "Get (absent): 404, then the check of the conversation fails (503 ×4): Unavailable, not NotFound", opGetAbsent, birdLookup404),
	settleFails("bird", "Remove (absent): 404, then the check of the conversation fails (503 ×4): Unavailable, not NotFound", opRemoveAbsent, birdLookup404),
	settleDeadline("bird", "Remove (absent): 404, then the deadline passes during the check: DeadlineExceeded", opRemoveAbsent, birdLookup404, 404),
	keptBy(settleFails("bird", "Remove: the DELETE's 404, then the check fails (503 ×4): Unavailable", opRemove, []participantstest.Fault{{Method: http.MethodDelete, Status: 404, Body: `{"code":"ResourceNotFound","message":"gone"}`}})),

	settleFails("sunshine", "the read before the join fails (503 ×4): Unavailable, nothing joined", opAdd, nil),
	settleFails("sunshine", "join 400, then the read of the conversation's type fails (503 ×4): Unavailable, not InvalidArgument", opAdd, sunJoin400),
	settleDeadline("sunshine", "join 400, then the deadline passes during the read of the type: DeadlineExceeded", opAdd, sunJoin400, 400),
	settleFails("sunshine", "join 409, then the lookup fails (503 ×4): Unavailable, not AlreadyExists", opAdd, []participantstest.Fault{{}, {Status: 409, Body: `{"errors":[{"code":"conflict","title":"x"}]}`}}),
	settleFails("sunshine", "Remove (absent): an ambiguous 404, then the read of the conversation fails (503 ×4): Unavailable", opRemoveAbsent, sunLeave404),
	settleDeadline("sunshine", "Remove (absent): an ambiguous 404, then the deadline passes during the read: DeadlineExceeded", opRemoveAbsent, sunLeave404, 404),
	settleFails("sunshine", "Get: a page of the list fails (503 ×4): Unavailable", opGetAbsent, nil),
}
