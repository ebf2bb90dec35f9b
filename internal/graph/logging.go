package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of Graph calls; TF_LOG_PROVIDER_ENTRA_GRAPH sets its level.
const LogSubsystem = "graph"

// maskedValue replaces every secret in a logged body or a repeated error message.
const maskedValue = "***"

// secretKeys are the JSON members whose values are secrets, in requests and answers alike.
var secretKeys = map[string]bool{
	"password":      true,
	"pkcs12Value":   true,
	"client_secret": true,
	"access_token":  true,
}

// loggingTransport logs every attempt: method, path, status, duration and request-id at DEBUG, and the
// bodies with secrets masked at TRACE.
type loggingTransport struct {
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := tflog.NewSubsystem(req.Context(), LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_ENTRA_GRAPH"))
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if req.URL.RawQuery != "" {
		fields["query"] = req.URL.RawQuery
	}
	if req.Body != nil && req.GetBody != nil {
		if body, err := readBody(req.GetBody); err == nil {
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
	tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request", fields)
	if resp.Body != nil && resp.ContentLength != 0 {
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil {
			return resp, nil
		}
		tflog.SubsystemTrace(ctx, LogSubsystem, "Graph response body", withField(fields, "body", maskBody(body)))
	}
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

// maskBody returns a JSON body with the value of every secret member replaced. A body that is not JSON is
// not logged at all, since nothing can be said about what it holds.
func maskBody(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return "(a body that is not JSON, not logged)"
	}
	masked, err := json.Marshal(walkSecrets(doc, func(string) any { return maskedValue }))
	if err != nil {
		return "(not logged)"
	}
	return string(masked)
}

// secretValues lists the non-empty secret values in a JSON body.
func secretValues(body []byte) []string {
	var doc any
	if len(body) == 0 || json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var found []string
	walkSecrets(doc, func(secret string) any {
		if secret != "" {
			found = append(found, secret)
		}
		return secret
	})
	return found
}

// walkSecrets calls replace for every string value of a secret member, at any depth, and puts back what
// it returns.
func walkSecrets(doc any, replace func(string) any) any {
	switch v := doc.(type) {
	case map[string]any:
		for key, value := range v {
			if s, ok := value.(string); ok && secretKeys[key] {
				v[key] = replace(s)
				continue
			}
			v[key] = walkSecrets(value, replace)
		}
	case []any:
		for i, value := range v {
			v[i] = walkSecrets(value, replace)
		}
	}
	return doc
}
