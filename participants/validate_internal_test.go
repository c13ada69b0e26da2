package participants

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/pathparam"
	"github.com/conversekit/conversekit/participants/driver"
)

func TestClientWithoutProvider(t *testing.T) {
	for _, c := range []*Client{nil, New(nil)} {
		_, err := c.Add(context.Background(), "conv", Participant{Email: "a@example.com"})
		var pe *Error
		if Code(err) != InvalidArgument || !errors.As(err, &pe) || pe.Field != "Provider" || !strings.Contains(err.Error(), "no Provider") {
			t.Errorf("Add on %#v: err = %v, want InvalidArgument naming the Provider", c, err)
		}
		rs := c.AddMany(context.Background(), "conv", []Participant{{Email: "a@example.com"}, {Email: "b@example.com"}})
		if len(rs) != 2 || Code(rs[0].Err) != InvalidArgument || Code(rs[1].Err) != InvalidArgument {
			t.Errorf("AddMany on %#v = %+v, want InvalidArgument for each", c, rs)
		}
		if got := c.Provider(); got != "" {
			t.Errorf("Provider() = %q, want empty", got)
		}
	}
}

func TestResultString(t *testing.T) {
	tests := []struct {
		r    *Result
		want string
	}{
		{nil, "<nil>"},
		{&Result{Provider: "bird", ID: "p-1", Kind: KindContact, Status: StatusActive, Outcome: Added}, "bird: Added participant p-1 (contact, active)"},
		{&Result{Provider: "twilio", ID: "MB1", Kind: KindContact, Status: "", Outcome: AlreadyPresent}, "twilio: AlreadyPresent participant MB1 (contact)"},
		{&Result{Provider: "intercom", ID: "", Kind: "", Status: "", Outcome: Unreported}, "intercom: Unreported participant"},
		{&Result{Provider: "bird", ID: "", Kind: "", Status: StatusInvited, Outcome: Added}, "bird: Added participant (invited)"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// A conversation ID that starts with a control character is refused by the
// Client itself, before any provider sees it.
func TestConversationIDLeadingControl(t *testing.T) {
	p := &stubProvider{}
	_, err := New(p).Add(context.Background(), "\x01conv", Participant{Email: "a@example.com"})
	var e *Error
	if !errors.As(err, &e) || e.Field != "conversationID" || !strings.Contains(err.Error(), "control characters") || p.calls != 0 {
		t.Errorf("err = %v after %d provider calls, want the Client's refusal", err, p.calls)
	}
}

type stubProvider struct{ calls int }

func (p *stubProvider) Name() string { return "stub" }

func (p *stubProvider) Add(context.Context, string, driver.Participant, driver.CallOptions) (*driver.Result, error) {
	p.calls++
	return driver.NewResult("stub", "id", driver.KindContact, "", driver.Added, nil), nil
}

func (p *stubProvider) ErrorCode(error) driver.ErrorCode { return driver.Unknown }

func (p *stubProvider) List(context.Context, string, string, driver.CallOptions) (*driver.Page, error) {
	p.calls++
	return &driver.Page{}, nil
}

func (p *stubProvider) Get(context.Context, string, driver.Participant, driver.CallOptions) (*driver.Member, error) {
	p.calls++
	return driver.NewMember(driver.Member{Provider: "stub", ID: "id"}, nil), nil
}

func (p *stubProvider) Remove(context.Context, string, driver.Participant, driver.CallOptions) (*driver.Result, error) {
	p.calls++
	return driver.NewResult("stub", "id", driver.KindContact, "", driver.Removed, nil), nil
}

func TestParamErrorNamesVendorOnce(t *testing.T) {
	pe := &pathparam.Error{Vendor: "bird", Field: "workspaceId", Reason: `"my-workspace" is not a UUID`}
	err := wrapError("bird", pe)
	if got, want := err.Error(), `bird: InvalidArgument: workspaceId: "my-workspace" is not a UUID`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var got *pathparam.Error
	if Code(err) != InvalidArgument || !errors.As(err, &got) || got != pe {
		t.Errorf("err = %v: the *pathparam.Error is not reachable", err)
	}
	// Wrapped once more, the wrapper's words are kept.
	wrapped := fmt.Errorf("while adding: %w", pe)
	if got := wrapError("bird", wrapped).Error(); !strings.Contains(got, "while adding") {
		t.Errorf("Error() = %q lost the wrapper's text", got)
	}
	// Code of a bare *pathparam.Error, not wrapped by a Client.
	if Code(pe) != InvalidArgument {
		t.Errorf("Code(*pathparam.Error) = %v", Code(pe))
	}
}
