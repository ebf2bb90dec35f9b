package fakegraph

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
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
