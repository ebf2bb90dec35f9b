package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// LogSubsystem is the tflog subsystem of Graph calls; TF_LOG_PROVIDER_ENTRA_GRAPH sets its level.
const LogSubsystem = "graph"

// withLogSubsystem returns ctx with the graph subsystem logger, so that its entries carry the subsystem's
// name and level instead of tflog's warning about a subsystem nobody created.
func withLogSubsystem(ctx context.Context) context.Context {
	return tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_ENTRA_GRAPH"))
}

// loggingTransport logs every attempt: method, path, status, duration and request-id at DEBUG, and the
// bodies at TRACE, everything passed through the redact rule (secrets and query values masked).
type loggingTransport struct {
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := withLogSubsystem(req.Context())
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if req.URL.RawQuery != "" {
		fields["query"] = redact.Query(req.URL.RawQuery)
	}
	var secrets []string
	if req.Body != nil && req.GetBody != nil {
		if body, err := readBody(req.GetBody); err == nil {
			secrets = redact.Secrets(body)
			tflog.SubsystemTrace(ctx, LogSubsystem, "Graph request body", withField(fields, "body", redact.JSON(body)))
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
	tflog.SubsystemTrace(ctx, LogSubsystem, "Graph response body", withField(fields, "body", redact.JSON(body, secrets...)))
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
