package participantstest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversekit/conversekit/participants/participantstest"
)

func TestFaultStatus(t *testing.T) {
	f := newBird(t)
	f.s.InjectFaults(
		participantstest.Fault{Status: 503, Body: "<html><body>busy</body></html>"},
		participantstest.Fault{Status: 500, Body: `{"code":"InternalError","message":"boom"}`, Header: hdr("X-Test", "1")},
	)
	if n := f.s.PendingFaults(); n != 2 {
		t.Fatalf("PendingFaults = %d", n)
	}
	body := `{"type":"contact","id":"` + f.john.ID + `"}`
	r := f.add(t, body)
	wantStatus(t, r, 503)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(r.body), "busy") {
		t.Fatalf("Content-Type %q body %s", ct, r.body)
	}
	r = f.add(t, body)
	wantStatus(t, r, 500)
	if r.header.Get("X-Test") != "1" || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers = %v", r.header)
	}
	if n := len(f.s.Participants(f.conv)); n != 0 {
		t.Fatal("a faulted request changed state")
	}
	wantStatus(t, f.add(t, body), http.StatusCreated)
	if n := f.s.Requests(); n != 3 {
		t.Fatalf("Requests = %d, want 3", n)
	}
	log := f.s.RequestLog()
	if log[0].Fault == nil || log[0].Fault.Status != 503 || log[2].Fault != nil {
		t.Fatalf("log faults = %v %v", log[0].Fault, log[2].Fault)
	}
	// A fault applies before authentication.
	f.s.InjectFaults(participantstest.Fault{Status: 502})
	wantStatus(t, mustSend(t, http.MethodGet, f.s.URL()+"/nowhere", nil, ""), 502)
}

func TestFaultDrop(t *testing.T) {
	f := newTwilio(t)
	f.s.InjectFaults(participantstest.Fault{Drop: true})
	_, err := send(t, http.MethodPost, f.base(f.conv), f.auth(), url.Values{"Identity": {"alice"}}.Encode())
	if err == nil {
		t.Fatal("Drop: no client error")
	}
	if n := len(f.s.Participants(f.conv)); n != 0 {
		t.Fatal("Drop changed state")
	}
	wantStatus(t, f.create(t, f.conv, url.Values{"Identity": {"alice"}}), http.StatusCreated)
	if n := f.s.Requests(); n != 2 {
		t.Fatalf("Requests = %d, want 2", n)
	}
}

func TestFaultCommitThenDrop(t *testing.T) {
	t.Run("intercom", func(t *testing.T) {
		f := newIntercom(t)
		f.s.InjectFaults(participantstest.Fault{CommitThenDrop: true})
		body := `{"admin_id":"781236","customer":{"email":"new@example.com"}}`
		if _, err := send(t, http.MethodPost, f.s.URL()+"/conversations/"+f.conv+"/customers", f.auth(), body); err == nil {
			t.Fatal("no client error")
		}
		if n := len(f.s.Customers(f.conv)); n != 2 {
			t.Fatalf("%d customers after commit, want 2", n)
		}
		wantStatus(t, f.attach(t, f.conv, body), http.StatusOK)
		if n, c := len(f.s.Customers(f.conv)), len(f.s.Contacts()); n != 2 || c != 4 {
			t.Fatalf("after retry: %d customers, %d contacts", n, c)
		}
	})
	t.Run("bird", func(t *testing.T) {
		f := newBird(t)
		f.s.InjectFaults(participantstest.Fault{CommitThenDrop: true})
		body := `{"type":"contact","contact":{"identifierKey":"emailaddress","identifierValue":"new@example.com"}}`
		if _, err := send(t, http.MethodPost, f.base(), f.auth(), body); err == nil {
			t.Fatal("no client error")
		}
		ps := f.s.Participants(f.conv)
		if len(ps) != 1 {
			t.Fatalf("%d participants after commit, want 1", len(ps))
		}
		r := f.add(t, body)
		wantStatus(t, r, http.StatusOK)
		if decodeBird(t, r).ID != ps[0].ID || len(f.s.Participants(f.conv)) != 1 || len(f.s.Contacts()) != 2 {
			t.Fatal("retry after CommitThenDrop created a second participant or contact")
		}
	})
	t.Run("twilio", func(t *testing.T) {
		f := newTwilio(t)
		f.s.InjectFaults(participantstest.Fault{CommitThenDrop: true})
		form := url.Values{"MessagingBinding.Address": {"+15558675310"}, "MessagingBinding.ProxyAddress": {"+15017122661"}}
		if _, err := send(t, http.MethodPost, f.base(f.conv), f.auth(), form.Encode()); err == nil {
			t.Fatal("no client error")
		}
		if n := len(f.s.Participants(f.conv)); n != 1 {
			t.Fatalf("%d participants after commit, want 1", n)
		}
		wantTwilioError(t, f.create(t, f.conv, form), http.StatusConflict, 50416)
		if n := len(f.s.Participants(f.conv)); n != 1 {
			t.Fatal("retry created a second participant")
		}
	})
}

func TestFaultDelay(t *testing.T) {
	f := newIntercom(t)
	f.s.InjectFaults(participantstest.Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	wantStatus(t, f.attach(t, f.conv, `{"admin_id":"781236","customer":{"user_id":"ext-bob"}}`), http.StatusOK)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}

	// A client that gives up ends the delay; nothing is processed.
	f.s.InjectFaults(participantstest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.s.URL()+"/conversations/"+f.conv+"/customers",
		strings.NewReader(`{"admin_id":"781236","customer":{"email":"late@example.com"}}`))
	req.Header = f.auth()
	_, err := f.s.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.s.Customers(f.conv)); n != 2 {
		t.Fatalf("%d customers", n)
	}
}

func TestCloseCutsDelay(t *testing.T) {
	s := participantstest.NewTwilioServer()
	s.InjectFaults(participantstest.Fault{Delay: time.Hour})
	done := make(chan error, 1)
	go func() {
		res, err := s.Client().Get(s.URL() + "/v1/Conversations")
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	for s.Requests() == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	s.Close()
	s.Close() // idempotent
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v", d)
	}
	if err := <-done; err == nil {
		t.Fatal("the delayed request got a response")
	}
}

func TestResetAndLog(t *testing.T) {
	f := newTwilio(t)
	f.s.InjectFaults(participantstest.Fault{Status: 500}, participantstest.Fault{Status: 500})
	f.s.SetRateLimit(1, 0)
	wantStatus(t, f.create(t, f.conv, url.Values{"Identity": {"a"}}), 500)
	log := f.s.RequestLog()
	if len(log) != 1 || log[0].Method != http.MethodPost || log[0].Path != "/v1/Conversations/"+f.conv+"/Participants" ||
		string(log[0].Body) != "Identity=a" || log[0].Header.Get("Authorization") != "" ||
		log[0].Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("log = %+v", log)
	}
	log[0].Body[0] = 'X' // the log is a copy
	if string(f.s.RequestLog()[0].Body) != "Identity=a" {
		t.Fatal("RequestLog shares memory")
	}
	f.s.Reset()
	if f.s.Requests() != 0 || len(f.s.RequestLog()) != 0 || f.s.PendingFaults() != 0 {
		t.Fatal("Reset kept counters or faults")
	}
	for _, id := range []string{"a", "b", "c"} { // no fault, no rate limit
		wantStatus(t, f.create(t, f.conv, url.Values{"Identity": {id}}), http.StatusCreated)
	}
	if n := len(f.s.Participants(f.conv)); n != 3 {
		t.Fatalf("Reset lost state: %d", n)
	}
}

func TestBodyTooLarge(t *testing.T) {
	big := strings.Repeat(" ", 1<<20+1)
	b := newBird(t)
	wantBirdError(t, b.add(t, `{"type":"user","id":"`+b.user+`"}`+big), http.StatusRequestEntityTooLarge, "PayloadTooLarge")
	i := newIntercom(t)
	wantIntercomError(t, i.attach(t, i.conv, big), http.StatusRequestEntityTooLarge, "parameter_invalid")
	tw := newTwilio(t)
	wantTwilioError(t, tw.create(t, tw.conv, url.Values{"Attributes": {big}}), http.StatusRequestEntityTooLarge, 20001)
}

// TestConcurrentAdds sends 64 identical adds at once to each fake: exactly
// one participant must result.
func TestConcurrentAdds(t *testing.T) {
	const n = 64
	run := func(t *testing.T, client *http.Client, do func() (*http.Request, error)) map[int]int {
		t.Helper()
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				req, err := do()
				if err != nil {
					t.Error(err)
					return
				}
				res, err := client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mu.Lock()
				statuses[res.StatusCode]++
				mu.Unlock()
			})
		}
		wg.Wait()
		return statuses
	}
	t.Run("intercom", func(t *testing.T) {
		f := newIntercom(t)
		st := run(t, f.s.Client(), func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, f.s.URL()+"/conversations/"+f.conv+"/customers",
				strings.NewReader(`{"admin_id":"781236","customer":{"email":"new@example.com"}}`))
			if err == nil {
				req.Header = f.auth()
			}
			return req, err
		})
		if st[200] != n || len(f.s.Customers(f.conv)) != 2 || len(f.s.Contacts()) != 4 {
			t.Fatalf("statuses %v, customers %v", st, f.s.Customers(f.conv))
		}
	})
	t.Run("bird", func(t *testing.T) {
		f := newBird(t)
		st := run(t, f.s.Client(), func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, f.base(),
				strings.NewReader(`{"type":"contact","contact":{"identifierKey":"phonenumber","identifierValue":"+15551234567"}}`))
			if err == nil {
				req.Header = f.auth()
			}
			return req, err
		})
		if st[201] != 1 || st[200] != n-1 || len(f.s.Participants(f.conv)) != 1 || len(f.s.Contacts()) != 2 {
			t.Fatalf("statuses %v, participants %v", st, f.s.Participants(f.conv))
		}
	})
	t.Run("twilio", func(t *testing.T) {
		f := newTwilio(t)
		st := run(t, f.s.Client(), func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, f.base(f.conv), strings.NewReader("Identity=alice"))
			if err == nil {
				req.Header = f.auth()
			}
			return req, err
		})
		if st[201] != 1 || st[409] != n-1 || len(f.s.Participants(f.conv)) != 1 {
			t.Fatalf("statuses %v", st)
		}
	})
}

// TestConcurrentMixed hammers one fake with adds, lists, faults and
// read-backs at once, for the race detector.
func TestConcurrentMixed(t *testing.T) {
	f := newBird(t)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			switch i % 4 {
			case 0:
				f.s.InjectFaults(participantstest.Fault{Status: 503})
			case 1:
				_ = f.s.Participants(f.conv)
				_ = f.s.RequestLog()
				_ = f.s.Requests()
			}
			req, _ := http.NewRequest(http.MethodPost, f.base(),
				strings.NewReader(`{"type":"contact","contact":{"identifierValue":"p`+string(rune('a'+i%8))+`@example.com"}}`))
			req.Header = f.auth()
			res, err := f.s.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		})
	}
	wg.Wait()
	if n := len(f.s.Participants(f.conv)); n > 8 || n == 0 {
		t.Fatalf("%d participants, want 1..8", n)
	}
	if f.s.Requests() != 64 {
		t.Fatalf("Requests = %d", f.s.Requests())
	}
}
