package bird

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// declared answers status with body and the given declared Content-Length,
// whatever the body's real length.
func declared(status int, body string, n int64) func() (*http.Response, error) {
	return func() (*http.Response, error) {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: n}, nil
	}
}

// An added participant is decoded whatever Content-Length announces: the
// exact length, none, or a length over 1 MiB that the body does not reach
// (a large announced length is not allocated up front).
func TestAddParticipantDeclaredLength(t *testing.T) {
	for _, n := range []int64{int64(len(seed201)), -1, 3 << 20} {
		c, _, _ := newClient(t, []func() (*http.Response, error){declared(201, seed201, n)})
		res, err := c.AddParticipant(context.Background(), ws, conv, ContactByIdentifier("emailaddress", "john.doe@bird.com"))
		if err != nil || !res.Created {
			t.Errorf("declared %d: %+v, %v", n, res, err)
		}
	}
}

// Limit is accepted from 1 to 100 and refused outside, before any request.
func TestListLimitBounds(t *testing.T) {
	for _, limit := range []int{1, 100} {
		c, _, rec := newClient(t, []func() (*http.Response, error){jsonResp(200, `{"results":[]}`)})
		if _, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{Limit: limit}); err != nil {
			t.Errorf("limit %d: %v", limit, err)
		} else if q := rec.last(t).Query; !strings.Contains(q, "limit=") {
			t.Errorf("limit %d: query %q", limit, q)
		}
	}
	for _, limit := range []int{-1, 101} {
		c, mock, _ := newClient(t, nil)
		_, err := c.ListParticipants(context.Background(), ws, conv, &ListParticipantsParams{Limit: limit})
		if err == nil || !strings.Contains(err.Error(), "params.Limit") {
			t.Errorf("limit %d: %v", limit, err)
		}
		if n := mock.GetTotalCallCount(); n != 0 {
			t.Errorf("limit %d: %d requests", limit, n)
		}
	}
}

// A context that ends while the request is in flight comes back as it is;
// a transport failure names the vendor once.
func TestErrorsNotRewrapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		waiting := func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		}
		for _, mk := range []func() (context.Context, context.CancelFunc){
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(50*time.Millisecond, cancel)
				return ctx, cancel
			},
		} {
			c, mock, _ := newClient(t, nil)
			mock.RegisterNoResponder(waiting)
			ctx, cancel := mk()
			_, err := c.ListParticipants(ctx, ws, conv, nil)
			if err == nil || err.Error() != ctx.Err().Error() || !errors.Is(err, ctx.Err()) {
				t.Errorf("in flight: %v, want %v as it is", err, ctx.Err())
			}
			cancel()
		}

		refused := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		c, _, _ := newClient(t, []func() (*http.Response, error){failResp(refused)})
		_, err := c.ListParticipants(context.Background(), ws, conv, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "bird: ") || strings.Count(err.Error(), "bird: ") != 1 || !errors.Is(err, refused) {
			t.Errorf("transport failure: %v, want one bird: prefix", err)
		}
	})
}

// A read documented as 200 refuses any other 2xx; a 200 decodes whatever its
// Content-Type.
func TestOK200(t *testing.T) {
	for _, status := range []int{201, 204} {
		c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(status, `{"results":[]}`)})
		_, err := c.ListParticipants(context.Background(), ws, conv, nil)
		if err == nil || !strings.Contains(err.Error(), "unexpected HTTP status") {
			t.Errorf("%d: %v, want unexpected HTTP status", status, err)
		}
	}
	c, _, _ := newClient(t, []func() (*http.Response, error){resp(200, "text/plain", `{"results":[`+seed201+`],"nextPageToken":"p2"}`)})
	list, err := c.ListParticipants(context.Background(), ws, conv, nil)
	if err != nil || list == nil || len(list.Results) != 1 || list.NextPageToken != "p2" {
		t.Errorf("200 as text/plain: %+v, %v", list, err)
	}
}

// The request ID comes from the first of the usual headers that is set.
func TestRequestIDHeaderOrder(t *testing.T) {
	c, _, _ := newClient(t, []func() (*http.Response, error){jsonResp(400, `{"code":"Bad","message":"no"}`, "X-Request-Id", "first-id", "Request-Id", "second-id")})
	_, err := c.ListParticipants(context.Background(), ws, conv, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "first-id" {
		t.Errorf("RequestID = %+v, want first-id", apiErr)
	}
}

// A refused status is quoted whole up to 200 bytes and clipped beyond.
func TestStatusQuotedOrClipped(t *testing.T) {
	for _, tc := range []struct {
		n       int
		clipped bool
	}{{200, false}, {201, true}} {
		s := strings.Repeat("s", tc.n)
		c, _, _ := newClient(t, nil)
		_, err := c.AddParticipant(context.Background(), ws, conv, UserParticipant("u1", WithStatus(ParticipantStatus(s))))
		if err == nil {
			t.Fatalf("status of %d bytes accepted", tc.n)
		}
		if got := strings.Contains(err.Error(), "…"); got != tc.clipped || !strings.Contains(err.Error(), strings.Repeat("s", 200)) {
			t.Errorf("%d bytes: %v (clipped %v, want %v)", tc.n, err, got, tc.clipped)
		}
	}
}
