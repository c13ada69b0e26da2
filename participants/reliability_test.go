package participants_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/internal/apierror"
	"github.com/conversekit/conversekit/internal/transport"
	"github.com/conversekit/conversekit/option"
	"github.com/conversekit/conversekit/participants"
	"github.com/conversekit/conversekit/participants/participantstest"
)

// faultCase is one row of the fault matrix: what the fake (or the wire) does
// to one Client.Add, List or Remove, and what the caller and the fake must
// see.
type faultCase struct {
	name string
	// op is the call the faults hit; the zero value is Add.
	op faultOp
	// only restricts the case to one vendor.
	only string
	// opts are more vendor-client options (after envBase).
	opts func(t testing.TB) []option.Option
	// timeout is the context deadline of the Add; zero means 20s.
	timeout time.Duration
	// faults are injected into the fake before the Add (a func, so that
	// HTTP dates are computed when the case runs).
	faults func() []participantstest.Fault
	want   func(vendor string) faultWant
	// redirect, when set, answers the add with this 3xx status whose
	// Location is a sink server (on another port of the same host name, or
	// on another host name when redirectHost is set) that must see no
	// request.
	redirect     int
	redirectHost bool
	// check, when set, asserts more after the Add.
	check func(t *testing.T, e *env, err error)
	// cancelAfter, when set, cancels the call's context (context.Canceled,
	// not its deadline) that long after the call starts.
	cancelAfter time.Duration
	// byPerson makes a Remove case name person 1 by the identity it was
	// added with instead of its participant ID.
	byPerson bool
	// virtual runs the case in a testing/synctest bubble, its client
	// reaching the fake in memory (newMemEnv): the waits it asserts
	// (Retry-After, deadlines, a stalled server) pass on virtual time.
	// Only for cases whose faults are statuses and delays.
	virtual bool
}

// faultOp is the Client method a faultCase calls.
type faultOp int

const (
	// opAdd adds person 1 to the empty conversation.
	opAdd faultOp = iota
	// opList lists the conversation, which holds person 1.
	opList
	// opRemove removes person 1 by participant ID from the conversation,
	// which holds person 2 as well (Intercom keeps its last customer).
	opRemove
	// opGetAbsent gets person 1, who is not in the conversation, by
	// identity.
	opGetAbsent
	// opRemoveAbsent removes person 1, who is not in the conversation, by
	// identity.
	opRemoveAbsent
)

// faultWant is what a faultCase must produce.
type faultWant struct {
	// outcome is checked when code is OK.
	outcome participants.Outcome
	code    participants.ErrorCode
	// attempts is how many requests of the call reached the fake (those of
	// a List or Remove case's setup not counted).
	attempts int
	// present is how many times the person is in the conversation at the
	// end: 0 or 1 (person 2, kept by a Remove case, not counted).
	present int
	// apiStatus, when set, is the status of the *APIError that errors.As
	// must reach.
	apiStatus int
	// errHas must be in the error message.
	errHas string
	// minElapsed and maxElapsed bound the duration of the Add (generous).
	minElapsed, maxElapsed time.Duration
	// maxAlloc bounds the bytes allocated during the Add.
	maxAlloc uint64
}

// ok is a success with outcome after attempts requests, the person present.
func ok(outcome participants.Outcome, attempts int) faultWant {
	return faultWant{outcome: outcome, attempts: attempts, present: 1}
}

// fails is an error with code after attempts requests, nobody added.
func fails(code participants.ErrorCode, attempts, status int) faultWant {
	return faultWant{code: code, attempts: attempts, apiStatus: status}
}

// anyVendorErrorBody is an error body in the shape of every vendor of the
// matrix (Intercom's error list, Bird's and Twilio's message), with no code
// an adapter branches on.
const anyVendorErrorBody = `{"type":"error.list","errors":[{"message":"injected"}],"message":"injected"}`

// misrouted is the failure of a 404 whose body is not the vendor's error
// shape: Unknown (not NotFound), saying the server does not answer as the
// vendor would.
func misrouted(attempts int) faultWant {
	w := fails(participants.Unknown, attempts, 404)
	w.errHas = "does not answer as"
	return w
}

func repeatFault(n int, f participantstest.Fault) []participantstest.Fault {
	out := make([]participantstest.Fault, n)
	for i := range out {
		out[i] = f
	}
	return out
}

// hugeBodyBytes is the size of the bodies of the "100 MB" cases.
const hugeBodyBytes = 100 << 20

// hugeBody is a lazily generated JSON-looking body of n bytes.
type hugeBody struct{ left int64 }

func (b *hugeBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), b.left))
	for i := range p[:n] {
		p[i] = 'x'
	}
	if b.left == hugeBodyBytes && n >= 6 {
		copy(p, `{"x":"`)
	}
	b.left -= int64(n)
	return n, nil
}

func (b *hugeBody) Close() error { return nil }

// withHugeBody replaces the first response's body by 100 MB generated as it
// is read.
func withHugeBody(t testing.TB) []option.Option {
	return []option.Option{rewriting(t, func(resp *http.Response) {
		resp.Body.Close()
		resp.Body = &hugeBody{left: hugeBodyBytes}
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
		resp.Header.Set("Content-Type", "application/json")
	})}
}

// rewriteBody replaces the first response's body (and Content-Type when ct
// is set): the vendor did the work, the caller gets a broken answer.
func rewriteBody(fn func([]byte) []byte, ct string) func(t testing.TB) []option.Option {
	return func(t testing.TB) []option.Option {
		return []option.Option{rewriting(t, func(resp *http.Response) {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			b = fn(b)
			resp.Body = io.NopCloser(strings.NewReader(string(b)))
			resp.ContentLength = int64(len(b))
			resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
			if ct != "" {
				resp.Header.Set("Content-Type", ct)
			}
		})}
	}
}

func attemptTimeout(d time.Duration) func(testing.TB) []option.Option {
	return func(testing.TB) []option.Option { return []option.Option{option.WithAttemptTimeout(d)} }
}

// faultMatrix is every fault case. Waits are milliseconds (envBase) except
// where the wait itself is asserted.
var faultMatrix = []faultCase{
	{
		name:    "429 Retry-After: 1 (seconds), then success",
		virtual: true,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 429, Body: `{}`, Header: http.Header{"Retry-After": {"1"}}}}
		},
		want: func(v string) faultWant {
			w := ok(added(v), 2)
			w.minElapsed = 900 * time.Millisecond
			return w
		},
	},
	{
		name:    "429 Retry-After as an HTTP date, then success",
		virtual: true,
		faults: func() []participantstest.Fault {
			date := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) // 1s..2s from now
			return []participantstest.Fault{{Status: 429, Body: `{}`, Header: http.Header{"Retry-After": {date}}}}
		},
		want: func(v string) faultWant {
			w := ok(added(v), 2)
			w.minElapsed = 900 * time.Millisecond
			return w
		},
	},
	{
		name:    "429 with only X-RateLimit-Reset, then success",
		virtual: true,
		only:    "intercom",
		faults: func() []participantstest.Fault {
			reset := strconv.FormatInt(time.Now().Unix()+2, 10) // 1s..2s from now
			return []participantstest.Fault{{Status: 429,
				Body:   `{"type":"error.list","request_id":null,"errors":[{"code":"rate_limit_exceeded","message":"Exceeded rate limit"}]}`,
				Header: http.Header{"X-Ratelimit-Limit": {"10000"}, "X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {reset}}}}
		},
		want: func(v string) faultWant {
			w := ok(added(v), 2)
			w.minElapsed = 900 * time.Millisecond
			return w
		},
	},
	{
		name:    "429 forever: RateLimited after the retry budget",
		timeout: 10 * time.Second,
		faults: func() []participantstest.Fault {
			return repeatFault(10, participantstest.Fault{Status: 429, Body: `{}`})
		},
		want: func(string) faultWant {
			w := fails(participants.RateLimited, 4, 429)
			w.errHas = "gave up after 4 attempts"
			w.maxElapsed = 5 * time.Second
			return w
		},
	},
	{
		name:    "429 Retry-After past the deadline: RateLimited at once",
		timeout: 3 * time.Second,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 429, Body: `{}`, Header: http.Header{"Retry-After": {"60"}}}}
		},
		want: func(string) faultWant {
			w := fails(participants.RateLimited, 1, 429)
			w.errHas = "passes the context deadline"
			w.maxElapsed = 2 * time.Second
			return w
		},
	},
	statusThenSuccess(500, `{}`, ""),
	statusThenSuccess(502, `{}`, ""),
	statusThenSuccess(503, `{}`, ""),
	statusThenSuccess(504, `{}`, ""),
	{
		name: "500, 502, 503 in a row, then success",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 500}, {Status: 502}, {Status: 503}}
		},
		want: func(v string) faultWant { return ok(added(v), 4) },
	},
	statusThenSuccess(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html"),
	statusThenSuccess(502, "", ""),
	{
		name: "503 Retry-After: 3600 (idempotent): not retried, Unavailable, not \"rate limited\"",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 503, Body: `{}`, Header: http.Header{"Retry-After": {"3600"}}}}
		},
		want: func(string) faultWant {
			w := fails(participants.Unavailable, 1, 503)
			w.errHas = "not retried: the vendor asked to wait 1h0m0s"
			w.maxElapsed = 2 * time.Second
			return w
		},
	},
	{
		name: "404 with a truncated JSON body",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 404, Body: `{"type":"error.list","errors":[{"code":"not_fo`}}
		},
		// Not the vendor's error shape: nothing says what is missing.
		want: func(string) faultWant { return misrouted(1) },
	},
	{
		name: "404 with an empty body",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 404}}
		},
		want: func(string) faultWant { return misrouted(1) },
	},
	{
		name: "404 with a JSON body sent as text/plain",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 404, Body: `{"code":20404,"message":"not found"}`, Header: http.Header{"Content-Type": {"text/plain"}}}}
		},
		want: func(v string) faultWant {
			switch v {
			case "twilio": // a 20404 to a create is settled by a read (the re-add hazard)
				return fails(participants.NotFound, 2, 404)
			case "intercom": // Twilio's error shape, not Intercom's
				return misrouted(1)
			}
			return fails(participants.NotFound, 1, 404)
		},
	},
	{
		name: "2xx sent as text/plain (added, body intact)",
		opts: rewriteBody(func(b []byte) []byte { return b }, "text/plain; charset=utf-8"),
		want: func(v string) faultWant { return ok(added(v), 1) },
	},
	{
		name: "2xx with its JSON body truncated (added, answer lost)",
		opts: rewriteBody(func(b []byte) []byte { return b[:len(b)/2] }, ""),
		want: func(string) faultWant {
			return faultWant{code: participants.Unknown, attempts: 1, present: 1, errHas: "JSON"}
		},
	},
	{
		name: "2xx with an empty body (added, answer lost)",
		opts: rewriteBody(func([]byte) []byte { return nil }, ""),
		want: func(string) faultWant { return faultWant{code: participants.Unknown, attempts: 1, present: 1} },
	},
	{
		name: "2xx whose body is {} (added, no participant in the answer)",
		opts: rewriteBody(func([]byte) []byte { return []byte(`{}`) }, ""),
		want: func(string) faultWant {
			return faultWant{code: participants.Unknown, attempts: 1, present: 1, errHas: "2xx without"}
		},
	},
	{
		name: `2xx whose body is {"status":"ok"} (added, no participant in the answer)`,
		opts: rewriteBody(func([]byte) []byte { return []byte(`{"status":"ok"}`) }, ""),
		want: func(string) faultWant {
			return faultWant{code: participants.Unknown, attempts: 1, present: 1, errHas: "2xx without"}
		},
	},
	{
		name: "2xx whose body is null (added, no participant in the answer)",
		opts: rewriteBody(func([]byte) []byte { return []byte(`null`) }, ""),
		want: func(string) faultWant {
			return faultWant{code: participants.Unknown, attempts: 1, present: 1, errHas: "2xx without"}
		},
	},
	{
		name: "2xx whose body is [] (added, no participant in the answer)",
		opts: rewriteBody(func([]byte) []byte { return []byte(`[]`) }, ""),
		want: func(string) faultWant {
			return faultWant{code: participants.Unknown, attempts: 1, present: 1, errHas: "2xx without"}
		},
	},
	{
		name: "connection reset before any response, then success",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Drop: true}}
		},
		want: func(v string) faultWant { return ok(added(v), 2) },
	},
	{
		name: "added, then the response lost: the retry reports it present",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{CommitThenDrop: true}}
		},
		want: func(v string) faultWant {
			if v == "twilio" { // POST, POST (50416), GET list
				return ok(present(v), 3)
			}
			return ok(present(v), 2)
		},
	},
	{
		name:    "server slower than the attempt timeout, then success",
		virtual: true,
		opts:    attemptTimeout(300 * time.Millisecond),
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Delay: 10 * time.Second}}
		},
		want: func(v string) faultWant {
			w := ok(added(v), 2)
			w.minElapsed = 250 * time.Millisecond
			w.maxElapsed = 5 * time.Second
			return w
		},
	},
	{
		name:    "context deadline while the server stalls",
		virtual: true,
		timeout: 300 * time.Millisecond,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Delay: 10 * time.Second}}
		},
		want: func(string) faultWant {
			w := fails(participants.DeadlineExceeded, 1, 0)
			w.maxElapsed = 3 * time.Second
			return w
		},
	},
	{
		name:    "503, then the deadline passes during the backoff",
		virtual: true,
		timeout: 300 * time.Millisecond,
		opts: func(testing.TB) []option.Option {
			return []option.Option{option.WithRetryWait(10*time.Second, 10*time.Second)}
		},
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 503, Body: `{}`}}
		},
		want: func(string) faultWant {
			// DeadlineExceeded, with the 503 still reachable.
			w := fails(participants.DeadlineExceeded, 1, 503)
			w.maxElapsed = 3 * time.Second
			return w
		},
	},
	{
		name: "100 MB 2xx body (added): bounded memory, body too large",
		opts: withHugeBody,
		want: func(string) faultWant {
			return faultWant{code: participants.Unknown, attempts: 1, present: 1, errHas: "response body too large", maxAlloc: 32 << 20}
		},
	},
	{
		name: "100 MB 404 body: bounded memory, truncated",
		opts: withHugeBody,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 404}}
		},
		want: func(string) faultWant {
			w := fails(participants.Unknown, 1, 404) // not the vendor's error shape
			w.errHas = "(body truncated)"
			w.maxAlloc = 32 << 20
			return w
		},
	},
	redirectCase(301, false), redirectCase(302, false), redirectCase(303, false),
	redirectCase(307, false), redirectCase(308, false),
	redirectCase(307, true), redirectCase(308, true),
	{
		name: "added, then the answer cut mid-body (FIN): the retry reports it present",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{CommitThenCut: true}}
		},
		want: commitThenRetry,
	},
	{
		name: "added, then the answer cut mid-body (reset): the retry reports it present",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{CommitThenCut: true, Reset: true}}
		},
		want: commitThenRetry,
	},
	duplicateLookupCase("bird", participantstest.Fault{Status: 409, Body: `{"code":"Conflict","message":"participant exists"}`}),
	duplicateLookupCase("twilio", participantstest.Fault{Status: 409, Body: `{"code":50416,"message":"binding exists","status":409}`}),
	duplicateDeadlineCase("bird", participantstest.Fault{Status: 409, Body: `{"code":"Conflict","message":"participant exists"}`}),
	duplicateDeadlineCase("twilio", participantstest.Fault{Status: 409, Body: `{"code":50433,"message":"identity exists","status":409}`}),
	{
		name: "429 with an 8 MiB header, then success: header refused, bounded memory",
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 429, Body: `{}`, Header: http.Header{"X-Filler": {strings.Repeat("h", 8<<20)}}}}
		},
		want: func(v string) faultWant {
			w := ok(added(v), 2)
			w.maxAlloc = 24 << 20
			return w
		},
	},
	{
		name:    "shared 429 pause past a later call's deadline: RateLimited at once, nothing sent",
		timeout: time.Second,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 429, Body: `{}`, Header: http.Header{"Retry-After": {"5"}}}}
		},
		want: func(string) faultWant {
			w := fails(participants.RateLimited, 1, 429)
			w.maxElapsed = 2 * time.Second
			return w
		},
		check: func(t *testing.T, e *env, _ error) {
			// The first Add's 429 paused the client for 5s; a second Add
			// with a 500ms deadline must not wait it out in vain.
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := e.client.Add(ctx, e.conv, e.person(2))
			elapsed := time.Since(start)
			if participants.Code(err) != participants.RateLimited || errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("second Add: code %v (err %v), want RateLimited before the deadline", participants.Code(err), err)
			}
			var api *apierror.Error
			if !errors.As(err, &api) || api.StatusCode != 429 || api.RetryAfter < 3*time.Second || api.Attempts != 0 {
				t.Errorf("second Add: errors.As(*APIError) = %+v, want the 429 with what is left of the 5s and 0 attempts", api)
			}
			if elapsed > 300*time.Millisecond {
				t.Errorf("second Add took %s, want at once", elapsed)
			}
			if n := e.srv.Requests(); n != 1 {
				t.Errorf("requests at the fake = %d, want the first Add's only", n)
			}
		},
	},
	clientError(401, participants.Unauthenticated),
	clientError(403, participants.PermissionDenied),
	clientError(404, participants.NotFound),
	clientError(422, participants.InvalidArgument),

	// List and Remove: the faults that matter to them, each with a fake of
	// its own holding person 1 (and person 2 for Remove). Remove's faults
	// hit its DELETE, the request that removes.
	{
		name:    "List: 429 Retry-After: 1, then success: retried after one pause",
		op:      opList,
		virtual: true,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 429, Body: `{}`, Header: http.Header{"Retry-After": {"1"}}}}
		},
		want: func(string) faultWant { return onePause(listOK(2)) },
	},
	{
		name:    "List: 503, then success: retried",
		op:      opList,
		virtual: true,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 503, Body: `{}`}}
		},
		want: func(string) faultWant { return listOK(2) },
	},
	{
		name:    "List: 401: Unauthenticated, not retried",
		op:      opList,
		virtual: true,
		faults: func() []participantstest.Fault {
			return repeatFault(3, participantstest.Fault{Status: 401, Body: `{}`})
		},
		want: func(string) faultWant { return kept(fails(participants.Unauthenticated, 1, 401)) },
	},
	deadlineInBackoff(opList),
	{
		name:    "Remove: 429 Retry-After: 1 on the DELETE, then success: retried after one pause",
		op:      opRemove,
		virtual: true,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Method: http.MethodDelete, Status: 429, Body: `{}`, Header: http.Header{"Retry-After": {"1"}}}}
		},
		want: func(string) faultWant { return onePause(removed(participants.Removed, 2)) },
	},
	{
		name:    "Remove: 503 on the DELETE, then success: retried",
		op:      opRemove,
		virtual: true,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Method: http.MethodDelete, Status: 503, Body: `{}`}}
		},
		want: func(string) faultWant { return removed(participants.Removed, 2) },
	},
	{
		name:    "Remove: removed, then the DELETE's response lost: the retry ends in success, participant gone",
		op:      opRemove,
		virtual: true,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Method: http.MethodDelete, CommitThenDrop: true}}
		},
		want: func(string) faultWant {
			// DELETE (lost), DELETE (404), a read of the conversation:
			// it exists and no longer holds the participant.
			return removed(participants.AlreadyAbsent, 3)
		},
	},
	{
		name:    "Remove: 401 on the DELETE: Unauthenticated, not retried",
		op:      opRemove,
		virtual: true,
		faults: func() []participantstest.Fault {
			return repeatFault(3, participantstest.Fault{Method: http.MethodDelete, Status: 401, Body: `{}`})
		},
		want: func(string) faultWant { return kept(fails(participants.Unauthenticated, 1, 401)) },
	},
	{
		name:    "Remove: 403 on the DELETE: not retried",
		op:      opRemove,
		virtual: true,
		faults: func() []participantstest.Fault {
			return repeatFault(3, participantstest.Fault{Method: http.MethodDelete, Status: 403, Body: `{}`})
		},
		want: func(v string) faultWant {
			if v == "bird" { // Bird's 403 to a removal is about the conversation
				return kept(fails(participants.FailedPrecondition, 1, 403))
			}
			return kept(fails(participants.PermissionDenied, 1, 403))
		},
	},
	deadlineInBackoff(opRemove),
}

func init() {
	// Issue 18 item 3: a failed check keeps its error. Where Twilio's
	// answer needs a second request to be settled (a 404 to a DELETE or a
	// create, a participant looked up by address), that request's failure
	// (503, the deadline, a cancel) is the result, never NotFound,
	// AlreadyAbsent or AlreadyExists.
	faultMatrix = append(faultMatrix, twilioCheckCase("Remove: DELETE 404, then the check of the conversation", opRemove, false, twilio404Delete)...)
	faultMatrix = append(faultMatrix, twilioCheckCase("Remove by Phone: the list that finds the participant", opRemove, true, nil)...)
	faultMatrix = append(faultMatrix, twilioCheckCase("Remove by Phone: list, DELETE 404, then the check of the conversation", opRemove, true,
		[]participantstest.Fault{{Method: http.MethodGet}, twilio404Delete})...)
	faultMatrix = append(faultMatrix, twilioCheckCase("Add: 404/20404 to the create, then the list that looks the participant up", opAdd, false,
		participantstest.Fault{Status: 404, Body: `{"code":20404,"message":"not found","status":404}`})...)
	faultMatrix = append(faultMatrix, twilioCheckCase("Add: duplicate 50416, then the list that checks it", opAdd, false,
		participantstest.Fault{Status: 409, Body: `{"code":50416,"message":"binding exists","status":409}`})...)
}

// twilio404Delete answers a DELETE 404 / 20404 without deleting.
var twilio404Delete = participantstest.Fault{Method: http.MethodDelete, Status: 404, Body: `{"code":20404,"message":"not found","status":404}`}

// twilioCheckCase returns the three fault rows of a Twilio call whose
// second request (after first, a Fault or a []Fault, the faults of the
// requests before it; nil for none) checks or settles what the first
// answered: the check answers 503 four times (Unavailable), stalls past the
// deadline (DeadlineExceeded) or is cancelled (Canceled), and the result is
// that code with the check's error, never NotFound, AlreadyAbsent or
// AlreadyExists. Nothing changes at the fake.
func twilioCheckCase(name string, op faultOp, byPerson bool, first any) []faultCase {
	var before []participantstest.Fault
	switch f := first.(type) {
	case participantstest.Fault:
		before = []participantstest.Fault{f}
	case []participantstest.Fault:
		before = f
	}
	present := 0
	if op == opRemove {
		present = 1
	}
	n := len(before)
	notSettled := func(t *testing.T, _ *env, err error) {
		for _, wrong := range []error{participants.ErrNotFound, participants.ErrAlreadyExists} {
			if errors.Is(err, wrong) {
				t.Errorf("errors.Is(err, %v): %v", wrong, err)
			}
		}
	}
	return []faultCase{
		{
			name: name + " fails (503 ×4): Unavailable", op: op, only: "twilio", byPerson: byPerson, virtual: true,
			faults: func() []participantstest.Fault {
				return append(slices.Clone(before), repeatFault(4, participantstest.Fault{Method: http.MethodGet, Status: 503, Body: `{}`})...)
			},
			want: func(string) faultWant {
				return faultWant{code: participants.Unavailable, attempts: n + 4, apiStatus: 503, present: present}
			},
			check: notSettled,
		},
		{
			name: name + " outlasts the deadline: DeadlineExceeded", op: op, only: "twilio", byPerson: byPerson, virtual: true,
			timeout: 500 * time.Millisecond,
			faults: func() []participantstest.Fault {
				return append(slices.Clone(before), participantstest.Fault{Method: http.MethodGet, Delay: 10 * time.Second})
			},
			want: func(string) faultWant {
				return faultWant{code: participants.DeadlineExceeded, attempts: n + 1, present: present, maxElapsed: time.Second}
			},
			check: notSettled,
		},
		{
			name: name + " is cancelled: Canceled", op: op, only: "twilio", byPerson: byPerson, virtual: true,
			cancelAfter: 500 * time.Millisecond,
			faults: func() []participantstest.Fault {
				return append(slices.Clone(before), participantstest.Fault{Method: http.MethodGet, Delay: 10 * time.Second})
			},
			want: func(string) faultWant {
				return faultWant{code: participants.Canceled, attempts: n + 1, present: present, maxElapsed: time.Second}
			},
			check: notSettled,
		},
	}
}

// listOK is a List that succeeds after attempts requests and yields every
// participant the fake holds.
func listOK(attempts int) faultWant { return faultWant{attempts: attempts, present: 1} }

// removed is a Remove that succeeds with outcome after attempts requests,
// the participant gone.
func removed(outcome participants.Outcome, attempts int) faultWant {
	return faultWant{outcome: outcome, attempts: attempts}
}

// kept is w with the participant still there: a List or a Remove that
// failed changes nothing.
func kept(w faultWant) faultWant {
	w.present = 1
	return w
}

// onePause is w of a call that waited a Retry-After of 1s once: on virtual
// time the call takes that second, and less than a second pause more.
func onePause(w faultWant) faultWant {
	w.minElapsed = time.Second
	w.maxElapsed = 1500 * time.Millisecond
	return w
}

// deadlineInBackoff: op's first request gets a 503 and the backoff before
// the retry (10s) outlasts the deadline (300ms): DeadlineExceeded with the
// 503 reachable, and no request after the deadline.
func deadlineInBackoff(op faultOp) faultCase {
	return faultCase{
		name:    op.String() + ": 503, then the deadline passes during the backoff: DeadlineExceeded, no request after it",
		op:      op,
		virtual: true,
		timeout: 300 * time.Millisecond,
		opts: func(testing.TB) []option.Option {
			return []option.Option{option.WithRetryWait(10*time.Second, 10*time.Second)}
		},
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{{Status: 503, Body: `{}`}}
		},
		want: func(string) faultWant {
			w := kept(fails(participants.DeadlineExceeded, 1, 503))
			w.minElapsed = 300 * time.Millisecond
			w.maxElapsed = 300 * time.Millisecond
			return w
		},
		check: func(t *testing.T, e *env, _ error) {
			// Virtual time: the backoff the deadline cut would have
			// ended long before this sleep does.
			n := e.srv.Requests()
			time.Sleep(time.Minute)
			if after := e.srv.Requests(); after != n {
				t.Errorf("%d requests after the deadline, want none", after-n)
			}
		},
	}
}

// commitThenRetry is the want of an add whose answer was lost after the
// vendor did the work: the retry's answer is the truth.
func commitThenRetry(v string) faultWant {
	if v == "twilio" { // POST, POST (50416), GET list
		return ok(present(v), 3)
	}
	return ok(present(v), 2)
}

// redirectCase answers the add with status and a Location elsewhere.
func redirectCase(status int, otherHost bool) faultCase {
	where := "another port"
	if otherHost {
		where = "another host"
	}
	return faultCase{
		name:         fmt.Sprintf("%d to %s: not followed, no credential or body sent there", status, where),
		redirect:     status,
		redirectHost: otherHost,
		want: func(string) faultWant {
			w := fails(participants.Unavailable, 1, status)
			w.errHas = "redirects are not followed"
			return w
		},
	}
}

// duplicateLookupCase: the vendor answers the add with a duplicate, then the
// lookup of the existing participant gets 503 four times. The lookup decides
// the code; both answers are in the chain.
func duplicateLookupCase(vendor string, dup participantstest.Fault) faultCase {
	return faultCase{
		name: "duplicate answer, then its lookup fails (503 ×4): Unavailable, not AlreadyExists",
		only: vendor,
		faults: func() []participantstest.Fault {
			return append([]participantstest.Fault{dup}, repeatFault(4, participantstest.Fault{Status: 503, Body: `{}`})...)
		},
		want: func(string) faultWant { return fails(participants.Unavailable, 5, 503) },
		check: func(t *testing.T, _ *env, err error) {
			var dle *participants.DuplicateLookupError
			var lookup, first *apierror.Error
			if !errors.As(err, &dle) || !errors.As(dle.Duplicate, &first) || first.StatusCode != 409 ||
				!errors.As(dle.Lookup, &lookup) || lookup.StatusCode != 503 {
				t.Errorf("err = %v, want a *DuplicateLookupError with the 409 and the 503", err)
			}
		},
	}
}

// duplicateDeadlineCase: the lookup that follows a duplicate answer stalls
// past the caller's deadline.
func duplicateDeadlineCase(vendor string, dup participantstest.Fault) faultCase {
	return faultCase{
		name:    "duplicate answer, then the deadline passes during its lookup: DeadlineExceeded",
		virtual: true,
		only:    vendor,
		timeout: 500 * time.Millisecond,
		faults: func() []participantstest.Fault {
			return []participantstest.Fault{dup, {Delay: 10 * time.Second}}
		},
		want: func(string) faultWant {
			w := fails(participants.DeadlineExceeded, 2, 409)
			w.maxElapsed = 3 * time.Second
			return w
		},
		check: func(t *testing.T, _ *env, err error) {
			var dle *participants.DuplicateLookupError
			if !errors.As(err, &dle) || !errors.Is(dle.Lookup, context.DeadlineExceeded) {
				t.Errorf("err = %v, want a *DuplicateLookupError whose lookup ended with the deadline", err)
			}
		},
	}
}

func statusThenSuccess(status int, body, contentType string) faultCase {
	name := fmt.Sprintf("%d, then success", status)
	switch {
	case contentType == "text/html":
		name = fmt.Sprintf("%d with an HTML body, then success", status)
	case body == "":
		name = fmt.Sprintf("%d with an empty body, then success", status)
	}
	return faultCase{
		name: name,
		faults: func() []participantstest.Fault {
			f := participantstest.Fault{Status: status, Body: body}
			if contentType != "" {
				f.Header = http.Header{"Content-Type": {contentType}}
			}
			return []participantstest.Fault{f}
		},
		want: func(v string) faultWant { return ok(added(v), 2) },
	}
}

func clientError(status int, code participants.ErrorCode) faultCase {
	return faultCase{
		name: fmt.Sprintf("%d: not retried", status),
		faults: func() []participantstest.Fault {
			return repeatFault(3, participantstest.Fault{Status: status, Body: anyVendorErrorBody})
		},
		want: func(string) faultWant { return fails(code, 1, status) },
	}
}

// matrixRow is one line of the table TestFaultMatrix logs.
type matrixRow struct {
	order                               int
	name, vendor, outcome, attempts, at string
}

// TestFaultMatrix runs every fault case against every vendor's fake through
// Client.Add. With -v it logs the matrix as a table:
//
//	go test ./participants -run TestFaultMatrix -v
func TestFaultMatrix(t *testing.T) {
	var (
		mu   sync.Mutex
		rows []matrixRow
	)
	record := func(r matrixRow) {
		mu.Lock()
		rows = append(rows, r)
		mu.Unlock()
	}
	run := func(t *testing.T, i int, tc faultCase, vendor string) {
		var row matrixRow
		if tc.virtual {
			synctest.Test(t, func(t *testing.T) { row = runFaultCase(t, tc, vendor) })
		} else {
			row = runFaultCase(t, tc, vendor)
		}
		col := slices.Index(vendors, vendor)
		if col < 0 { // sunshine, after the others
			col = len(vendors)
		}
		row.order = i*(len(vendors)+1) + col
		record(row)
	}

	// Cases that measure memory run alone, first; the others run each
	// vendor's column in parallel.
	for i, tc := range faultMatrix {
		if tc.want("").maxAlloc == 0 {
			continue
		}
		for _, v := range vendors {
			t.Run(v+"/"+tc.name, func(t *testing.T) { run(t, i, tc, v) })
		}
	}
	t.Run("parallel", func(t *testing.T) {
		// Sunshine runs only the rows marked for it.
		for _, v := range append(vendors[:len(vendors):len(vendors)], "sunshine") {
			t.Run(v, func(t *testing.T) {
				t.Parallel()
				for i, tc := range faultMatrix {
					if tc.want("").maxAlloc != 0 || (tc.only != "" && tc.only != v) || (tc.only == "" && !slices.Contains(vendors, v)) {
						continue
					}
					t.Run(tc.name, func(t *testing.T) {
						// Every row has its own fake: the rows run side
						// by side (those that wait, on virtual time).
						t.Parallel()
						run(t, i, tc, v)
					})
				}
			})
		}
	})

	slices.SortFunc(rows, func(a, b matrixRow) int { return a.order - b.order })
	var b strings.Builder
	b.WriteString("\n| case | vendor | outcome | attempts | participants at end |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.name, r.vendor, r.outcome, r.attempts, r.at)
	}
	t.Log(b.String())
}

func runFaultCase(t *testing.T, tc faultCase, vendor string) matrixRow {
	want := tc.want(vendor)
	var opts []option.Option
	if tc.opts != nil {
		opts = tc.opts(t)
	}
	e := newEnvOf(t, vendor, tc.virtual, opts)
	target := setUpFaultOp(t, e, tc.op)
	if tc.byPerson {
		target = e.person(1)
	}
	base := e.srv.Requests()
	if tc.faults != nil {
		e.srv.InjectFaults(tc.faults()...)
	}
	var sinkHits atomic.Int32
	if tc.redirect != 0 {
		sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sinkHits.Add(1)
			io.WriteString(w, `{"id":"p-other","sid":"MBother","customers":[],"participants":[]}`)
		}))
		t.Cleanup(sink.Close)
		loc := sink.URL + "/participants"
		if tc.redirectHost {
			loc = strings.Replace(loc, "127.0.0.1", "localhost", 1)
		}
		e.srv.InjectFaults(participantstest.Fault{Status: tc.redirect, Header: http.Header{"Location": {loc}}})
	}
	timeout := tc.timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if tc.cancelAfter > 0 {
		stop := time.AfterFunc(tc.cancelAfter, cancel)
		defer stop.Stop()
	}

	var before runtime.MemStats
	if want.maxAlloc > 0 {
		runtime.GC()
		runtime.ReadMemStats(&before)
	}
	start := time.Now()
	res, listed, err := callFaultOp(ctx, e, tc.op, target)
	elapsed := time.Since(start)
	if want.maxAlloc > 0 {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		d := after.TotalAlloc - before.TotalAlloc
		t.Logf("allocated %d KiB during Add", d>>10)
		if d > want.maxAlloc {
			t.Errorf("allocated %d MiB during Add, want at most %d MiB", d>>20, want.maxAlloc>>20)
		}
	}

	row := matrixRow{name: tc.name, vendor: vendor}
	switch {
	case err != nil:
		row.outcome = "error " + participants.Code(err).String()
	case res != nil:
		row.outcome = res.Outcome.String()
	default:
		row.outcome = fmt.Sprintf("listed %d", listed)
	}
	attempts := e.srv.Requests() - base
	row.attempts = strconv.Itoa(attempts)
	at := e.count()
	if tc.op == opRemove {
		at-- // person 2
	}
	row.at = strconv.Itoa(at)

	switch {
	case want.code == participants.OK && err != nil:
		t.Fatalf("%s: %v", tc.op, err)
	case want.code == participants.OK && tc.op == opList:
		if n := e.count(); listed != n {
			t.Errorf("List yielded %d participants, the fake holds %d", listed, n)
		}
	case want.code == participants.OK:
		if res.Outcome != want.outcome {
			t.Errorf("Outcome = %v, want %v", res.Outcome, want.outcome)
		}
	default:
		if listed != 0 {
			t.Errorf("List yielded %d participants before its error, want none", listed)
		}
		if got := participants.Code(err); got != want.code {
			t.Errorf("Code = %v, want %v (err: %v)", got, want.code, err)
		}
		var pe *participants.Error
		if !errors.As(err, &pe) || pe.Provider != vendor {
			t.Errorf("err is not a *participants.Error of %s: %#v", vendor, err)
		}
		if want.apiStatus != 0 {
			var api *apierror.Error
			if !errors.As(err, &api) || api.StatusCode != want.apiStatus {
				t.Errorf("errors.As(*APIError) = %v, want status %d (err: %v)", api, want.apiStatus, err)
			}
		}
		switch want.code {
		case participants.DeadlineExceeded:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("errors.Is(err, context.DeadlineExceeded) = false: %v", err)
			}
		case participants.Canceled:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("errors.Is(err, context.Canceled) = false: %v", err)
			}
		case participants.Unknown:
			if strings.Contains(want.errHas, "too large") && !errors.Is(err, transport.ErrBodyTooLarge) {
				t.Errorf("errors.Is(err, transport.ErrBodyTooLarge) = false: %v", err)
			}
		}
	}
	if err != nil && want.errHas != "" && !strings.Contains(err.Error(), want.errHas) {
		t.Errorf("error %q does not say %q", err, want.errHas)
	}
	if attempts != want.attempts {
		t.Errorf("requests that reached the fake = %d, want %d", attempts, want.attempts)
	}
	if n := sinkHits.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
	if tc.check != nil {
		tc.check(t, e, err)
	}
	if at != want.present {
		t.Errorf("participants at the end = %d, want %d", at, want.present)
	}
	if want.minElapsed > 0 && elapsed < want.minElapsed {
		t.Errorf("%s took %s, want at least %s", tc.op, elapsed, want.minElapsed)
	}
	if want.maxElapsed > 0 && elapsed > want.maxElapsed {
		t.Errorf("%s took %s, want at most %s", tc.op, elapsed, want.maxElapsed)
	}
	return row
}

func (op faultOp) String() string {
	switch op {
	case opList:
		return "List"
	case opRemove:
		return "Remove"
	case opGetAbsent:
		return "Get (absent)"
	case opRemoveAbsent:
		return "Remove (absent)"
	}
	return "Add"
}

// setUpFaultOp brings e's conversation to the state op starts from, before
// any fault, and returns whom a Remove names: person 1 by the participant
// ID the vendor gave (Intercom's Add reports none: its new customer's
// contact ID).
func setUpFaultOp(t *testing.T, e *env, op faultOp) participants.Participant {
	t.Helper()
	switch op {
	case opList:
		must(e.client.Add(t.Context(), e.conv, e.person(1)))(t)
	case opRemove:
		must(e.client.Add(t.Context(), e.conv, e.person(2)))(t)
		var kept []participantstest.IntercomCustomer
		if e.vendor == "intercom" {
			kept = e.intercom.Customers(e.conv)
		}
		id := must(e.client.Add(t.Context(), e.conv, e.person(1)))(t).ID
		if e.vendor == "intercom" {
			for _, c := range e.intercom.Customers(e.conv) {
				if !slices.Contains(kept, c) {
					id = c.ID
				}
			}
		}
		if id == "" {
			t.Fatal("no participant ID for person 1")
		}
		return participants.Participant{ParticipantID: id}
	}
	return e.person(1)
}

// callFaultOp makes op's call: Add or Remove of p, or a List whose
// participants it counts.
func callFaultOp(ctx context.Context, e *env, op faultOp, p participants.Participant) (res *participants.Result, listed int, err error) {
	switch op {
	case opList:
		for _, err := range e.client.List(ctx, e.conv) {
			if err != nil {
				return nil, listed, err
			}
			listed++
		}
		return nil, listed, nil
	case opRemove, opRemoveAbsent:
		res, err = e.client.Remove(ctx, e.conv, p)
	case opGetAbsent:
		_, err = e.client.Get(ctx, e.conv, p)
	default:
		res, err = e.client.Add(ctx, e.conv, p)
	}
	return res, 0, err
}
