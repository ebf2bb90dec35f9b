package fakegraph

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The API connectors a user flow's steps call: userFlowApiConnectorConfiguration, its steps as navigation
// properties, and the step $ref calls that set them
// (https://learn.microsoft.com/graph/api/resources/userflowapiconnectorconfiguration).

// stepOf is the {step} of the path, which must be a step the kind has, of a request that takes no query
// options (a step's connector and its $ref take none).
func stepOf(c *call, kind UserFlowKind) (string, *odataError) {
	segment := c.pathValue("step")
	for _, step := range userFlowKinds[kind].steps {
		if strings.EqualFold(step, segment) {
			_, err := parseQuery(c.r.URL.RawQuery, noQueryOptions)
			return step, err
		}
	}
	return "", unknownSegment(segment)
}

// getAPIConnectorConfiguration answers with the flow's userFlowApiConnectorConfiguration. Its steps are
// navigation properties, so only those named in $expand are written: the connector, or null for a step
// that calls none.
func (s *Server) getAPIConnectorConfiguration(c *call, kind UserFlowKind) *odataError {
	// The configuration is a complex value whose steps are navigation properties: $expand brings them in.
	configuration := entityType{name: typeAPIConnectorConfiguration, navigations: userFlowKinds[kind].steps}
	q, err := parseQuery(c.r.URL.RawQuery, queryRules{options: []string{optExpand}, shape: configuration})
	if err != nil {
		return err
	}
	expanded := q.expand
	id := c.pathValue("flow")
	s.mu.Lock()
	f, ok := s.findUserFlow(c.exchange, kind, id)
	if ok && s.flapNotFound() {
		ok = false
	}
	connectors := map[string]Connector{}
	for step, connectorID := range f.APIConnectors {
		connectors[step] = s.records[storeKey(connectorID)].connector.clone()
	}
	s.mu.Unlock()
	if !ok {
		return userFlowNotFound(id)
	}
	entity := c.url("/$metadata#identity/" + userFlowKinds[kind].collection + "('" + f.ID + "')/apiConnectorConfiguration")
	context := entity
	if len(expanded) > 0 {
		parts := make([]string, len(expanded))
		for i, step := range expanded {
			parts[i] = step + "()"
		}
		context += "(" + strings.Join(parts, ",") + ")"
	}
	body := jsonObject{{"@odata.context", context}}
	for _, step := range expanded {
		conn, ok := connectors[step]
		if !ok {
			body = append(body, jsonField{step, nil})
			continue
		}
		// The reference's example annotates each expanded step with its context, through the type cast.
		body = append(body,
			jsonField{step + "@odata.context", entity + "/" + typeAPIConnectorConfiguration + "/" + step + "/$entity"},
			jsonField{step, connectorJSON(conn, c.arrived)})
	}
	writeJSON(c.out, http.StatusOK, odataJSON, body)
	return nil
}

// getStepConnector answers GET …/apiConnectorConfiguration/{step}: the connector the step calls, or 404
// when it calls none.
func (s *Server) getStepConnector(c *call, kind UserFlowKind) *odataError {
	step, err := stepOf(c, kind)
	if err != nil {
		return err
	}
	id := c.pathValue("flow")
	s.mu.Lock()
	f, ok := s.findUserFlow(c.exchange, kind, id)
	connectorID, linked := f.APIConnectors[step]
	var conn Connector
	if linked {
		conn = s.records[storeKey(connectorID)].connector.clone()
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return userFlowNotFound(id)
	case !linked:
		return &odataError{status: http.StatusNotFound, code: "Request_ResourceNotFound",
			message: fmt.Sprintf("The %s step of user flow '%s' calls no API connector.", step, f.ID)}
	}
	context := c.url("/$metadata#identity/" + userFlowKinds[kind].collection + "('" + f.ID + "')/apiConnectorConfiguration/" + step + "/$entity")
	writeJSON(c.out, http.StatusOK, odataJSON, append(jsonObject{{"@odata.context", context}}, connectorJSON(conn, c.arrived)...))
	return nil
}

// putStepReference sets or clears a step: PUT …/{step}/$ref with {"@odata.id": "…/identity/apiConnectors/{id}"},
// or with {} to clear it. Graph answers 204 No Content either way.
func (s *Server) putStepReference(c *call, kind UserFlowKind) *odataError {
	step, err := stepOf(c, kind)
	if err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	connectorID := ""
	for _, name := range sortedKeys(members) {
		if name != "@odata.id" {
			return badRequest("BadRequest", fmt.Sprintf("The request body of a $ref may only hold '@odata.id'; '%s' is not allowed.", name))
		}
		reference, err := decodeString(name, members[name])
		if err != nil {
			return err
		}
		if connectorID, err = referencedConnector(reference); err != nil {
			return err
		}
	}
	id := c.pathValue("flow")
	s.mu.Lock()
	rec := s.writableUserFlow(c.exchange, kind, id)
	found := rec != nil
	_, connectorExists := s.records[storeKey(connectorID)]
	if found && (connectorID == "" || connectorExists) && !c.unappliedWrite(WriteStepReference) {
		if rec.changes == nil {
			rec.changes = map[string]stepChange{}
		}
		// A write on a step still replicating keeps the value from before the first one.
		change, pending := rec.changes[step]
		if !pending {
			change.before = rec.flow.APIConnectors[step]
		}
		change.at = c.arrived
		rec.changes[step] = change
		if connectorID == "" {
			delete(rec.flow.APIConnectors, step)
		} else {
			rec.flow.APIConnectors[step] = connectorID
		}
	}
	s.mu.Unlock()
	switch {
	case !found:
		return userFlowNotFound(id)
	case connectorID != "" && !connectorExists:
		return notFound(connectorID)
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// referencedConnector reads the connector id from an @odata.id: an absolute URL whose path ends in
// /{version}/identity/apiConnectors/{id}, as Graph's reference writes it
// (https://graph.microsoft.com/v1.0/identity/apiConnectors/{id}).
func referencedConnector(reference string) (string, *odataError) {
	invalid := badRequest("BadRequest", fmt.Sprintf(
		"Invalid '@odata.id' '%s': it must be the URL of an API connector, as in https://graph.microsoft.com/v1.0/identity/apiConnectors/{id}.", reference))
	u, err := url.Parse(reference)
	if err != nil || !u.IsAbs() || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", invalid
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	n := len(segments)
	if n < 4 || !slices.Contains(graphVersions, segments[n-4]) ||
		!strings.EqualFold(segments[n-3], "identity") || !strings.EqualFold(segments[n-2], "apiConnectors") {
		return "", invalid
	}
	if id := segments[n-1]; isGUID(id) {
		return strings.ToLower(id), nil
	}
	return "", badRequest("Request_BadRequest", fmt.Sprintf("Invalid object identifier '%s'.", segments[n-1]))
}
