package fakegraph

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// UserFlowKind is one of Graph's two user-flow collections.
type UserFlowKind string

// The user-flow kinds.
const (
	// B2XUserFlow is a b2xIdentityUserFlow (External ID self-service sign-up), served on v1.0 and beta
	// under /identity/b2xUserFlows, with ids that start with B2X_1_.
	B2XUserFlow UserFlowKind = "b2x"
	// B2CUserFlow is a b2cIdentityUserFlow (Azure AD B2C), served on beta only under
	// /identity/b2cUserFlows, with ids that start with B2C_1_.
	B2CUserFlow UserFlowKind = "b2c"
)

// The steps of userFlowApiConnectorConfiguration, as Graph names its navigation properties.
const (
	StepPostFederationSignup    = "postFederationSignup"
	StepPostAttributeCollection = "postAttributeCollection"
	StepPreTokenIssuance        = "preTokenIssuance"
)

// userFlowKind is what the emulator knows of one kind, from the Graph reference (b2xIdentityUserFlow,
// b2cIdentityUserFlow) and the beta metadata (preTokenIssuance, on B2C flows).
type userFlowKind struct {
	collection string
	typeName   string
	idPrefix   string
	versions   []string
	steps      []string
	properties []string // in the order Graph writes them
}

// entity is the kind's type as $select and $expand see it.
func (k userFlowKind) entity() entityType {
	return entityType{name: k.typeName, properties: k.properties}
}

var userFlowKinds = map[UserFlowKind]userFlowKind{
	B2XUserFlow: {
		collection: "b2xUserFlows", typeName: "microsoft.graph.b2xIdentityUserFlow", idPrefix: "B2X_1_",
		versions:   []string{"v1.0", "beta"},
		steps:      []string{StepPostFederationSignup, StepPostAttributeCollection},
		properties: []string{"id", "userFlowType", "userFlowTypeVersion", "apiConnectorConfiguration"},
	},
	B2CUserFlow: {
		collection: "b2cUserFlows", typeName: "microsoft.graph.b2cIdentityUserFlow", idPrefix: "B2C_1_",
		versions: []string{"beta"},
		steps:    []string{StepPostFederationSignup, StepPostAttributeCollection, StepPreTokenIssuance},
		properties: []string{
			"id", "userFlowType", "userFlowTypeVersion", "isLanguageCustomizationEnabled", "defaultLanguageTag", "apiConnectorConfiguration",
		},
	},
}

const typeAPIConnectorConfiguration = "microsoft.graph.userFlowApiConnectorConfiguration"

// UserFlow is a user flow as the emulator stores it. APIConnectors maps a step to the id of the connector
// it calls; a step that calls none is absent.
type UserFlow struct {
	Kind                UserFlowKind
	ID                  string
	UserFlowType        string  // default signUpOrSignIn
	UserFlowTypeVersion float64 // default 1
	APIConnectors       map[string]string
}

func (f UserFlow) clone() UserFlow {
	f.APIConnectors = maps.Clone(f.APIConnectors)
	return f
}

type userFlowRecord struct {
	flow UserFlow
	seq  int64
	// changes are the steps written through Graph, with what they held before, for replication lag.
	changes map[string]stepChange
}

// stepChange is a step written through Graph: until at plus the replication lag, reads see before.
type stepChange struct {
	before string // the connector id before the write; "" for none
	at     time.Time
}

// userFlowKindOf tells a flow's kind from its id prefix, as Graph assigns them.
func userFlowKindOf(id string) (UserFlowKind, bool) {
	for kind, k := range userFlowKinds {
		if len(id) > len(k.idPrefix) && strings.EqualFold(id[:len(k.idPrefix)], k.idPrefix) {
			return kind, true
		}
	}
	return "", false
}

// PutUserFlow stores a user flow as if it had been made in the portal, replacing one with the same id.
// The provider never creates flows, so tests and the emulator command seed them with this. A Kind left
// empty is taken from the id's prefix; an id without its kind's prefix gets it, as Graph prefixes the
// name it is given. Steps naming a connector that does not exist are kept: they read as calling none.
func (s *Server) PutUserFlow(f UserFlow) (UserFlow, error) {
	f = f.clone()
	if f.Kind == "" {
		kind, ok := userFlowKindOf(f.ID)
		if !ok {
			return UserFlow{}, fmt.Errorf("fakegraph: user flow id %q starts with neither B2X_1_ nor B2C_1_, and no Kind is given", f.ID)
		}
		f.Kind = kind
	}
	k, ok := userFlowKinds[f.Kind]
	if !ok {
		return UserFlow{}, fmt.Errorf("fakegraph: %q is not a user flow kind", f.Kind)
	}
	if kind, ok := userFlowKindOf(f.ID); !ok || kind != f.Kind {
		f.ID = k.idPrefix + f.ID
	}
	f.UserFlowType = cmp.Or(f.UserFlowType, "signUpOrSignIn")
	f.UserFlowTypeVersion = cmp.Or(f.UserFlowTypeVersion, 1)
	for step := range f.APIConnectors {
		if !slices.Contains(k.steps, step) {
			return UserFlow{}, fmt.Errorf("fakegraph: a %s user flow has no step %q", f.Kind, step)
		}
	}
	if f.APIConnectors == nil {
		f.APIConnectors = map[string]string{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.userFlows == nil {
		s.userFlows = map[string]*userFlowRecord{}
	}
	key := storeKey(f.ID)
	if rec, ok := s.userFlows[key]; ok {
		rec.flow, rec.changes = f.clone(), nil
		return f, nil
	}
	s.nextSeq++
	s.userFlows[key] = &userFlowRecord{flow: f.clone(), seq: s.nextSeq}
	return f, nil
}

// UserFlow returns a stored flow as Graph would describe it: a step whose connector was deleted since
// calls none.
func (s *Server) UserFlow(id string) (UserFlow, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.userFlows[storeKey(id)]
	if !ok {
		return UserFlow{}, false
	}
	return s.liveUserFlow(rec), true
}

// UserFlows returns every stored flow, in the order they were stored.
func (s *Server) UserFlows() []UserFlow {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []UserFlow
	for _, rec := range s.sortedUserFlows("") {
		out = append(out, s.liveUserFlow(rec))
	}
	return out
}

// EditUserFlow changes a stored flow out of band, as someone in the portal would, and replication lag does
// not hide the change; its id and kind cannot change. It reports false when there is no such flow.
func (s *Server) EditUserFlow(id string, edit func(*UserFlow)) bool {
	f, ok := s.UserFlow(id)
	if !ok {
		return false
	}
	edit(&f)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.userFlows[storeKey(id)]
	if !ok {
		return false
	}
	f.ID, f.Kind = rec.flow.ID, rec.flow.Kind
	if f.APIConnectors == nil {
		f.APIConnectors = map[string]string{}
	}
	rec.flow = f.clone()
	// An edit in the portal is not hidden by replication lag.
	rec.changes = nil
	return true
}

// DeleteUserFlow removes a flow out of band.
func (s *Server) DeleteUserFlow(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.userFlows[storeKey(id)]; !ok {
		return false
	}
	delete(s.userFlows, storeKey(id))
	return true
}

// liveUserFlow is a copy of rec's flow in which a step whose connector no longer exists calls none. The
// reference documents no precondition on deleting a connector that a flow calls (DELETE answers 204), so
// the emulator deletes it and the flow stops calling it. The caller holds s.mu.
func (s *Server) liveUserFlow(rec *userFlowRecord) UserFlow {
	f := rec.flow.clone()
	for step, id := range f.APIConnectors {
		if _, ok := s.records[storeKey(id)]; !ok {
			delete(f.APIConnectors, step)
		}
	}
	return f
}

// sortedUserFlows lists the records of one kind ("" for all) in the order they were stored; the caller
// holds s.mu.
func (s *Server) sortedUserFlows(kind UserFlowKind) []*userFlowRecord {
	var recs []*userFlowRecord
	for _, rec := range s.userFlows {
		if kind == "" || rec.flow.Kind == kind {
			recs = append(recs, rec)
		}
	}
	slices.SortFunc(recs, func(a, b *userFlowRecord) int { return cmp.Compare(a.seq, b.seq) })
	return recs
}

// userFlowRoutes registers the user-flow operations of both kinds on rt.
func (s *Server) userFlowRoutes(rt *router) {
	for _, kind := range []UserFlowKind{B2XUserFlow, B2CUserFlow} {
		collection := "/identity/" + userFlowKinds[kind].collection
		rt.graph("GET "+collection, userFlowsRead, s.userFlowOperation(kind, s.listUserFlows))
		rt.graph("GET "+collection+"/{flow}", userFlowsRead, s.userFlowOperation(kind, s.getUserFlow))
		rt.graph("GET "+collection+"/{flow}/apiConnectorConfiguration", userFlowsRead, s.userFlowOperation(kind, s.getAPIConnectorConfiguration))
		rt.graph("GET "+collection+"/{flow}/apiConnectorConfiguration/{step}", userFlowsRead, s.userFlowOperation(kind, s.getStepConnector))
		rt.graph("PUT "+collection+"/{flow}/apiConnectorConfiguration/{step}/$ref", userFlowsWrite, s.userFlowOperation(kind, s.putStepReference))
	}
}

// userFlowOperation serves a user-flow operation on the versions that have the kind's collection, in a
// tenant that has it: on another version the collection is not in the metadata, and Graph cannot route
// the segment; a tenant of the other kind refuses the call.
func (s *Server) userFlowOperation(kind UserFlowKind, op func(*call, UserFlowKind) *odataError) graphHandler {
	return func(c *call) *odataError {
		k := userFlowKinds[kind]
		if !slices.Contains(k.versions, c.version) {
			return unknownSegment(k.collection)
		}
		if err := s.servesUserFlows(kind); err != nil {
			return err
		}
		return op(c, kind)
	}
}

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

func unknownSegment(segment string) *odataError {
	return badRequest("BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segment))
}

// findUserFlow returns the flow with id in kind's collection as a Graph read at ex sees it: steps written
// within the replication lag still hold what they held before, and a step whose connector is gone calls
// none. The caller holds s.mu.
func (s *Server) findUserFlow(ex *exchange, kind UserFlowKind, id string) (UserFlow, bool) {
	rec, ok := s.userFlows[storeKey(id)]
	if !ok || rec.flow.Kind != kind {
		return UserFlow{}, false
	}
	seen := rec.flow.clone()
	for step, change := range rec.changes {
		if !ex.arrived.Before(change.at.Add(ex.faults.ReplicationLag)) {
			delete(rec.changes, step)
			continue
		}
		ex.stale = true
		if change.before == "" {
			delete(seen.APIConnectors, step)
		} else {
			seen.APIConnectors[step] = change.before
		}
	}
	return s.liveUserFlow(&userFlowRecord{flow: seen}), true
}

func userFlowNotFound(id string) *odataError {
	return &odataError{
		status:  http.StatusNotFound,
		code:    "Request_ResourceNotFound",
		message: "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present.",
	}
}

// userFlowJSON is a flow's representation. apiConnectorConfiguration always reads as {}: the create pages
// say so of that property, whose steps are navigation properties read through their own call.
func userFlowJSON(f UserFlow) jsonObject {
	out := jsonObject{{"id", f.ID}, {"userFlowType", f.UserFlowType}, {"userFlowTypeVersion", f.UserFlowTypeVersion}}
	if f.Kind == B2CUserFlow {
		out = append(out, jsonField{"isLanguageCustomizationEnabled", false}, jsonField{"defaultLanguageTag", nil})
	}
	return append(out, jsonField{"apiConnectorConfiguration", jsonObject{}})
}

func (s *Server) listUserFlows(c *call, kind UserFlowKind) *odataError {
	k := userFlowKinds[kind]
	q, err := parseQuery(c.r.URL.RawQuery, readCollection(k.entity()))
	if err != nil {
		return err
	}
	var items []listItem
	s.mu.Lock()
	for _, rec := range s.sortedUserFlows(kind) {
		items = append(items, listItem{position: rec.seq, value: userFlowJSON(s.liveUserFlow(rec))})
	}
	s.mu.Unlock()
	s.writeList(c, c.url("/$metadata#identity/"+k.collection+q.contextSelection()), "/identity/"+k.collection, q, items)
	return nil
}

func (s *Server) getUserFlow(c *call, kind UserFlowKind) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readEntity(userFlowKinds[kind].entity()))
	if err != nil {
		return err
	}
	id := c.pathValue("flow")
	s.mu.Lock()
	f, ok := s.findUserFlow(c.exchange, kind, id)
	if ok && s.flapNotFound() {
		ok = false
	}
	s.mu.Unlock()
	if !ok {
		return userFlowNotFound(id)
	}
	context := c.url("/$metadata#identity/" + userFlowKinds[kind].collection + q.contextSelection() + "/$entity")
	writeJSON(c.out, http.StatusOK, odataJSON, append(jsonObject{{"@odata.context", context}}, q.project(userFlowJSON(f))...))
	return nil
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
	rec, found := s.userFlows[storeKey(id)]
	found = found && rec.flow.Kind == kind
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
