package apierror

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
)

type thing struct {
	ID   string `json:"id"`
	Size int    `json:"size"`
}

func hasID(v *thing) bool { return v.ID != "" }

func TestDecodeSuccess(t *testing.T) {
	tests := []struct {
		name, body string
		reason     string // "" means success
	}{
		{"object", `{"id":"x","size":2}`, ""},
		{"padded", " \n{\"id\":\"x\"}\n", ""},
		{"empty object", `{}`, "JSON object without it"},
		{"status ok", `{"status":"ok"}`, "JSON object without it"},
		{"empty id", `{"id":""}`, "JSON object without it"},
		{"null", `null`, "JSON null"},
		{"array", `[]`, "JSON array"},
		{"string", `"x"`, "not a JSON object"},
		{"number", `12`, "not a JSON object"},
		{"empty", ``, "empty body"},
		{"blank", " \n", "empty body"},
		{"html", `<html>x</html>`, "not valid JSON"},
		{"truncated", `{"id":"x`, "not valid JSON (offset 8)"},
		{"id wrong type", `{"id":5}`, "field id has the wrong JSON type (string)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeSuccess("bird", "GET /x", 200, []byte(tt.body), "a thing ID", hasID)
			if tt.reason == "" {
				if err != nil || v == nil || v.ID != "x" {
					t.Fatalf("got %+v, %v", v, err)
				}
				return
			}
			var se *SuccessBodyError
			if v != nil || !errors.As(err, &se) {
				t.Fatalf("got %+v, %v (%T), want *SuccessBodyError", v, err, err)
			}
			want := "bird: GET /x: 2xx without a thing ID (HTTP 200: " + tt.reason + ")"
			if err.Error() != want {
				t.Errorf("Error() = %q, want %q", err, want)
			}
		})
	}
}

// A body that carries the ID but has another field of the wrong type is a
// decoding error, not a missing resource.
func TestDecodeSuccessWrongTypedField(t *testing.T) {
	_, err := DecodeSuccess("twilio", "GET /x", 200, []byte(`{"id":"x","size":"big"}`), "a thing ID", hasID)
	var se *SuccessBodyError
	if err == nil || errors.As(err, &se) || err.Error() != "twilio: GET /x: decoding the 200 response: field size has the wrong JSON type (int)" {
		t.Errorf("err = %v", err)
	}
}

// SuccessBodyError is neither an API error nor a network error, so the
// facade classifies it as unknown.
func TestSuccessBodyErrorIsNotAnAPIOrNetworkError(t *testing.T) {
	var err error = &SuccessBodyError{Vendor: "intercom", Op: "POST /conversations/{id}/customers", StatusCode: 200, Missing: "a customers list"}
	var ae *Error
	var ne net.Error
	var ue *url.Error
	if errors.As(err, &ae) || errors.As(err, &ne) || errors.As(err, &ue) {
		t.Errorf("%T classifies as an API or network error", err)
	}
	if got, want := err.Error(), "intercom: POST /conversations/{id}/customers: 2xx without a customers list (HTTP 200)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if (*SuccessBodyError)(nil).Error() != "<nil>" {
		t.Error("nil Error()")
	}
	long := &SuccessBodyError{Vendor: "bird", Op: "GET /x", StatusCode: 200, Missing: "m", Reason: strings.Repeat("r", 500)}
	if len(long.Error()) > 260 {
		t.Errorf("Reason not clipped: %d bytes", len(long.Error()))
	}
}

// DecodeSuccessInto fills the caller's value in place, with the same errors.
func TestDecodeSuccessInto(t *testing.T) {
	var res struct {
		Thing thing
		Extra int
	}
	if err := DecodeSuccessInto(&res.Thing, "bird", "GET /x", 201, []byte(`{"id":"x","size":3}`), "a thing ID", hasID); err != nil {
		t.Fatal(err)
	}
	if res.Thing != (thing{ID: "x", Size: 3}) {
		t.Errorf("decoded %+v", res.Thing)
	}
	var v thing
	err := DecodeSuccessInto(&v, "bird", "GET /x", 201, []byte(`{}`), "a thing ID", hasID)
	var sbe *SuccessBodyError
	if !errors.As(err, &sbe) || sbe.StatusCode != 201 || sbe.Missing != "a thing ID" {
		t.Errorf("err = %v, want a *SuccessBodyError for HTTP 201", err)
	}
}
