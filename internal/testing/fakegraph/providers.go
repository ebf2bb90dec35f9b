package fakegraph

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The identity providers of the tenant (https://learn.microsoft.com/graph/api/resources/identityproviderbase)
// and the ones a user flow offers, through both of its navigations: userFlowIdentityProviders
// (identityProviderBase, current) and identityProviders (the old identityProvider type, deprecated).

// IdentityProvider is one of the tenant's identity providers: a built-in one of a workforce tenant, or a
// social one configured in the tenant.
type IdentityProvider struct {
	ID           string // "Google-OAUTH"
	Type         string // identityProviderType: AADSignup, MicrosoftAccount, EmailOTP, Google, Facebook, …
	DisplayName  string
	ClientID     string // social providers only
	ClientSecret string // social providers only; Graph answers it masked
}

// builtInProviders are a workforce tenant's built-in providers, with the display names of the reference's
// example of a flow's providers (b2xidentityuserflow-list-userflowidentityproviders, beta); a B2C tenant
// has none.
var builtInProviders = []IdentityProvider{
	{ID: "AADSignup-OAUTH", Type: "AADSignup", DisplayName: "Azure Active Directory Sign up"},
	{ID: "MSASignup-OAUTH", Type: "MicrosoftAccount", DisplayName: "Microsoft Account (Preview)"},
	{ID: "EmailOtpSignup-OAUTH", Type: "EmailOTP", DisplayName: "Email one-time passcode (Preview)"},
}

// socialProviderTypes are the identityProviderType values of a socialIdentityProvider a tenant can
// configure (resource socialidentityprovider): Google and Facebook for self-service sign-up, more for B2C.
// The tenant that serves both kinds of flow takes the B2C list, which holds both of the others.
var socialProviderTypes = map[TenantKind][]string{
	WorkforceTenant: {"Google", "Facebook"},
	B2CTenant:       {"Microsoft", "Google", "Amazon", "LinkedIn", "Facebook", "GitHub", "Twitter", "Weibo", "QQ", "WeChat"},
	"":              {"Microsoft", "Google", "Amazon", "LinkedIn", "Facebook", "GitHub", "Twitter", "Weibo", "QQ", "WeChat"},
}

// availableProviderTypes answers availableProviderTypes: the workforce example's list
// (identityproviderbase-availableprovidertypes), and for a B2C tenant the social types it can configure.
var availableProviderTypes = map[TenantKind][]string{
	WorkforceTenant: {"MicrosoftAccount", "EmailOTP", "Facebook", "Google"},
	B2CTenant:       socialProviderTypes[B2CTenant],
	"":              {"MicrosoftAccount", "EmailOTP", "Facebook", "Google"},
}

func (p IdentityProvider) builtIn() bool {
	return slices.ContainsFunc(builtInProviders, func(b IdentityProvider) bool { return b.Type == p.Type })
}

type providerRecord struct {
	provider IdentityProvider
	seq      int64
}

// Graph's names for the provider types, and the two shapes $select reads them in.
const (
	typeProviderBase = "microsoft.graph.identityProviderBase"
	typeProvider     = "microsoft.graph.identityProvider"
)

var (
	providerBaseType   = entityType{name: typeProviderBase, properties: []string{"id", "displayName", "identityProviderType", "clientId", "clientSecret"}}
	legacyProviderType = entityType{name: typeProvider, properties: []string{"id", "type", "name", "clientId", "clientSecret"}}
)

// providerJSON is an identityProviderBase as Graph writes it, with its derived type; a social provider's
// secret is masked.
func providerJSON(p IdentityProvider) jsonObject {
	if p.builtIn() {
		return jsonObject{{"@odata.type", "#microsoft.graph.builtInIdentityProvider"}, {"id", p.ID}, {"displayName", p.DisplayName}, {"identityProviderType", p.Type}}
	}
	return jsonObject{
		{"@odata.type", "#microsoft.graph.socialIdentityProvider"}, {"id", p.ID}, {"displayName", p.DisplayName},
		{"identityProviderType", p.Type}, {"clientId", p.ClientID}, {"clientSecret", maskedPassword},
	}
}

// legacyProviderJSON is the deprecated identityProvider shape: a built-in provider has no client.
func legacyProviderJSON(p IdentityProvider) jsonObject {
	out := jsonObject{{"id", p.ID}, {"type", p.Type}, {"name", p.DisplayName}, {"clientId", nil}, {"clientSecret", nil}}
	if !p.builtIn() {
		out[3].value, out[4].value = p.ClientID, maskedPassword
	}
	return out
}

// providerNavigation is one of a flow's two navigations to its identity providers.
type providerNavigation struct {
	name   string
	shape  entityType
	json   func(IdentityProvider) jsonObject
	legacy bool
}

var providerNavigations = []providerNavigation{
	{name: "userFlowIdentityProviders", shape: providerBaseType, json: providerJSON},
	{name: "identityProviders", shape: legacyProviderType, json: legacyProviderJSON, legacy: true},
}

// seedBuiltInProviders stores the built-in providers of a tenant that has them; the caller holds s.mu or
// owns s.
func (s *Server) seedBuiltInProviders() {
	s.providers = map[string]*providerRecord{}
	if s.opts.TenantKind == B2CTenant {
		return
	}
	for _, p := range builtInProviders {
		s.nextSeq++
		s.providers[storeKey(p.ID)] = &providerRecord{provider: p, seq: s.nextSeq}
	}
}

// PutIdentityProvider configures a social identity provider in the tenant, as an administrator would in
// the portal, replacing one with the same id. Type is required and must be a social type the tenant kind
// has (Google or Facebook for a workforce tenant); ID defaults to "<Type>-OAUTH" and DisplayName to Type.
func (s *Server) PutIdentityProvider(p IdentityProvider) (IdentityProvider, error) {
	types := socialProviderTypes[s.opts.TenantKind]
	i := slices.IndexFunc(types, func(t string) bool { return strings.EqualFold(t, p.Type) })
	if i < 0 {
		return IdentityProvider{}, fmt.Errorf("fakegraph: %q is not a social identity provider type of this tenant (%s)", p.Type, strings.Join(types, ", "))
	}
	p.Type = types[i]
	p.ID = cmp.Or(p.ID, p.Type+"-OAUTH")
	p.DisplayName = cmp.Or(p.DisplayName, p.Type)
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.providers[storeKey(p.ID)]; ok {
		if rec.provider.builtIn() {
			return IdentityProvider{}, fmt.Errorf("fakegraph: %s is a built-in identity provider", rec.provider.ID)
		}
		rec.provider = p
		return p, nil
	}
	s.nextSeq++
	s.providers[storeKey(p.ID)] = &providerRecord{provider: p, seq: s.nextSeq}
	return p, nil
}

// IdentityProviders returns the tenant's identity providers: the built-in ones first, then the social ones
// in the order they were configured.
func (s *Server) IdentityProviders() []IdentityProvider {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []IdentityProvider
	for _, rec := range s.sortedProviders() {
		out = append(out, rec.provider)
	}
	return out
}

// DeleteIdentityProvider removes a social provider from the tenant out of band; the flows that offered it
// no longer do. Built-in providers cannot be removed.
func (s *Server) DeleteIdentityProvider(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.providers[storeKey(id)]
	if !ok || rec.provider.builtIn() {
		return false
	}
	delete(s.providers, storeKey(id))
	return true
}

// sortedProviders lists the tenant's providers in the order they were stored; the caller holds s.mu.
func (s *Server) sortedProviders() []*providerRecord {
	recs := make([]*providerRecord, 0, len(s.providers))
	for _, rec := range s.providers {
		recs = append(recs, rec)
	}
	slices.SortFunc(recs, func(a, b *providerRecord) int { return cmp.Compare(a.seq, b.seq) })
	return recs
}

func (s *Server) listTenantProviders(c *call) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readCollection(providerBaseType))
	if err != nil {
		return err
	}
	var items []listItem
	s.mu.Lock()
	for _, rec := range s.sortedProviders() {
		items = append(items, listItem{position: rec.seq, value: providerJSON(rec.provider)})
	}
	s.mu.Unlock()
	s.writeList(c, c.url("/$metadata#identity/identityProviders"+q.contextSelection()), "/identity/identityProviders", q, items)
	return nil
}

func (s *Server) getTenantProvider(c *call) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readEntity(providerBaseType))
	if err != nil {
		return err
	}
	id := c.pathValue("id")
	s.mu.Lock()
	rec, ok := s.providers[storeKey(id)]
	s.mu.Unlock()
	if !ok {
		return notFound(id)
	}
	context := c.url("/$metadata#identity/identityProviders" + q.contextSelection() + "/$entity")
	writeJSON(c.out, http.StatusOK, odataJSON, append(jsonObject{{"@odata.context", context}}, q.project(providerJSON(rec.provider))...))
	return nil
}

func (s *Server) availableProviderTypes(c *call) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	writeJSON(c.out, http.StatusOK, odataJSON, jsonObject{
		{"@odata.context", c.url("/$metadata#Collection(Edm.String)")},
		{"value", availableProviderTypes[s.opts.TenantKind]},
	})
	return nil
}

// flowProvidersJSON is the flow's identity providers in one of the two shapes; the caller holds s.mu and
// passes a flow liveUserFlow has cleaned, so every provider exists.
func (s *Server) flowProvidersJSON(f UserFlow, shape func(IdentityProvider) jsonObject) []jsonObject {
	out := []jsonObject{}
	for _, id := range f.IdentityProviders {
		out = append(out, shape(s.providers[storeKey(id)].provider))
	}
	return out
}

// listFlowProviders answers GET …/{flow}/{navigation}: the flow's providers, paged. The context is the
// one the reference's example of the current navigation shows.
func (s *Server) listFlowProviders(nav providerNavigation) func(*call, UserFlowKind) *odataError {
	return func(c *call, kind UserFlowKind) *odataError {
		q, err := parseQuery(c.r.URL.RawQuery, readCollection(nav.shape))
		if err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		f, err := s.readSubresource(c, kind)
		if err != nil {
			return err
		}
		var items []listItem
		for i, value := range s.flowProvidersJSON(f, nav.json) {
			items = append(items, listItem{position: int64(i + 1), value: value})
		}
		context := c.url("/$metadata#Collection(" + typeProviderBase + ")")
		if nav.legacy {
			context = c.url("/$metadata#identity/" + userFlowKinds[kind].collection + "('" + f.ID + "')/" + nav.name + q.contextSelection())
		}
		s.writeList(c, context, "/identity/"+userFlowKinds[kind].collection+"/"+f.ID+"/"+nav.name, q, items)
		return nil
	}
}

// getFlowProvider answers GET …/{flow}/{navigation}/{provider}: the provider when the flow offers it.
func (s *Server) getFlowProvider(nav providerNavigation) func(*call, UserFlowKind) *odataError {
	return func(c *call, kind UserFlowKind) *odataError {
		q, err := parseQuery(c.r.URL.RawQuery, readEntity(nav.shape))
		if err != nil {
			return err
		}
		id := c.pathValue("provider")
		s.mu.Lock()
		defer s.mu.Unlock()
		f, err := s.readSubresource(c, kind)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(f.IdentityProviders, func(p string) bool { return strings.EqualFold(p, id) })
		if i < 0 {
			return notFound(id)
		}
		p := s.providers[storeKey(f.IdentityProviders[i])].provider
		context := c.url("/$metadata#identity/" + userFlowKinds[kind].collection + "('" + f.ID + "')/" + nav.name + q.contextSelection() + "/$entity")
		writeJSON(c.out, http.StatusOK, odataJSON, append(jsonObject{{"@odata.context", context}}, q.project(nav.json(p))...))
		return nil
	}
}

// addFlowProvider answers POST or PATCH …/{flow}/{navigation}/$ref with {"@odata.id": "…/identityProviders/{id}"}:
// 204, 404 when the flow or the tenant's provider does not exist, 409 when the flow already offers it.
// The reference says self-service sign-up flows accept Google-OAUTH and Facebook-OAUTH, while its own
// list example shows the built-in providers on a b2x flow too: the emulator accepts any of the tenant's
// providers.
func (s *Server) addFlowProvider(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	providerID, err := providerReference(members)
	if err != nil {
		return err
	}
	flowID := c.pathValue("flow")
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableUserFlow(c.exchange, kind, flowID)
	if rec == nil {
		return userFlowNotFound(flowID)
	}
	p, ok := s.providers[storeKey(providerID)]
	if !ok {
		return notFound(providerID)
	}
	if slices.ContainsFunc(rec.flow.IdentityProviders, func(id string) bool { return strings.EqualFold(id, providerID) }) {
		return userFlowServiceError(http.StatusConflict, "The identity provider '%s' is already in user flow '%s'.", p.provider.ID, rec.flow.ID)
	}
	if !c.unappliedWrite(WriteIdentityProviderReference) {
		rec.providers.wrote(rec.flow.IdentityProviders, c.arrived, slices.Clone)
		rec.flow.IdentityProviders = append(slices.Clone(rec.flow.IdentityProviders), p.provider.ID)
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// removeFlowProvider answers DELETE …/{flow}/{navigation}/{provider}/$ref.
func (s *Server) removeFlowProvider(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	return s.removeProviderFromFlow(c, kind, c.pathValue("provider"))
}

// removeFlowProviderByQuery answers DELETE …/{flow}/{navigation}/$ref?@id=…/identityProviders/{id}, OData's
// other form of removing a reference from a collection, which Microsoft's SDKs offer.
func (s *Server) removeFlowProviderByQuery(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	reference := c.r.URL.Query().Get("@id")
	if reference == "" {
		return badRequest("BadRequest", "Removing a reference from a collection needs the reference: DELETE …/$ref?@id=<URL of the identity provider>, or DELETE …/{id}/$ref.")
	}
	id, err := referencedProvider(reference)
	if err != nil {
		return err
	}
	return s.removeProviderFromFlow(c, kind, id)
}

func (s *Server) removeProviderFromFlow(c *call, kind UserFlowKind, providerID string) *odataError {
	flowID := c.pathValue("flow")
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableUserFlow(c.exchange, kind, flowID)
	if rec == nil {
		return userFlowNotFound(flowID)
	}
	i := slices.IndexFunc(rec.flow.IdentityProviders, func(id string) bool { return strings.EqualFold(id, providerID) })
	if i < 0 {
		return &odataError{status: http.StatusNotFound, code: "Request_ResourceNotFound", message: fmt.Sprintf(
			"The identity provider '%s' is not in user flow '%s'.", providerID, rec.flow.ID)}
	}
	if !c.unappliedWrite(WriteIdentityProviderReference) {
		rec.providers.wrote(rec.flow.IdentityProviders, c.arrived, slices.Clone)
		rec.flow.IdentityProviders = slices.Delete(slices.Clone(rec.flow.IdentityProviders), i, i+1)
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// providerReference reads the body of a provider $ref: "@odata.id", and the "@odata.type" the reference's
// examples add, which carries nothing.
func providerReference(members map[string]json.RawMessage) (string, *odataError) {
	id := ""
	for _, name := range sortedKeys(members) {
		switch name {
		case "@odata.id":
			reference, err := decodeString(name, members[name])
			if err != nil {
				return "", err
			}
			if id, err = referencedProvider(reference); err != nil {
				return "", err
			}
		case "@odata.type":
		default:
			return "", badRequest("BadRequest", fmt.Sprintf("The request body of a $ref may only hold '@odata.id'; '%s' is not allowed.", name))
		}
	}
	if id == "" {
		return "", badRequest("BadRequest", "The request body of a $ref must hold '@odata.id'.")
	}
	return id, nil
}

// referencedProvider reads a provider id from an @odata.id: an absolute URL whose path ends in
// /{version}/identity/identityProviders/{id}, as the current pages write it, or in
// /{version}/identityProviders/{id}, as the deprecated add example and common clients do.
func referencedProvider(reference string) (string, *odataError) {
	invalid := badRequest("BadRequest", fmt.Sprintf(
		"Invalid '@odata.id' '%s': it must be the URL of an identity provider, as in https://graph.microsoft.com/v1.0/identity/identityProviders/{id}.", reference))
	u, err := url.Parse(reference)
	if err != nil || !u.IsAbs() || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", invalid
	}
	segments := strings.Split(strings.Trim(u.Path, "/"), "/")
	n := len(segments)
	if n < 3 || !strings.EqualFold(segments[n-2], "identityProviders") || segments[n-1] == "" {
		return "", invalid
	}
	version := segments[n-3]
	if strings.EqualFold(version, "identity") && n >= 4 {
		version = segments[n-4]
	}
	if !slices.Contains(graphVersions, version) {
		return "", invalid
	}
	return segments[n-1], nil
}
