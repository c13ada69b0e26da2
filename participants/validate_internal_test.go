package participants

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/pathparam"
)

// simpleEmail accepts only what net/mail accepts as a bare address.
func FuzzSimpleEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", "a.b+c@d-e.f", "a..b@c", ".a@b", "a@b.", "a@", "@b", "a@b@c", "é@x.y", "a b@c", "\"a\"@b", "a@[1.2.3.4]", "a@b..c", "x@y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !simpleEmail(s) {
			return
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Name != "" || a.Address != s {
			t.Errorf("simpleEmail(%q) but net/mail: %v, %+v", s, err, a)
		}
	})
}

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
		{NewResult("bird", "p-1", KindContact, StatusActive, Added, nil), "bird: Added participant p-1 (contact, active)"},
		{NewResult("twilio", "MB1", KindContact, "", AlreadyPresent, nil), "twilio: AlreadyPresent participant MB1 (contact)"},
		{NewResult("intercom", "", "", "", Unreported, nil), "intercom: Unreported participant"},
		{NewResult("bird", "", "", StatusInvited, Added, nil), "bird: Added participant (invited)"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestParamErrorNamesVendorOnce(t *testing.T) {
	pe := &pathparam.Error{Vendor: "bird", Field: "workspaceId", Reason: `"my-workspace" is not a UUID`}
	err := WrapError("bird", pe)
	if got, want := err.Error(), `bird: InvalidArgument: workspaceId: "my-workspace" is not a UUID`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var got *pathparam.Error
	if Code(err) != InvalidArgument || !errors.As(err, &got) || got != pe {
		t.Errorf("err = %v: the *pathparam.Error is not reachable", err)
	}
	// Wrapped once more, the wrapper's words are kept.
	wrapped := fmt.Errorf("while adding: %w", pe)
	if got := WrapError("bird", wrapped).Error(); !strings.Contains(got, "while adding") {
		t.Errorf("Error() = %q lost the wrapper's text", got)
	}
	// Code of a bare *pathparam.Error, not wrapped by a Client.
	if Code(pe) != InvalidArgument {
		t.Errorf("Code(*pathparam.Error) = %v", Code(pe))
	}
}

// wrapFields renames only the field of a bad-argument error it wrapped
// itself: an *Error a provider built keeps its field.
func TestWrapFieldsRenamesOnlyItsOwn(t *testing.T) {
	names := map[string]string{"workspaceID": "BirdOptions.WorkspaceID"}
	pe := &pathparam.Error{Vendor: "bird", Field: "workspaceID", Reason: "bad"}
	if e, ok := wrapFields("bird", pe, names).(*Error); !ok || e.Field != "BirdOptions.WorkspaceID" {
		t.Errorf("wrapFields(*pathparam.Error) = %v, want the facade's field", e)
	}
	own := &Error{Code: InvalidArgument, Provider: "bird", Field: "workspaceID", Err: pe}
	if e, ok := wrapFields("bird", own, names).(*Error); !ok || e != own || e.Field != "workspaceID" {
		t.Errorf("wrapFields(*Error) = %v, want it unchanged", e)
	}
	wrapped := fmt.Errorf("context: %w", own)
	if got := wrapFields("bird", wrapped, names); got != wrapped || own.Field != "workspaceID" {
		t.Errorf("wrapFields(wrapped *Error) = %v, want it unchanged", got)
	}
	if e, ok := wrapFields("bird", &pathparam.Error{Vendor: "bird", Field: "other", Reason: "bad"}, names).(*Error); !ok || e.Field != "other" {
		t.Errorf("unmapped field renamed: %v", e)
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

func (p *stubProvider) Add(context.Context, string, Participant, CallOptions) (*Result, error) {
	p.calls++
	return NewResult("stub", "id", KindContact, "", Added, nil), nil
}

func (p *stubProvider) ErrorCode(error) ErrorCode { return Unknown }

func (p *stubProvider) List(context.Context, string, string, CallOptions) (*Page, error) {
	p.calls++
	return &Page{}, nil
}

func (p *stubProvider) Get(context.Context, string, Participant, CallOptions) (*Member, error) {
	p.calls++
	return NewMember(Member{Provider: "stub", ID: "id"}, nil), nil
}

func (p *stubProvider) Remove(context.Context, string, Participant, CallOptions) (*Result, error) {
	p.calls++
	return NewResult("stub", "id", KindContact, "", Removed, nil), nil
}
