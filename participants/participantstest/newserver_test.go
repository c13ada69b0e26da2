package participantstest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/participants/participantstest"
)

// echo is a handler that counts the requests it serves and answers 201
// with the method, path and body it received.
type echo struct {
	mu     sync.Mutex
	served int
}

func (e *echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.served++
	e.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, "%s %s %d %s", r.Method, r.URL.Path, r.ContentLength, b)
}

func (e *echo) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.served
}

func newEcho(t *testing.T) (*participantstest.Server, *echo) {
	t.Helper()
	h := &echo{}
	s := participantstest.NewServer(h)
	t.Cleanup(s.Close)
	return s, h
}

// Every fake, and any handler NewServer wraps, is a Fake.
var _ participantstest.Fake = (*participantstest.Server)(nil)
var _ participantstest.Fake = (*participantstest.BirdServer)(nil)

func TestNewServerServesHandler(t *testing.T) {
	s, h := newEcho(t)
	r := mustSend(t, http.MethodPut, s.URL()+"/a/b", hdr("Authorization", "Bearer x", "X-Test", "1"), "hello")
	wantStatus(t, r, http.StatusCreated)
	if got, want := string(r.body), "PUT /a/b 5 hello"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	log := s.RequestLog()
	if s.Requests() != 1 || len(log) != 1 || log[0].Method != http.MethodPut || log[0].Path != "/a/b" ||
		string(log[0].Body) != "hello" || log[0].Header.Get("X-Test") != "1" || log[0].Header.Get("Authorization") != "" {
		t.Errorf("Requests = %d, log = %+v", s.Requests(), log)
	}
	if h.count() != 1 {
		t.Errorf("handler served %d, want 1", h.count())
	}
}

func TestNewServerFaults(t *testing.T) {
	s, h := newEcho(t)
	s.InjectFaults(
		participantstest.Fault{Status: http.StatusServiceUnavailable, Body: "busy"},
		participantstest.Fault{CommitThenDrop: true},
		participantstest.Fault{CommitThenCut: true},
	)
	wantStatus(t, mustSend(t, http.MethodPost, s.URL()+"/x", nil, "1"), http.StatusServiceUnavailable)
	if h.count() != 0 {
		t.Fatal("a Status fault reached the handler")
	}
	if _, err := send(t, http.MethodPost, s.URL()+"/x", nil, "2"); err == nil {
		t.Fatal("CommitThenDrop: no client error")
	}
	if _, err := send(t, http.MethodPost, s.URL()+"/x", nil, "3"); err == nil {
		t.Fatal("CommitThenCut: no client error")
	}
	if h.count() != 2 {
		t.Fatalf("handler served %d, want 2 (both commits)", h.count())
	}
	if got := string(mustSend(t, http.MethodPost, s.URL()+"/x", nil, "4").body); got != "POST /x 1 4" {
		t.Errorf("body = %q", got)
	}
	if n := s.Requests(); n != 4 {
		t.Errorf("Requests = %d, want 4", n)
	}
}

func TestNewServerRateLimit(t *testing.T) {
	s, h := newEcho(t)
	s.SetRateLimit(1, 1500*time.Millisecond)
	wantStatus(t, mustSend(t, http.MethodGet, s.URL()+"/x", nil, ""), http.StatusCreated)
	r := mustSend(t, http.MethodGet, s.URL()+"/x", nil, "")
	wantStatus(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") != "2" || !strings.Contains(string(r.body), "Too Many Requests") {
		t.Errorf("429 header %v body %q", r.header, r.body)
	}
	if h.count() != 1 || !s.RequestLog()[1].RateLimited {
		t.Errorf("handler served %d, want 1; log %+v", h.count(), s.RequestLog())
	}
}

func TestNewServerTooLarge(t *testing.T) {
	s, h := newEcho(t)
	r := mustSend(t, http.MethodPost, s.URL()+"/x", nil, strings.Repeat("a", 1<<20+1))
	wantStatus(t, r, http.StatusRequestEntityTooLarge)
	if h.count() != 0 {
		t.Error("a body above 1 MiB reached the handler")
	}
}

func TestNewServerNilHandler(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewServer(nil) did not panic")
		}
	}()
	participantstest.NewServer(nil)
}

// A fault with Method waits for a request with that method; requests with
// another method pass it by, take the faults queued without Method, in
// order, and are handled normally when none is left for them.
func TestFaultMethod(t *testing.T) {
	s, h := newEcho(t)
	s.InjectFaults(
		participantstest.Fault{Method: http.MethodDelete, Status: http.StatusServiceUnavailable, Body: "delete busy"},
		participantstest.Fault{Status: http.StatusBadGateway, Body: "any"},
		participantstest.Fault{Method: http.MethodDelete, Status: http.StatusInternalServerError, Body: "delete again"},
	)
	wantStatus(t, mustSend(t, http.MethodGet, s.URL()+"/x", nil, ""), http.StatusBadGateway)
	wantStatus(t, mustSend(t, http.MethodGet, s.URL()+"/x", nil, ""), http.StatusCreated)
	if n := s.PendingFaults(); n != 2 {
		t.Fatalf("PendingFaults = %d, want 2 (both DELETE faults)", n)
	}
	r := mustSend(t, http.MethodDelete, s.URL()+"/x", nil, "")
	wantStatus(t, r, http.StatusServiceUnavailable)
	if string(r.body) != "delete busy" {
		t.Errorf("first DELETE body = %q, want the first DELETE fault", r.body)
	}
	wantStatus(t, mustSend(t, http.MethodPost, s.URL()+"/x", nil, ""), http.StatusCreated)
	r = mustSend(t, http.MethodDelete, s.URL()+"/x", nil, "")
	wantStatus(t, r, http.StatusInternalServerError)
	if string(r.body) != "delete again" {
		t.Errorf("second DELETE body = %q", r.body)
	}
	wantStatus(t, mustSend(t, http.MethodDelete, s.URL()+"/x", nil, ""), http.StatusCreated)
	if h.count() != 3 || s.PendingFaults() != 0 {
		t.Errorf("handler served %d (want 3), %d faults left", h.count(), s.PendingFaults())
	}
	log := s.RequestLog()
	if log[0].Fault == nil || log[0].Fault.Status != http.StatusBadGateway || log[1].Fault != nil ||
		log[2].Fault == nil || log[2].Fault.Method != http.MethodDelete {
		t.Errorf("log faults = %+v", log)
	}
}
