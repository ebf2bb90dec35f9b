package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
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
		details = append(details, requestIDNote(e.RequestID))
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

// requestIDNote names Graph's request-id in an error, the one way every error writes it: the id Microsoft
// support asks for.
func requestIDNote(id string) string { return "request-id " + id }

// IsNotFound reports whether err is Graph saying the object does not exist.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsForbidden reports whether err is Graph refusing the caller the object: a missing permission, or in an
// Azure AD B2C tenant also a kind of user flow the tenant does not have.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsClientError reports whether err is a Graph answer in the 4xx range: Graph refused the request as
// sent, rather than failing to carry it out.
func IsClientError(err error) bool {
	var graphErr *Error
	return errors.As(err, &graphErr) && graphErr.StatusCode >= http.StatusBadRequest && graphErr.StatusCode < http.StatusInternalServerError
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
// maxErrorField bounds the code, request-id and date, which are short in every answer Graph writes.
const (
	maxErrorMessage = 1024
	maxErrorField   = 128
)

// parseError builds an Error from a non-success answer. It accepts any body, as a gateway in front of Graph
// may answer with HTML or nothing at all; the request-id header covers answers whose body has none. Every
// secret in secrets is removed before the message is shortened, so that no part of one survives the cut,
// and every field is valid UTF-8 on one line, whatever the answer held.
func parseError(method, path string, status int, header http.Header, body []byte, secrets ...string) *Error {
	e := &Error{Method: method, Path: path, StatusCode: status}
	var parsed odataError
	switch {
	case json.Unmarshal(body, &parsed) == nil && (parsed.Error.Code != "" || parsed.Error.Message != ""):
		e.Code = parsed.Error.Code
		e.Message = parsed.Error.Message
		e.RequestID = parsed.Error.InnerError.RequestID
		e.Date = parsed.Error.InnerError.Date
	case isHTML(header, body):
		// A gateway's error page is markup around a line of text; its title is that line.
		e.Message = htmlTitle(body)
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
		e.Message += " (an HTML page, not a Graph error)"
	default:
		e.Message = string(body)
	}
	if e.RequestID == "" && header != nil {
		e.RequestID = header.Get("request-id")
	}
	e.Code = errorText(e.Code, secrets, maxErrorField)
	e.Message = errorText(e.Message, secrets, maxErrorMessage)
	e.RequestID = errorText(e.RequestID, secrets, maxErrorField)
	e.Date = errorText(e.Date, secrets, maxErrorField)
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// errorText makes text fit an error message: secrets and the query values of URLs removed, valid UTF-8, control characters and runs of
// white space turned into single spaces (a message must not forge log lines or terminal escapes), and at
// most limit bytes, cut on a character boundary and marked with "...".
func errorText(text string, secrets []string, limit int) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = redact.Text(text, secrets...)
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= limit {
		return text
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "..."
}

// isHTML reports whether an answer is a web page rather than JSON or text, by its Content-Type or, without
// one, by the sniffing rules of the WHATWG MIME standard that net/http implements.
func isHTML(header http.Header, body []byte) bool {
	kind := header.Get("Content-Type")
	if kind == "" {
		kind = http.DetectContentType(body)
	}
	return strings.Contains(strings.ToLower(kind), "html")
}

// htmlTitle returns the text of a page's <title>, or "" when it has none.
func htmlTitle(body []byte) string {
	page := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch page.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			if name, _ := page.TagName(); string(name) == "title" && page.Next() == html.TextToken {
				return string(page.Text())
			}
		}
	}
}

// IsConflict reports whether err is Graph refusing a write because of another object (409): a name taken,
// or an object still in use.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// hasStatus reports whether err is a Graph answer with the given status.
func hasStatus(err error, status int) bool {
	var graphErr *Error
	return errors.As(err, &graphErr) && graphErr.StatusCode == status
}
