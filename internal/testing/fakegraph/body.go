package fakegraph

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxRequestBody is Graph's own request size limit, of the body once decoded; larger bodies are answered
// with 413.
const maxRequestBody = 4 << 20

// readBody reads a request's body and undoes its Content-Encoding, as Graph's gateway does: gzip and
// deflate (RFC 9110 section 8.4.1), applied in the order listed. Microsoft's Graph SDKs gzip every body
// and send it plain only after a 415, so an encoding the emulator cannot undo is answered with 415. When
// the body cannot be read, what was read comes back with the error, for the request log.
func readBody(r *http.Request) ([]byte, *odataError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return body, badRequest("BadRequest", "The request body could not be read: "+err.Error()+".")
	}
	codings := strings.Split(r.Header.Get("Content-Encoding"), ",")
	for i := len(codings) - 1; i >= 0 && len(body) <= maxRequestBody; i-- {
		coding := strings.ToLower(strings.TrimSpace(codings[i]))
		decoded, err := decode(coding, body)
		switch {
		case errors.Is(err, errUnsupportedCoding):
			return body, &odataError{status: http.StatusUnsupportedMediaType, code: "UnsupportedMediaType", message: fmt.Sprintf(
				"The Content-Encoding '%s' is not supported; send gzip, deflate or an unencoded body.", coding)}
		case err != nil:
			return body, badRequest("BadRequest", fmt.Sprintf("The request body is not valid %s data: %v.", coding, err))
		}
		body = decoded
	}
	if len(body) > maxRequestBody {
		return body[:maxRequestBody], &odataError{status: http.StatusRequestEntityTooLarge, code: "RequestEntityTooLarge",
			message: fmt.Sprintf("The request body is larger than %d bytes.", maxRequestBody)}
	}
	return body, nil
}

var errUnsupportedCoding = errors.New("unsupported content coding")

// decode undoes one content coding, reading at most one byte more than maxRequestBody of its output.
func decode(coding string, body []byte) ([]byte, error) {
	var reader io.Reader
	switch coding {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		reader = zr
	case "deflate":
		// "deflate" is the zlib format; some clients send bare DEFLATE data under that name, which Graph's
		// gateway reads too.
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			reader = zr
		} else {
			reader = flate.NewReader(bytes.NewReader(body))
		}
	default:
		return nil, errUnsupportedCoding
	}
	return io.ReadAll(io.LimitReader(reader, maxRequestBody+1))
}
