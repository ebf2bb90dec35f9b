package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of Graph calls; TF_LOG_PROVIDER_ENTRA_GRAPH sets its level.
const LogSubsystem = "graph"

// maskedValue replaces every secret in a logged body or a repeated error message.
const maskedValue = "***"

// secretKeys are the JSON members whose values are secrets, in requests and answers alike, in lower case:
// members are matched whatever their case, since a service echoing a request may not keep it.
var secretKeys = map[string]bool{
	"password":      true,
	"pkcs12value":   true,
	"client_secret": true,
	"access_token":  true,
}

func isSecretKey(key string) bool { return secretKeys[strings.ToLower(key)] }

// withLogSubsystem returns ctx with the graph subsystem logger, so that its entries carry the subsystem's
// name and level instead of tflog's warning about a subsystem nobody created.
func withLogSubsystem(ctx context.Context) context.Context {
	return tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_ENTRA_GRAPH"))
}

// loggingTransport logs every attempt: method, path, status, duration and request-id at DEBUG, and the
// bodies with secrets masked at TRACE.
type loggingTransport struct {
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := withLogSubsystem(req.Context())
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if req.URL.RawQuery != "" {
		fields["query"] = req.URL.RawQuery
	}
	var secrets []string
	if req.Body != nil && req.GetBody != nil {
		if body, err := readBody(req.GetBody); err == nil {
			secrets = secretValues(body)
			tflog.SubsystemTrace(ctx, LogSubsystem, "Graph request body", withField(fields, "body", maskBody(body)))
		}
	}

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request failed", withField(fields, "error", err.Error()))
		return nil, err
	}
	fields["status"] = resp.StatusCode
	if id := resp.Header.Get("request-id"); id != "" {
		fields["request_id"] = id
	}
	if resp.Body == nil || resp.ContentLength == 0 {
		tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request", fields)
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	resp.Body.Close()
	if err != nil {
		// An answer cut off half way is no answer: failing the round trip lets the retry policy decide,
		// and a create whose 201 was lost is then known to have an unknown outcome.
		err = fmt.Errorf("reading Graph's %d answer: %w", resp.StatusCode, err)
		tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request failed", withField(fields, "error", err.Error()))
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request", fields)
	tflog.SubsystemTrace(ctx, LogSubsystem, "Graph response body", withField(fields, "body", maskBody(body, secrets...)))
	return resp, nil
}

func withField(fields map[string]any, key string, value any) map[string]any {
	out := make(map[string]any, len(fields)+1)
	for k, v := range fields {
		out[k] = v
	}
	out[key] = value
	return out
}

func readBody(getBody func() (io.ReadCloser, error)) ([]byte, error) {
	body, err := getBody()
	if err != nil {
		return nil, err
	}
	defer body.Close()
	return io.ReadAll(body)
}

// maskBody returns a JSON body for the log with the value of every secret member replaced, and every one
// of secrets (the request's, which an answer may repeat in a message) removed from the other strings. A
// body that is not JSON is not logged at all, since nothing can be said about what it holds.
func maskBody(body []byte, secrets ...string) string {
	if len(body) == 0 {
		return ""
	}
	doc, ok := decodeJSONDocument(body)
	if !ok {
		return "(a body that is not JSON, not logged)"
	}
	doc = walkStrings(doc, func(key, value string) any {
		if isSecretKey(key) {
			return maskedValue
		}
		return redactSecrets(value, secrets)
	})
	masked, err := marshalJSON(doc)
	if err != nil {
		return "(not logged)"
	}
	return string(masked)
}

// secretValues lists the non-empty secret values in a JSON body, longest first, so that redacting them in
// order never leaves the rest of a longer secret that holds a shorter one.
func secretValues(body []byte) []string {
	doc, ok := decodeJSONDocument(body)
	if !ok {
		return nil
	}
	var found []string
	walkStrings(doc, func(key, value string) any {
		if isSecretKey(key) && value != "" && !slices.Contains(found, value) {
			found = append(found, value)
		}
		return value
	})
	slices.SortFunc(found, func(a, b string) int { return len(b) - len(a) })
	return found
}

// decodeJSONDocument reads one JSON value, keeping numbers as written so that a logged body shows them as
// Graph sent them.
func decodeJSONDocument(body []byte) (any, bool) {
	if len(body) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	return doc, true
}

// walkStrings calls replace for every string value of an object member, at any depth, with the member's
// name ("" inside an array), and puts back what it returns.
func walkStrings(doc any, replace func(key, value string) any) any {
	return walkValue("", doc, replace)
}

func walkValue(key string, doc any, replace func(key, value string) any) any {
	switch v := doc.(type) {
	case map[string]any:
		for k, value := range v {
			v[k] = walkValue(k, value, replace)
		}
	case []any:
		for i, value := range v {
			// A secret member's array of strings is secret too.
			v[i] = walkValue(key, value, replace)
		}
	case string:
		return replace(key, v)
	}
	return doc
}
