package twilio

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/conversekit/conversekit/internal/clientopt"
)

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// A body lost while it is read is an error naming the operation and the
// status, wrapping the read error.
func TestReadBodyError(t *testing.T) {
	boom := errors.New("boom")
	resp := &http.Response{StatusCode: 201, Body: io.NopCloser(io.MultiReader(strings.NewReader("{"), failingReader{boom}))}
	_, err := clientopt.ReadBody(vendor, "CreateParticipant", resp)
	if !errors.Is(err, boom) || err.Error() != "twilio: CreateParticipant: reading the 201 response: boom" {
		t.Errorf("err = %v", err)
	}
	b, err := clientopt.ReadBody(vendor, "x", &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{"sid":"MB1"}`))})
	if err != nil || string(b) != `{"sid":"MB1"}` {
		t.Errorf("readBody = %q, %v", b, err)
	}
}
