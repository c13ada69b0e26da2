package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// The demonstration: every vendor's event printed once (Twilio's retry is
// a duplicate), the forged delivery refused, Bird's join found by listing.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := demo(ctx, &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"twilio   joined  MB", "-> retry: 200 OK", "-> forged: 401 Unauthorized",
		"intercom joined  65446e1aaf142d1550cfd6d7 crm-42 in 1886 (event notif_1)",
		"-> first sight, no event: 200 OK", "bird     joined ", " ada@example.com in ",
		"sunshine joined  912382197 in f52b01137aa6c250bc7251fa", "sunshine left    36508c10541a4b0ff472e5e3",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "twilio   joined"); n != 1 {
		t.Errorf("twilio's event printed %d times:\n%s", n, got)
	}
}

func TestServeNeedsConfiguration(t *testing.T) {
	t.Setenv("PUBLIC_URL", "")
	if err := serve(context.Background(), "127.0.0.1:0", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "PUBLIC_URL") {
		t.Errorf("serve without PUBLIC_URL: %v", err)
	}
	t.Setenv("PUBLIC_URL", "https://hooks.example.com")
	for _, k := range []string{"TWILIO_AUTH_TOKEN", "INTERCOM_CLIENT_SECRET", "BIRD_SIGNING_KEY", "SUNSHINE_WEBHOOK_SECRET", "BIRD_ACCESS_KEY"} {
		t.Setenv(k, "")
	}
	if err := serve(context.Background(), "127.0.0.1:0", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "no vendor configured") {
		t.Errorf("serve without secrets: %v", err)
	}
	t.Setenv("BIRD_SIGNING_KEY", "k")
	if err := serve(context.Background(), "127.0.0.1:0", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "BIRD_ACCESS_KEY") {
		t.Errorf("serve with a Bird key but no client: %v", err)
	}
}

// With a secret configured, serve listens until its context ends.
func TestServeUntilCancelled(t *testing.T) {
	t.Setenv("PUBLIC_URL", "https://hooks.example.com")
	t.Setenv("SUNSHINE_WEBHOOK_SECRET", "s")
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, "127.0.0.1:0", &out) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after its context ended")
	}
}
