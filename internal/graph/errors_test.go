package graph

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestParseError_readsGraphsODataError(t *testing.T) {
	body := `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.",` +
		`"innerError":{"date":"2026-03-01T12:00:00","request-id":"body-id","client-request-id":"body-id"}}}`
	header := http.Header{"Request-Id": {"header-id"}}

	got := parseError(http.MethodGet, "/v1.0/identity/apiConnectors/x", http.StatusNotFound, header, []byte(body))

	want := Error{
		Method: http.MethodGet, Path: "/v1.0/identity/apiConnectors/x", StatusCode: 404,
		Code: "Request_ResourceNotFound", Message: "Resource 'x' does not exist.",
		RequestID: "body-id", Date: "2026-03-01T12:00:00",
	}
	if *got != want {
		t.Errorf("parseError\n got %+v\nwant %+v", *got, want)
	}
}

func TestParseError_makesAnyBodyAOneLineMessage(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	accents := strings.Repeat("é", maxErrorMessage) // two bytes each, so the cut falls inside one
	tests := []struct {
		name          string
		status        int
		header        http.Header
		body          string
		wantCode      string
		wantMessage   string
		wantRequestID string
	}{
		{
			name:          "request-id header when the body has none",
			status:        400,
			header:        http.Header{"Request-Id": {"header-id"}},
			body:          `{"error":{"code":"BadRequest","message":"Bad."}}`,
			wantCode:      "BadRequest",
			wantMessage:   "Bad.",
			wantRequestID: "header-id",
		},
		{
			name:        "message without a code",
			status:      400,
			body:        `{"error":{"message":"No code here."}}`,
			wantMessage: "No code here.",
		},
		{
			name:          "HTML page of a gateway",
			status:        502,
			header:        http.Header{"Content-Type": {"text/html"}, "Request-Id": {"gw-id"}},
			body:          "<html>\r\n<head><TITLE>502 Bad Gateway &amp; friends</TITLE></head>\r\n<body><h1>502</h1><script>x()</script></body></html>",
			wantMessage:   "502 Bad Gateway & friends (an HTML page, not a Graph error)",
			wantRequestID: "gw-id",
		},
		{
			name:        "HTML page without a content type or a title",
			status:      503,
			body:        "  <!DOCTYPE html><html><body>down</body></html>",
			wantMessage: "Service Unavailable (an HTML page, not a Graph error)",
		},
		{
			name:        "empty body",
			status:      504,
			wantMessage: "Gateway Timeout",
		},
		{
			name:        "white space only",
			status:      500,
			body:        " \r\n\t ",
			wantMessage: "Internal Server Error",
		},
		{
			name:        "plain text with line breaks and a terminal escape",
			status:      500,
			body:        "upstream\r\nfailed:\x1b[31m red\x00 ",
			wantMessage: "upstream failed: [31m red",
		},
		{
			name:        "huge body",
			status:      500,
			body:        huge,
			wantMessage: huge[:maxErrorMessage] + "...",
		},
		{
			name:        "cut on a character boundary",
			status:      400,
			body:        `{"error":{"code":"X","message":"` + accents + `"}}`,
			wantCode:    "X",
			wantMessage: accents[:maxErrorMessage] + "...",
		},
		{
			name:        "invalid UTF-8",
			status:      400,
			body:        "bad \xff\xfe bytes",
			wantMessage: "bad \uFFFD bytes",
		},
		{
			name:        "huge code",
			status:      400,
			body:        `{"error":{"code":"` + strings.Repeat("C", 10000) + `","message":"m"}}`,
			wantCode:    strings.Repeat("C", maxErrorField) + "...",
			wantMessage: "m",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseError(http.MethodPost, "/v1.0/identity/apiConnectors", tt.status, tt.header, []byte(tt.body))
			if got.Code != tt.wantCode || got.Message != tt.wantMessage || got.RequestID != tt.wantRequestID {
				t.Errorf("parseError\n got code %q message %.200q request-id %q\nwant code %q message %.200q request-id %q",
					got.Code, got.Message, got.RequestID, tt.wantCode, tt.wantMessage, tt.wantRequestID)
			}
			if !utf8.ValidString(got.Message) {
				t.Errorf("message %q is not valid UTF-8", got.Message)
			}
		})
	}
}

func TestParseError_removesSecretsBeforeShorteningTheMessage(t *testing.T) {
	secret := strings.Repeat("MIIKsecretPFX", 200)
	// Graph repeats the value in its message, starting before the cut and ending after it.
	body := fmt.Sprintf(`{"error":{"code":"invalidRequest","message":"%s Invalid pkcs12Value '%s'."}}`,
		strings.Repeat("a", maxErrorMessage-100), secret)

	got := parseError(http.MethodPost, "/v1.0/identity/apiConnectors", 400, nil, []byte(body), "p@ss", secret)

	if strings.Contains(got.Error(), secret[:12]) {
		t.Errorf("part of the secret survived: %s", got.Error())
	}
	if !strings.Contains(got.Message, "Invalid pkcs12Value '***'.") {
		t.Errorf("message %q does not say the value was invalid", got.Message)
	}
}

func TestError_namesStatusCodeMessageRequestIDAndAttempts(t *testing.T) {
	tests := []struct {
		name string
		err  Error
		want string
	}{
		{
			name: "everything",
			err: Error{Method: "PATCH", Path: "/v1.0/identity/apiConnectors/1", StatusCode: 429, Code: "TooManyRequests",
				Message: "Slow down.", RequestID: "rid", Date: "2026-03-01T12:00:00", Attempts: 4},
			want: "Graph answered 429 TooManyRequests to PATCH /v1.0/identity/apiConnectors/1: Slow down. (request-id rid, date 2026-03-01T12:00:00, after 4 attempts)",
		},
		{
			name: "one attempt is not worth saying",
			err:  Error{Method: "GET", Path: "/v1.0/identity/apiConnectors", StatusCode: 403, Code: "Authorization_RequestDenied", Message: "Denied.", Attempts: 1},
			want: "Graph answered 403 Authorization_RequestDenied to GET /v1.0/identity/apiConnectors: Denied.",
		},
		{
			name: "no code and no message",
			err:  Error{Method: "DELETE", Path: "/v1.0/identity/apiConnectors/1", StatusCode: 502},
			want: "Graph answered 502 to DELETE /v1.0/identity/apiConnectors/1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error()\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestIsNotFound(t *testing.T) {
	notFound := &Error{StatusCode: http.StatusNotFound}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"404", notFound, true},
		{"wrapped 404", fmt.Errorf("reading: %w", notFound), true},
		{"404 whose outcome is unknown", fmt.Errorf("%w: %w", ErrOutcomeUnknown, notFound), true},
		{"403", &Error{StatusCode: http.StatusForbidden}, false},
		{"410", &Error{StatusCode: http.StatusGone}, false},
		{"not a Graph error", errors.New("404 Not Found"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsNotFound(tt.err); got != tt.want {
				t.Errorf("IsNotFound(%v) = %t, want %t", tt.err, got, tt.want)
			}
		})
	}
}

// FuzzParseError feeds the OData error parser whatever a gateway might answer. It must never panic, and
// whatever it builds must be bounded, valid UTF-8 on one line, and free of the request's secrets.
func FuzzParseError(f *testing.F) {
	f.Add(404, "application/json", "rid", []byte(`{"error":{"code":"Request_ResourceNotFound","message":"gone","innerError":{"request-id":"a","date":"d"}}}`))
	f.Add(502, "text/html", "", []byte("<html><head><title>502 Bad Gateway</title></head></html>"))
	f.Add(503, "", "", []byte(""))
	f.Add(500, "text/plain", "id\r\nInjected: yes", []byte("line one\nline two \x1b[0m"))
	f.Add(400, "application/json", "", []byte(`{"error":{"message":"value s3cr3t-value is wrong"}}`))
	f.Add(429, "", "", []byte(`{"error":{"code":"`+strings.Repeat("é", 600)+`"}}`))
	f.Add(400, "", "", []byte("<title>\xff\xfe"))
	f.Add(-1, "text/html; charset=utf-8", "\xff", []byte(`<title>&#x0;&lt;&#1114111;</title>`))
	f.Add(599, "", "", []byte(`{"error":null}`))
	f.Fuzz(func(t *testing.T, status int, contentType, requestID string, body []byte) {
		const secret = "s3cr3t-value"
		header := http.Header{}
		header.Set("Content-Type", contentType)
		header.Set("request-id", requestID)

		e := parseError(http.MethodPost, "/v1.0/identity/apiConnectors", status, header, body, secret)

		fields := map[string]struct {
			value string
			limit int
		}{
			"code":       {e.Code, maxErrorField + len("...")},
			"message":    {e.Message, maxErrorMessage + len("...")},
			"request-id": {e.RequestID, maxErrorField + len("...")},
			"date":       {e.Date, maxErrorField + len("...")},
		}
		for name, f := range fields {
			if len(f.value) > f.limit {
				t.Errorf("%s is %d bytes, more than %d", name, len(f.value), f.limit)
			}
			if !utf8.ValidString(f.value) {
				t.Errorf("%s %q is not valid UTF-8", name, f.value)
			}
			if strings.ContainsFunc(f.value, unicode.IsControl) {
				t.Errorf("%s %q holds a control character", name, f.value)
			}
			if strings.Contains(f.value, secret) {
				t.Errorf("%s %q holds the secret", name, f.value)
			}
		}
		if text := e.Error(); !utf8.ValidString(text) || strings.Contains(text, secret) {
			t.Errorf("Error() = %q", text)
		}
	})
}
