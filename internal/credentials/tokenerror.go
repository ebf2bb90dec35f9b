package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// TokenError is a token request that an endpoint answered with an error. It carries what a user needs to act
// on it or to quote it in a support case: the OAuth error code, Entra's AADSTS description, and the trace and
// correlation IDs. It never holds the request, so it never holds a secret.
type TokenError struct {
	Method        Method
	Endpoint      string // the URL asked, without its query
	StatusCode    int
	Code          string // the OAuth "error", such as invalid_client
	Description   string // the OAuth "error_description", such as "AADSTS7000215: Invalid client secret provided."
	TraceID       string
	CorrelationID string
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the token request to %s failed with HTTP %d", e.Method, e.Endpoint, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	var ids []string
	if e.TraceID != "" {
		ids = append(ids, "trace ID "+e.TraceID)
	}
	if e.CorrelationID != "" {
		ids = append(ids, "correlation ID "+e.CorrelationID)
	}
	if len(ids) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(ids, ", "))
	}
	return b.String()
}

// oauthErrorBody is the error response of Entra's token endpoint; IMDS answers with its first two fields.
type oauthErrorBody struct {
	Error         string `json:"error"`
	Description   string `json:"error_description"`
	TraceID       string `json:"trace_id"`
	CorrelationID string `json:"correlation_id"`
}

// descriptionTrailers are the lines Entra appends to error_description. They are taken out so that the
// description reads as one paragraph; the IDs fill their fields when the JSON lacks them, and the timestamp, which
// says nothing the user does not know, is dropped.
var descriptionTrailers = []struct {
	prefix string
	field  func(*TokenError) *string
}{
	{"Trace ID:", func(e *TokenError) *string { return &e.TraceID }},
	{"Correlation ID:", func(e *TokenError) *string { return &e.CorrelationID }},
	{"Timestamp:", func(*TokenError) *string { return new(string) }},
}

// maxBodyInError bounds how much of a response that is not OAuth JSON an error quotes, since such a body is
// usually an HTML page from a proxy and only its start says anything.
const maxBodyInError = 300

// newTokenError reads an error response. A body that is not OAuth JSON is quoted in part, so that an answer from
// a proxy or a wrong endpoint is still recognisable; the secrets sent in the request are masked in it first,
// since a cut made afterwards could leave part of one that no longer matches.
func newTokenError(m Method, endpoint string, status int, header http.Header, body []byte, secrets ...string) *TokenError {
	e := &TokenError{Method: m, Endpoint: endpointWithoutQuery(endpoint), StatusCode: status}
	var parsed oauthErrorBody
	if json.Unmarshal(body, &parsed) != nil || parsed.Error == "" {
		e.Description = quoteBody(body, secrets...)
		e.TraceID = header.Get("x-ms-request-id")
		return e
	}
	e.Code, e.TraceID, e.CorrelationID = parsed.Error, parsed.TraceID, parsed.CorrelationID
	var kept []string
	description := maskSecrets(parsed.Description, secrets...)
	for _, line := range strings.Split(strings.ReplaceAll(description, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || moveTrailer(e, line) {
			continue
		}
		kept = append(kept, line)
	}
	e.Description = strings.Join(kept, " ")
	if e.TraceID == "" {
		e.TraceID = header.Get("x-ms-request-id")
	}
	return e
}

// moveTrailer stores a trailer line in its field, unless that field is already set, and reports whether the line
// was a trailer.
func moveTrailer(e *TokenError, line string) bool {
	for _, t := range descriptionTrailers {
		if value, ok := strings.CutPrefix(line, t.prefix); ok {
			if field := t.field(e); *field == "" {
				*field = strings.TrimSpace(value)
			}
			return true
		}
	}
	return false
}

func quoteBody(body []byte, secrets ...string) string {
	text := strings.Join(strings.Fields(maskSecrets(string(body), secrets...)), " ")
	if len(text) > maxBodyInError {
		text = strings.ToValidUTF8(text[:maxBodyInError], "") + "…"
	}
	if text == "" {
		return "(empty response)"
	}
	// The text is not escaped, so that a secret echoed in it still reads exactly as the secret and gets masked.
	return `unexpected response "` + text + `"`
}

// endpointWithoutQuery drops the query from a URL for use in an error, since a query may carry a token.
func endpointWithoutQuery(endpoint string) string {
	before, _, _ := strings.Cut(endpoint, "?")
	return before
}

// secretFreeTokenSource is the last line of defence: whatever went wrong below it, an error never carries one of
// the configured secrets.
type secretFreeTokenSource struct {
	src     oauth2.TokenSource
	secrets []string
}

func (s secretFreeTokenSource) Token() (*oauth2.Token, error) {
	tok, err := s.src.Token()
	return tok, withoutSecrets(err, s.secrets...)
}

// withoutSecrets returns err unchanged when its message holds none of the secrets, and otherwise a new error with
// them masked. The new error deliberately does not wrap err: unwrapping it would hand the secret back.
func withoutSecrets(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	message := maskSecrets(err.Error(), secrets...)
	if message == err.Error() {
		return err
	}
	return errors.New(message)
}

// maskSecrets replaces every secret in text with ***.
func maskSecrets(text string, secrets ...string) string {
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		// A secret echoed from a request body is form-encoded, so that spelling is masked too.
		for _, spelling := range []string{secret, url.QueryEscape(secret)} {
			text = strings.ReplaceAll(text, spelling, "***")
		}
	}
	return text
}

// flexibleSeconds reads a count of seconds that endpoints send either as a JSON number or as a string: IMDS sends
// "3599", Entra sends 3599. A string that is not a number (App Service's older expires_on is a date) reads as
// zero, meaning unknown, so that another field can be used instead.
type flexibleSeconds int64

func (f *flexibleSeconds) UnmarshalJSON(data []byte) error {
	text := strings.Trim(string(data), `"`)
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		n = 0
	}
	*f = flexibleSeconds(n)
	return nil
}
