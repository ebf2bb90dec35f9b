package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is a Graph error answer: the HTTP status, the OData error code and message, and the request-id that
// Microsoft support asks for.
type Error struct {
	Method     string
	Path       string
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	Date       string
	// Attempts is how many times the request was sent before this answer was accepted as final.
	Attempts int
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Graph answered %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	fmt.Fprintf(&b, " to %s %s", e.Method, e.Path)
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	var details []string
	if e.RequestID != "" {
		details = append(details, "request-id "+e.RequestID)
	}
	if e.Date != "" {
		details = append(details, "date "+e.Date)
	}
	if e.Attempts > 1 {
		details = append(details, fmt.Sprintf("after %d attempts", e.Attempts))
	}
	if len(details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	}
	return b.String()
}

// IsNotFound reports whether err is Graph saying the object does not exist.
func IsNotFound(err error) bool {
	var graphErr *Error
	return errors.As(err, &graphErr) && graphErr.StatusCode == http.StatusNotFound
}

// ErrOutcomeUnknown marks a write whose answer was lost: Graph may or may not have carried it out.
var ErrOutcomeUnknown = errors.New("the outcome of the request is unknown")

// odataError is the body of every Graph error answer.
type odataError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			RequestID string `json:"request-id"`
			Date      string `json:"date"`
		} `json:"innerError"`
	} `json:"error"`
}

// maxErrorMessage bounds how much of a message is repeated to the user; a proxy's HTML page can be long.
const maxErrorMessage = 1024

// parseError builds an Error from a non-success answer. It accepts any body, as a gateway in front of Graph
// may answer with HTML or nothing at all; the request-id header covers answers whose body has none.
func parseError(method, path string, status int, header http.Header, body []byte) *Error {
	e := &Error{Method: method, Path: path, StatusCode: status}
	var parsed odataError
	if err := json.Unmarshal(body, &parsed); err == nil && parsed.Error.Code != "" {
		e.Code = parsed.Error.Code
		e.Message = parsed.Error.Message
		e.RequestID = parsed.Error.InnerError.RequestID
		e.Date = parsed.Error.InnerError.Date
	} else if text := strings.TrimSpace(string(body)); text != "" {
		e.Message = text
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	if len(e.Message) > maxErrorMessage {
		e.Message = strings.ToValidUTF8(e.Message[:maxErrorMessage], "") + "..."
	}
	if e.RequestID == "" && header != nil {
		e.RequestID = header.Get("request-id")
	}
	return e
}
