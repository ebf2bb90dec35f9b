package fakegraph

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
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
// b2cIdentityUserFlow, their create pages) and the beta metadata (preTokenIssuance, on B2C flows).
type userFlowKind struct {
	collection string
	typeName   string
	idPrefix   string
	versions   []string
	steps      []string
	properties []string // in the order Graph writes them
	// flowTypes are the userFlowType values a create accepts.
	flowTypes []string
	// version is the one userFlowTypeVersion a create accepts; 0 accepts any positive number.
	version float64
	// startProviders are the identity providers a flow made through Graph starts with. The product page for
	// self-service sign-up says Microsoft Entra ID is the default provider, so a b2x flow starts with
	// AADSignup-OAUTH; nothing says a B2C flow starts with any.
	startProviders []string
}

// userFlowNavigations are the navigation properties of both kinds, which $select may name and $expand
// brings in (languages excepted: the emulator does not model them).
var userFlowNavigations = []string{"identityProviders", "languages", "userAttributeAssignments", "userFlowIdentityProviders"}

// entity is the kind's type as $select and $expand see it.
func (k userFlowKind) entity() entityType {
	return entityType{name: k.typeName, properties: k.properties, navigations: userFlowNavigations}
}

var userFlowKinds = map[UserFlowKind]userFlowKind{
	B2XUserFlow: {
		collection: "b2xUserFlows", typeName: "microsoft.graph.b2xIdentityUserFlow", idPrefix: "B2X_1_",
		versions:       []string{"v1.0", "beta"},
		steps:          []string{StepPostFederationSignup, StepPostAttributeCollection},
		properties:     []string{"id", "userFlowType", "userFlowTypeVersion", "apiConnectorConfiguration"},
		flowTypes:      []string{"signUpOrSignIn"},
		version:        1,
		startProviders: []string{"AADSignup-OAUTH"},
	},
	B2CUserFlow: {
		collection: "b2cUserFlows", typeName: "microsoft.graph.b2cIdentityUserFlow", idPrefix: "B2C_1_",
		versions: []string{"beta"},
		steps:    []string{StepPostFederationSignup, StepPostAttributeCollection, StepPreTokenIssuance},
		properties: []string{
			"id", "userFlowType", "userFlowTypeVersion", "isLanguageCustomizationEnabled", "defaultLanguageTag", "apiConnectorConfiguration",
		},
		flowTypes: []string{"signUp", "signIn", "signUpOrSignIn", "passwordReset", "profileUpdate", "resourceOwner"},
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

	// IsLanguageCustomizationEnabled and DefaultLanguageTag are a B2C flow's language settings; an empty
	// tag reads as null. A b2x flow has neither.
	IsLanguageCustomizationEnabled bool
	DefaultLanguageTag             string

	// IdentityProviders are the ids of the tenant's identity providers (IdentityProvider.ID) the flow
	// offers, in the order they were added.
	IdentityProviders []string

	// AttributeAssignments are the attributes the flow's sign-up page collects, in the page's order.
	AttributeAssignments []AttributeAssignment
}

func (f UserFlow) clone() UserFlow {
	f.APIConnectors = maps.Clone(f.APIConnectors)
	f.IdentityProviders = slices.Clone(f.IdentityProviders)
	f.AttributeAssignments = cloneAssignments(f.AttributeAssignments)
	return f
}

type userFlowRecord struct {
	flow UserFlow
	seq  int64
	// createdAt is when Graph created the flow; zero for a seeded one, which replication lag does not hide.
	createdAt time.Time
	// deletedAt is when Graph deleted the flow, which reads still see while replication lag lasts.
	deletedAt time.Time
	// changes are the steps written through Graph, with what they held before, for replication lag.
	changes map[string]stepChange
	// providers and assignments are the flow's identity providers and attribute assignments (their order
	// included) as reads see them while a write through Graph replicates.
	providers   lagged[[]string]
	assignments lagged[[]AttributeAssignment]
}

// stepChange is a step written through Graph: until at plus the replication lag, reads see before.
type stepChange struct {
	before string // the connector id before the write; "" for none
	at     time.Time
}

// lagged keeps what a part of a stored object held before a write through Graph, which reads see until
// the replication lag after the write has passed, as replicas that have not caught up would answer.
type lagged[T any] struct {
	before  T
	at      time.Time
	pending bool
}

// wrote records a write at now over what held current. A write while an earlier one still replicates
// keeps the value from before the first.
func (l *lagged[T]) wrote(current T, now time.Time, clone func(T) T) {
	if !l.pending {
		l.before, l.pending = clone(current), true
	}
	l.at = now
}

// seen is what a read at ex sees of a part that holds current; the request log marks a read that sees
// the value from before a write stale.
func (l *lagged[T]) seen(current T, ex *exchange) T {
	if l.pending && ex.arrived.Before(l.at.Add(ex.faults.ReplicationLag)) {
		ex.stale = true
		return l.before
	}
	l.pending = false
	return current
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

// PutUserFlow stores a user flow as if it had been made in the portal, replacing one with the same id, and
// replication lag does not hide it. A Kind left empty is taken from the id's prefix; an id without its
// kind's prefix gets it. Steps naming a connector that does not exist are kept: they read as calling none.
// The flow is stored as given: unlike a flow made through Graph, a b2x flow gets no default identity
// provider. Its identity providers must be the tenant's and its assignments name existing attributes,
// each once.
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
	if f.Kind == B2XUserFlow && (f.IsLanguageCustomizationEnabled || f.DefaultLanguageTag != "") {
		return UserFlow{}, fmt.Errorf("fakegraph: a b2x user flow has no language settings")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkFlowParts(&f); err != nil {
		return UserFlow{}, err
	}
	if s.userFlows == nil {
		s.userFlows = map[string]*userFlowRecord{}
	}
	key := storeKey(f.ID)
	if rec, ok := s.userFlows[key]; ok {
		*rec = userFlowRecord{flow: f.clone(), seq: rec.seq}
		return f, nil
	}
	s.nextSeq++
	s.userFlows[key] = &userFlowRecord{flow: f.clone(), seq: s.nextSeq}
	return f, nil
}

// checkFlowParts checks a seeded or edited flow's identity providers and assignments against the tenant,
// and writes their ids in the tenant's spelling. The caller holds s.mu.
func (s *Server) checkFlowParts(f *UserFlow) error {
	var providers []string
	for _, id := range f.IdentityProviders {
		p, ok := s.providers[storeKey(id)]
		if !ok {
			return fmt.Errorf("fakegraph: the tenant has no identity provider %q", id)
		}
		if slices.Contains(providers, p.provider.ID) {
			return fmt.Errorf("fakegraph: user flow %s lists identity provider %q twice", f.ID, id)
		}
		providers = append(providers, p.provider.ID)
	}
	f.IdentityProviders = providers
	var assigned []string
	for i, a := range f.AttributeAssignments {
		attr, ok := s.attributes[storeKey(a.ID)]
		if !ok {
			return fmt.Errorf("fakegraph: no user flow attribute %q to assign", a.ID)
		}
		if slices.Contains(assigned, attr.attribute.ID) {
			return fmt.Errorf("fakegraph: user flow %s assigns attribute %q twice", f.ID, a.ID)
		}
		assigned = append(assigned, attr.attribute.ID)
		a.ID = attr.attribute.ID
		a.DisplayName = cmp.Or(a.DisplayName, attr.attribute.DisplayName)
		if a.UserInputType = canonicalEnum(cmp.Or(a.UserInputType, "textBox"), userInputTypes); a.UserInputType == "" {
			return fmt.Errorf("fakegraph: the assignment of %q has no valid UserInputType", a.ID)
		}
		if err := a.check(); err != nil {
			return fmt.Errorf("fakegraph: the assignment of %q: %s", a.ID, err.message)
		}
		f.AttributeAssignments[i] = a
	}
	return nil
}

// UserFlow returns a stored flow as Graph would describe it: a step whose connector was deleted since
// calls none, and a provider or attribute deleted out of band is no longer offered or collected.
func (s *Server) UserFlow(id string) (UserFlow, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.userFlows[storeKey(id)]
	if !ok || !rec.deletedAt.IsZero() {
		return UserFlow{}, false
	}
	return s.liveUserFlow(rec.flow), true
}

// UserFlows returns every stored flow, in the order they were stored.
func (s *Server) UserFlows() []UserFlow {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []UserFlow
	for _, rec := range s.sortedUserFlows("") {
		out = append(out, s.liveUserFlow(rec.flow))
	}
	return out
}

// EditUserFlow changes a stored flow out of band, as someone in the portal would, and replication lag does
// not hide the change; its id and kind cannot change, and its identity providers and assignments must
// still be the tenant's. It reports false when there is no such flow or the edit is not one the portal
// could make.
func (s *Server) EditUserFlow(id string, edit func(*UserFlow)) bool {
	f, ok := s.UserFlow(id)
	if !ok {
		return false
	}
	edit(&f)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.userFlows[storeKey(id)]
	if !ok || !rec.deletedAt.IsZero() {
		return false
	}
	f.ID, f.Kind = rec.flow.ID, rec.flow.Kind
	if f.APIConnectors == nil {
		f.APIConnectors = map[string]string{}
	}
	f = f.clone()
	if s.checkFlowParts(&f) != nil {
		return false
	}
	// An edit in the portal is not hidden by replication lag.
	*rec = userFlowRecord{flow: f, seq: rec.seq}
	return true
}

// DeleteUserFlow removes a flow out of band; replication lag does not keep it readable.
func (s *Server) DeleteUserFlow(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.userFlows[storeKey(id)]
	if !ok {
		return false
	}
	delete(s.userFlows, storeKey(id))
	return rec.deletedAt.IsZero()
}

// liveUserFlow is a copy of f in which a step whose connector no longer exists calls none, and a provider
// or attribute deleted out of band is gone. The reference documents no precondition on deleting a
// connector that a flow calls (DELETE answers 204), so the emulator deletes it and the flow stops calling
// it. The caller holds s.mu.
func (s *Server) liveUserFlow(f UserFlow) UserFlow {
	f = f.clone()
	for step, id := range f.APIConnectors {
		if _, ok := s.records[storeKey(id)]; !ok {
			delete(f.APIConnectors, step)
		}
	}
	f.IdentityProviders = slices.DeleteFunc(f.IdentityProviders, func(id string) bool { return s.providers[storeKey(id)] == nil })
	f.AttributeAssignments = slices.DeleteFunc(f.AttributeAssignments, func(a AttributeAssignment) bool { return s.attributes[storeKey(a.ID)] == nil })
	return f
}

// sortedUserFlows lists the flows of one kind ("" for all) in the order they were stored, without the
// ones deleted through Graph; the caller holds s.mu.
func (s *Server) sortedUserFlows(kind UserFlowKind) []*userFlowRecord {
	var recs []*userFlowRecord
	for _, rec := range s.userFlows {
		if (kind == "" || rec.flow.Kind == kind) && rec.deletedAt.IsZero() {
			recs = append(recs, rec)
		}
	}
	slices.SortFunc(recs, func(a, b *userFlowRecord) int { return cmp.Compare(a.seq, b.seq) })
	return recs
}

// userFlowRoutes registers the user-flow operations of both kinds on rt: the flows themselves, the API
// connectors of their steps, their identity providers and their attribute assignments.
func (s *Server) userFlowRoutes(rt *router) {
	for _, kind := range []UserFlowKind{B2XUserFlow, B2CUserFlow} {
		flows := "/identity/" + userFlowKinds[kind].collection
		flow := flows + "/{flow}"
		op := func(h func(*call, UserFlowKind) *odataError) graphHandler { return s.userFlowOperation(kind, h) }
		rt.graph("GET "+flows, userFlowsRead, op(s.listUserFlows))
		rt.graph("POST "+flows, userFlowsWrite, op(s.createUserFlow))
		rt.graph("GET "+flow, userFlowsRead, op(s.getUserFlow))
		if kind == B2CUserFlow { // b2x flows have no update; the router answers a PATCH with 405
			rt.graph("PATCH "+flow, userFlowsWrite, op(s.updateUserFlow))
		}
		rt.graph("DELETE "+flow, userFlowsWrite, op(s.deleteUserFlow))

		rt.graph("GET "+flow+"/apiConnectorConfiguration", userFlowsRead, op(s.getAPIConnectorConfiguration))
		rt.graph("GET "+flow+"/apiConnectorConfiguration/{step}", userFlowsRead, op(s.getStepConnector))
		rt.graph("PUT "+flow+"/apiConnectorConfiguration/{step}/$ref", userFlowsWrite, op(s.putStepReference))

		// Both navigations to a flow's identity providers: the current one and the deprecated one.
		for _, nav := range providerNavigations {
			rt.graph("GET "+flow+"/"+nav.name, userFlowsRead, op(s.listFlowProviders(nav)))
			rt.graph("GET "+flow+"/"+nav.name+"/{provider}", userFlowsRead, op(s.getFlowProvider(nav)))
			rt.graph("POST "+flow+"/"+nav.name+"/$ref", userFlowsWrite, op(s.addFlowProvider))
			if nav.name == "userFlowIdentityProviders" { // the b2x beta page adds with PATCH
				rt.graph("PATCH "+flow+"/"+nav.name+"/$ref", userFlowsWrite, op(s.addFlowProvider))
			}
			rt.graph("DELETE "+flow+"/"+nav.name+"/$ref", userFlowsWrite, op(s.removeFlowProviderByQuery))
			rt.graph("DELETE "+flow+"/"+nav.name+"/{provider}/$ref", userFlowsWrite, op(s.removeFlowProvider))
		}

		assignments := flow + "/userAttributeAssignments"
		rt.graph("GET "+assignments, userFlowsRead, op(s.listAssignments))
		rt.graph("POST "+assignments, userFlowsWrite, op(s.createAssignment))
		rt.graph("GET "+assignments+"/{assignment}", userFlowsRead, op(s.getAssignment))
		rt.graph("PATCH "+assignments+"/{assignment}", userFlowsWrite, op(s.updateAssignment))
		rt.graph("DELETE "+assignments+"/{assignment}", userFlowsWrite, op(s.deleteAssignment))
		rt.graph("GET "+assignments+"/{assignment}/userAttribute", userFlowsRead, op(s.getAssignedAttribute))
		// A function may be called with its parentheses, as the SDKs call it, or without, as the reference does.
		rt.graph("GET "+assignments+"/getOrder", userFlowsRead, op(s.getAssignmentOrder))
		rt.graph("GET "+assignments+"/getOrder()", userFlowsRead, op(s.getAssignmentOrder))
		rt.graph("POST "+assignments+"/setOrder", userFlowsWrite, op(s.setAssignmentOrder))
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

func unknownSegment(segment string) *odataError {
	return badRequest("BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segment))
}

// findUserFlow returns the flow with id in kind's collection as a Graph read at ex sees it: a flow created
// within the replication lag is not there yet and one deleted within it still is; steps, identity providers
// and assignments written within it still hold what they held before; and a step whose connector is gone
// calls none. The caller holds s.mu.
func (s *Server) findUserFlow(ex *exchange, kind UserFlowKind, id string) (UserFlow, bool) {
	key := storeKey(id)
	rec, ok := s.userFlows[key]
	if !ok || rec.flow.Kind != kind || !rec.visible(ex) {
		return UserFlow{}, false
	}
	if !rec.deletedAt.IsZero() {
		if !ex.arrived.Before(rec.deletedAt.Add(ex.faults.ReplicationLag)) {
			delete(s.userFlows, key)
			return UserFlow{}, false
		}
		ex.stale = true
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
	seen.IdentityProviders = slices.Clone(rec.providers.seen(seen.IdentityProviders, ex))
	seen.AttributeAssignments = cloneAssignments(rec.assignments.seen(seen.AttributeAssignments, ex))
	return s.liveUserFlow(seen), true
}

// visible reports whether replication lag lets a Graph request at ex see a flow Graph created.
func (rec *userFlowRecord) visible(ex *exchange) bool {
	return rec.createdAt.IsZero() || !ex.arrived.Before(rec.createdAt.Add(ex.faults.ReplicationLag))
}

// writableUserFlow is the flow a write through Graph at ex acts on: one that exists, is not deleted and
// that replication lag does not hide. The caller holds s.mu.
func (s *Server) writableUserFlow(ex *exchange, kind UserFlowKind, id string) *userFlowRecord {
	rec, ok := s.userFlows[storeKey(id)]
	if !ok || rec.flow.Kind != kind || !rec.deletedAt.IsZero() || !rec.visible(ex) {
		return nil
	}
	return rec
}

// readSubresource finds the flow a GET of one of its parts names, as findUserFlow does, and uses up a 404
// flap (Faults.NotFoundFlaps) when one is due. The caller holds s.mu.
func (s *Server) readSubresource(c *call, kind UserFlowKind) (UserFlow, *odataError) {
	id := c.pathValue("flow")
	f, ok := s.findUserFlow(c.exchange, kind, id)
	if !ok || s.flapNotFound() {
		return UserFlow{}, userFlowNotFound(id)
	}
	return f, nil
}

// codeUserFlowService is the error code of the refusals that come from the user-flow service itself rather
// than from Graph's OData layer: its rules on names, types, duplicates and the objects a body names. Both
// answers of that service seen from real Graph carry it (400 for a create without an id,
// microsoftgraph/microsoft-graph-docs-contrib#5493; 403 from a tenant of the other kind, #8478). Refusals
// of the OData layer (a body that is not JSON, a property the type lacks, a query option) keep code
// BadRequest, and a missing object Request_ResourceNotFound.
const codeUserFlowService = "AADB2C"

// userFlowServiceError is a refusal of the user-flow service.
func userFlowServiceError(status int, format string, args ...any) *odataError {
	return &odataError{status: status, code: codeUserFlowService, message: fmt.Sprintf(format, args...)}
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
		var tag any
		if f.DefaultLanguageTag != "" {
			tag = f.DefaultLanguageTag
		}
		out = append(out, jsonField{"isLanguageCustomizationEnabled", f.IsLanguageCustomizationEnabled}, jsonField{"defaultLanguageTag", tag})
	}
	return append(out, jsonField{"apiConnectorConfiguration", jsonObject{}})
}

// expandableFlowNavigations write the navigation properties of a flow that $expand brings in; the caller
// holds s.mu. languages, which the emulator does not model, is not among them.
var expandableFlowNavigations = map[string]func(s *Server, f UserFlow) any{
	"identityProviders":         func(s *Server, f UserFlow) any { return s.flowProvidersJSON(f, legacyProviderJSON) },
	"userFlowIdentityProviders": func(s *Server, f UserFlow) any { return s.flowProvidersJSON(f, providerJSON) },
	"userAttributeAssignments":  func(s *Server, f UserFlow) any { return s.assignmentsJSON(f, queryOptions{}) },
}

// expandedFlowJSON is a flow's representation with the navigation properties q expands; the caller holds
// s.mu.
func (s *Server) expandedFlowJSON(f UserFlow, q queryOptions) (jsonObject, *odataError) {
	out := userFlowJSON(f)
	for _, nav := range q.expand {
		write, ok := expandableFlowNavigations[nav]
		if !ok {
			return nil, &odataError{status: http.StatusNotImplemented, code: "NotImplemented",
				message: fmt.Sprintf("The emulator does not model the %s of a user flow.", nav)}
		}
		out = append(out, jsonField{nav, write(s, f)})
	}
	return out, nil
}

func (s *Server) listUserFlows(c *call, kind UserFlowKind) *odataError {
	k := userFlowKinds[kind]
	q, err := parseQuery(c.r.URL.RawQuery, readCollection(k.entity()))
	if err != nil {
		return err
	}
	var items []listItem
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rec := range s.sortedUserFlows(kind) {
		f, ok := s.findUserFlow(c.exchange, kind, rec.flow.ID)
		if !ok {
			continue
		}
		value, err := s.expandedFlowJSON(f, q)
		if err != nil {
			return err
		}
		items = append(items, listItem{position: rec.seq, value: value})
	}
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
	defer s.mu.Unlock()
	f, ok := s.findUserFlow(c.exchange, kind, id)
	if !ok || s.flapNotFound() {
		return userFlowNotFound(id)
	}
	value, err := s.expandedFlowJSON(f, q)
	if err != nil {
		return err
	}
	context := c.url("/$metadata#identity/" + userFlowKinds[kind].collection + q.contextSelection() + "/$entity")
	writeJSON(c.out, http.StatusOK, odataJSON, append(jsonObject{{"@odata.context", context}}, q.project(value)...))
	return nil
}
