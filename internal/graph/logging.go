package graph

import (
	"context"
	"maps"
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

// logRequest logs an attempt's body at TRACE before it is sent, passed through the redact rule (secrets
// and query values masked).
func logRequest(ctx context.Context, req *http.Request, body []byte) {
	if body == nil {
		return
	}
	ctx = withLogSubsystem(ctx)
	tflog.SubsystemTrace(ctx, LogSubsystem, "Graph request body", withField(requestFields(req), "body", redact.JSON(body)))
}

// logExchange logs an attempt once it is over: method, path, status, duration and request-id at DEBUG,
// and the answer's body at TRACE, passed through the redact rule with the request's secrets, which an
// answer may repeat.
func logExchange(ctx context.Context, req *http.Request, ex exchange, took time.Duration, secrets []string) {
	ctx = withLogSubsystem(ctx)
	fields := requestFields(req)
	fields["duration_ms"] = took.Milliseconds()
	if ex.err != nil {
		tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request failed", withField(fields, "error", ex.err.Error()))
		return
	}
	fields["status"] = ex.status
	if id := ex.header.Get("request-id"); id != "" {
		fields["request_id"] = id
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "Graph request", fields)
	if len(ex.body) > 0 {
		tflog.SubsystemTrace(ctx, LogSubsystem, "Graph response body", withField(fields, "body", redact.JSON(ex.body, secrets...)))
	}
}

// requestFields name an attempt in the log.
func requestFields(req *http.Request) map[string]any {
	fields := map[string]any{"method": req.Method, "path": req.URL.Path}
	if req.URL.RawQuery != "" {
		fields["query"] = redact.Query(req.URL.RawQuery)
	}
	return fields
}

func withField(fields map[string]any, key string, value any) map[string]any {
	out := maps.Clone(fields)
	out[key] = value
	return out
}
