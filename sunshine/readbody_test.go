package sunshine

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }

// A body lost while it is read is an error naming the operation and the
// status, wrapping the read error; a request error is returned as it is.
func TestReadBodyError(t *testing.T) {
	boom := errors.New("boom")
	resp := &http.Response{StatusCode: 201, Body: io.NopCloser(io.MultiReader(strings.NewReader("{"), failingReader{boom}))}
	_, err := read(resp, nil, opJoin)
	if !errors.Is(err, boom) || err.Error() != "sunshine: "+opJoin+": reading the 201 response: boom" {
		t.Errorf("err = %v", err)
	}
	b, err := read(&http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(`{}`))}, nil, opLeave)
	if err != nil || string(b) != `{}` {
		t.Errorf("read = %q, %v", b, err)
	}
	if _, err := read(nil, boom, opLeave); err != boom {
		t.Errorf("err = %v, want boom as it is", err)
	}
}
