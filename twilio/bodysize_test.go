package twilio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/conversekit/conversekit/internal/transport"
)

// declaredResp answers 201 with body and the given declared Content-Length,
// whatever the body's real length.
func declaredResp(body io.Reader, declared int64) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode:    http.StatusCreated,
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          io.NopCloser(body),
			ContentLength: declared,
			Request:       req,
		}, nil
	}
}

func createWith(t *testing.T, r httpmock.Responder) (*Participant, error) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	answer(t, mock, r)
	c := newTestClient(t, mock)
	return c.CreateParticipant(context.Background(), testCH, CreateParticipantParams{Identity: "ada"})
}

// A created participant is decoded whatever Content-Length announces: the
// exact length, none, or a length over 1 MiB that the body does not reach
// (a large announced length is not allocated up front: the body is read as
// it comes).
func TestCreateParticipantDeclaredLength(t *testing.T) {
	n := int64(len(participantJSON))
	for _, tc := range []struct {
		name     string
		declared int64
	}{
		{"exact", n},
		{"unknown", -1},
		{"3 MiB, more than announced", 3 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := createWith(t, declaredResp(strings.NewReader(participantJSON), tc.declared))
			if err != nil {
				t.Fatal(err)
			}
			if p.SID != testMB {
				t.Errorf("sid = %v", p.SID)
			}
		})
	}
}

// A success body over the transport's 4 MiB cap fails with
// transport.ErrBodyTooLarge, whether its length is announced or not.
func TestCreateParticipantBodyOverCap(t *testing.T) {
	const size = 5 << 20
	for _, declared := range []int64{size, -1} {
		big := `{"sid":"` + testMB + `","attributes":"` + strings.Repeat("x", size) + `"}`
		d := declared
		if d > 0 {
			d = int64(len(big))
		}
		_, err := createWith(t, declaredResp(strings.NewReader(big), d))
		if !errors.Is(err, transport.ErrBodyTooLarge) || !strings.Contains(err.Error(), "twilio") {
			t.Errorf("declared %d: err = %v, want twilio ErrBodyTooLarge", d, err)
		}
	}
}

// An empty 201 is an error that says so, not an empty participant.
func TestCreateParticipantEmptyBody(t *testing.T) {
	for _, declared := range []int64{0, -1} {
		p, err := createWith(t, declaredResp(strings.NewReader(""), declared))
		var sbe *SuccessBodyError
		if !errors.As(err, &sbe) || !strings.Contains(err.Error(), "2xx without a participant ID") {
			t.Errorf("declared %d: %+v, %v; want a JSON error", declared, p, err)
		}
	}
}
