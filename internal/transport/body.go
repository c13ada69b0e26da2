package transport

import (
	"bytes"
	"io"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
)

// Body is a request body held in memory. Give it to http.NewRequest for Do:
// each attempt reads its bytes through a fresh reader, without a copy,
// where any other body is first read into memory by go-retryablehttp. Like
// any request body it is read once by whoever sends it.
type Body struct {
	r bytes.Reader
	b []byte
}

// NewBody returns a Body reading b, which must not change while the request
// is in flight.
func NewBody(b []byte) *Body {
	body := &Body{b: b}
	body.r.Reset(b)
	return body
}

// Read reads from the bytes not read yet.
func (b *Body) Read(p []byte) (int, error) { return b.r.Read(p) }

// Len is how many bytes are not read yet.
func (b *Body) Len() int { return b.r.Len() }

// Close does nothing: the bytes stay readable through Do's retries.
func (b *Body) Close() error { return nil }

// unread returns the bytes not read yet.
func (b *Body) unread() []byte { return b.b[len(b.b)-b.r.Len():] }

// rewindable makes req's body replayable for every attempt: req.GetBody
// returns it anew (nil when there is no body), and req.ContentLength is its
// length. A *Body's unread bytes are used as they are; an empty one, like
// http.NoBody, is no body. Any other body is handed to go-retryablehttp
// (Request.SetBody): an io.Seeker is rewound before each attempt and left
// open, anything else is read into memory once and closed. fresh says that
// req.Body is still unread (a *Body or no body), so that the first attempt
// can send it as it is.
func rewindable(req *http.Request) (fresh bool, err error) {
	switch b := req.Body.(type) {
	case nil:
		req.GetBody = nil
		return true, nil
	case *Body:
		mem := b.unread()
		req.ContentLength = int64(len(mem))
		if len(mem) == 0 {
			req.Body, req.GetBody = http.NoBody, nil
			return true, nil
		}
		req.GetBody = func() (io.ReadCloser, error) { return NewBody(mem), nil }
		return true, nil
	}
	if req.Body == http.NoBody {
		req.GetBody = nil
		return true, nil
	}
	body := req.Body
	rreq := retryablehttp.Request{Request: req}
	err = rreq.SetBody(body) // sets req.GetBody and req.ContentLength
	if _, seeker := body.(io.Seeker); err != nil || !seeker {
		body.Close()
	}
	return false, err
}
