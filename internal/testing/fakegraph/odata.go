package fakegraph

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Content types the emulator answers with: Graph's OData one, and the plain one of the login endpoints.
const (
	odataJSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
	plainJSON = "application/json; charset=utf-8"
)

// odataError is a Graph error before it is written as `{"error":{"code","message","innerError"}}`.
type odataError struct {
	status     int
	code       string
	message    string
	retryAfter time.Duration // sent as Retry-After when positive
}

func (e *odataError) Error() string { return e.code + ": " + e.message }

func badRequest(code, message string) *odataError {
	return &odataError{status: http.StatusBadRequest, code: code, message: message}
}

func notFound(id string) *odataError {
	return &odataError{
		status:  http.StatusNotFound,
		code:    "Request_ResourceNotFound",
		message: "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present.",
	}
}

// writeODataError writes err the way Graph does, innerError included, so that a client's error type can
// be tested against the real shape, request-id and all.
func (s *Server) writeODataError(ex *exchange, err *odataError) {
	if err.retryAfter > 0 {
		ex.out.Header().Set("Retry-After", formatRetryAfter(err.retryAfter, ex.faults.FractionalRetryAfter))
	}
	body := jsonObject{
		{"error", jsonObject{
			{"code", err.code},
			{"message", err.message},
			{"innerError", jsonObject{
				{"date", ex.arrived.UTC().Format("2006-01-02T15:04:05")},
				{"request-id", ex.requestID},
				{"client-request-id", ex.clientRequestID},
			}},
		}},
	}
	writeJSON(ex.out, err.status, odataJSON, body)
}

// writeJSON writes v without HTML escaping, as Graph does: a target URL with '&' stays readable in logs.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := marshalJSON(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// jsonObject is a JSON object that keeps its members in order, because Graph puts "@odata.context" first
// and $select decides which members exist at all.
type jsonObject []jsonField

type jsonField struct {
	name  string
	value any
}

func (o jsonObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, err := marshalJSON(f.name)
		if err != nil {
			return nil, err
		}
		value, err := marshalJSON(f.value)
		if err != nil {
			return nil, err
		}
		buf.Write(name)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// queryOptions are the OData system query options the emulator implements: the ones Graph documents for
// the collections it serves and the provider sends. $top and $skiptoken page a list (Graph's
// server-driven paging; https://learn.microsoft.com/graph/paging); $expand is documented for API
// connectors, which have nothing to expand. Graph v1.0 accepts the names with or without '$', and so does
// the emulator; any other option is refused rather than ignored.
type queryOptions struct {
	top   int   // 0 when absent
	after int64 // from $skiptoken: the creation sequence number of the last item already returned
}

const maxTop = 999

// parseQueryOptions reads the query of a request to an entity (collection false) or a collection.
func parseQueryOptions(rawQuery string, collection bool) (queryOptions, *odataError) {
	var opts queryOptions
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return opts, badRequest("BadRequest", "The query string is malformed: "+err.Error()+".")
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		value := values.Get(key)
		name := strings.ToLower(strings.TrimPrefix(key, "$"))
		switch {
		case collection && name == "top":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > maxTop {
				return opts, badRequest("BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", value, maxTop))
			}
			opts.top = n
		case collection && name == "skiptoken":
			after, ok := decodeSkipToken(value)
			if !ok {
				return opts, badRequest("BadRequest", "The $skiptoken is not valid; follow @odata.nextLink as given.")
			}
			opts.after = after
		case name == "expand":
			return opts, badRequest("BadRequest", fmt.Sprintf(
				"Parsing OData Select and Expand failed: Could not find a property named '%s' on type '%s'.", value, typeConnector))
		case strings.HasPrefix(key, "$") || slices.Contains([]string{"top", "skiptoken", "filter", "count", "orderby", "search", "skip", "select"}, name):
			return opts, badRequest("BadRequest", fmt.Sprintf("The query option '%s' is not supported here.", key))
		}
	}
	return opts, nil
}

const skipTokenPrefix = "fakegraph:"

// encodeSkipToken makes an opaque continuation token. It names the last item returned rather than an
// offset, so that an item deleted between pages does not make the next page skip another one.
func encodeSkipToken(lastSeq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(skipTokenPrefix + strconv.FormatInt(lastSeq, 10)))
}

func decodeSkipToken(token string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(raw), skipTokenPrefix) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(raw), skipTokenPrefix), 10, 64)
	return n, err == nil && n >= 0
}

// nextLinkQuery keeps the client's query options as it sent them and replaces the skip token.
func nextLinkQuery(rawQuery, token string) string {
	var kept []string
	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil && strings.EqualFold(strings.TrimPrefix(k, "$"), "skiptoken") {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(append(kept, "$skiptoken="+token), "&")
}
