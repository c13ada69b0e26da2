package participantstest_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/conversekit/conversekit/participants/participantstest"
)

// memSend sends one request to fake through its in-memory transport, with
// Bird's credentials, and returns the response read in full (or the first
// error, of the round trip or of the body).
func memSend(ctx context.Context, fake *participantstest.BirdServer, method, path, body string) (resp, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://bird.example"+path, strings.NewReader(body))
	if err != nil {
		return resp{}, err
	}
	req.Header.Set("Authorization", "AccessKey "+fake.AccessKey())
	req.Header.Set("Content-Type", "application/json")
	res, err := fake.Transport().RoundTrip(req)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return resp{status: res.StatusCode, header: res.Header, body: b}, err
	}
	if res.ContentLength != int64(len(b)) {
		return resp{}, errors.New("Content-Length does not match the body")
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}, nil
}

// addPath is the Bird add-participant path of conv.
func addPath(fake *participantstest.BirdServer, conv string) string {
	return "/workspaces/" + fake.WorkspaceID() + "/conversations/" + conv + "/participants"
}

const memAddBody = `{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"ada@example.com"}}`

// Through Transport the fake answers as on loopback: its state, request
// log, faults and rate limit, with the wire's failures as errors.
func TestTransportInMemory(t *testing.T) {
	ctx := context.Background()
	fake := participantstest.NewBirdServer()
	defer fake.Close()
	conv := fake.SeedConversation("")
	path := addPath(fake, conv)

	r, err := memSend(ctx, fake, http.MethodPost, path, memAddBody)
	if err != nil || r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.header.Get("Date") == "" {
		t.Fatalf("add: %d %v %s, %v", r.status, r.header, r.body, err)
	}
	if n := len(fake.Participants(conv)); n != 1 {
		t.Fatalf("%d participants after the add", n)
	}
	log := fake.RequestLog()
	if len(log) != 1 || log[0].Method != http.MethodPost || log[0].Path != path || string(log[0].Body) != memAddBody || log[0].Header.Get("Authorization") != "" {
		t.Fatalf("request log %+v", log)
	}

	// A canned status, its body's type sniffed.
	fake.InjectFaults(participantstest.Fault{Status: 503, Body: "busy"})
	if r, err := memSend(ctx, fake, http.MethodGet, path, ""); err != nil || r.status != 503 || string(r.body) != "busy" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Errorf("503 fault: %d %v %q, %v", r.status, r.header, r.body, err)
	}

	// Drop: no response, no state change.
	fake.InjectFaults(participantstest.Fault{Drop: true})
	if _, err := memSend(ctx, fake, http.MethodPost, path, strings.Replace(memAddBody, "ada", "bob", 1)); !errors.Is(err, io.EOF) {
		t.Errorf("Drop: %v, want an error wrapping io.EOF", err)
	}
	if n := len(fake.Participants(conv)); n != 1 {
		t.Errorf("%d participants after a dropped add", n)
	}

	// CommitThenDrop: no response, the state changed.
	fake.InjectFaults(participantstest.Fault{CommitThenDrop: true})
	if _, err := memSend(ctx, fake, http.MethodPost, path, strings.Replace(memAddBody, "ada", "cy", 1)); !errors.Is(err, io.EOF) {
		t.Errorf("CommitThenDrop: %v, want an error wrapping io.EOF", err)
	}
	if n := len(fake.Participants(conv)); n != 2 {
		t.Errorf("%d participants after a committed add", n)
	}

	// CommitThenCut: half the body, then the connection ends.
	for _, reset := range []bool{false, true} {
		fake.InjectFaults(participantstest.Fault{CommitThenCut: true, Reset: reset})
		r, err := memSend(ctx, fake, http.MethodGet, path, "")
		var op *net.OpError
		switch {
		case r.status != http.StatusOK || len(r.body) == 0:
			t.Errorf("cut (reset %v): status %d, %d bytes", reset, r.status, len(r.body))
		case !reset && !errors.Is(err, io.ErrUnexpectedEOF):
			t.Errorf("cut: %v, want io.ErrUnexpectedEOF", err)
		case reset && (!errors.As(err, &op) || !errors.Is(err, syscall.ECONNRESET)):
			t.Errorf("cut with reset: %v, want a *net.OpError of ECONNRESET", err)
		}
	}

	// The rate limit.
	fake.SetRateLimit(1, 2*time.Second)
	memSend(ctx, fake, http.MethodGet, path, "")
	if r, err := memSend(ctx, fake, http.MethodGet, path, ""); err != nil || r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
		t.Errorf("over the rate limit: %d %v, %v", r.status, r.header, err)
	}

	// Closed: refused, as a dial error.
	fake.Close()
	var op *net.OpError
	if _, err := memSend(ctx, fake, http.MethodGet, path, ""); !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("after Close: %v, want a dial *net.OpError", err)
	}
}

// In a synctest bubble a Delay passes on virtual time; a request whose
// context ends first returns at once with the context's error, and Close
// cuts the delay short and waits for the handler.
func TestTransportVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := participantstest.NewBirdServer()
		conv := fake.SeedConversation("")
		path := addPath(fake, conv)

		fake.InjectFaults(participantstest.Fault{Delay: time.Hour})
		start := time.Now()
		r, err := memSend(context.Background(), fake, http.MethodPost, path, memAddBody)
		if err != nil || r.status != http.StatusCreated || time.Since(start) != time.Hour {
			t.Fatalf("delayed add: %d after %v, %v", r.status, time.Since(start), err)
		}

		fake.InjectFaults(participantstest.Fault{Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start = time.Now()
		if _, err := memSend(ctx, fake, http.MethodGet, path, ""); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
			t.Errorf("deadline during a delay: %v after %v", err, time.Since(start))
		}

		// A handler still sleeping when the client gave up: Close ends it.
		fake.InjectFaults(participantstest.Fault{Delay: time.Hour})
		ctx, cancel = context.WithCancel(context.Background())
		go func() {
			synctest.Wait()
			cancel()
		}()
		if _, err := memSend(ctx, fake, http.MethodGet, path, ""); !errors.Is(err, context.Canceled) {
			t.Errorf("canceled: %v", err)
		}
		fake.Close()
		if n := fake.Requests(); n != 3 {
			t.Errorf("%d requests", n)
		}
	})
}

// A fake used through URL serves on loopback even when created before:
// the start on first use keeps the URL and the client working.
func TestLoopbackStartsOnFirstUse(t *testing.T) {
	fake := participantstest.NewBirdServer()
	defer fake.Close()
	conv := fake.SeedConversation("")
	req, _ := http.NewRequest(http.MethodPost, fake.URL()+addPath(fake, conv), strings.NewReader(memAddBody))
	req.Header.Set("Authorization", "AccessKey "+fake.AccessKey())
	req.Header.Set("Content-Type", "application/json")
	res, err := fake.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", res.StatusCode)
	}

	// Closed before it ever served: requests are refused.
	closed := participantstest.NewBirdServer()
	closed.Close()
	if _, err := closed.Client().Get(closed.URL() + "/"); err == nil {
		t.Error("a closed fake answered")
	}
}
