package fakegraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Creating, updating and deleting user flows: identitycontainer-post-b2xuserflows (v1.0 and beta),
// identitycontainer-post-b2cuserflows and b2cidentityuserflow-update (beta), and their delete pages.

// flowNameRule is what a flow's name may hold. No page lists the characters; letters, digits, '_' and '-'
// are the ones the portal and every example use, and the emulator refuses others.
var flowNameRule = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// languageTagRule is the shape of an RFC 5646 tag as far as the emulator checks it: a primary language of
// two to eight letters, then subtags of one to eight letters or digits.
var languageTagRule = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// defaultLanguageTag is the default language of a B2C flow made without one: the create page's example
// answer shows "en" for a request that sent none.
const defaultLanguageTag = "en"

// flowCreate is a validated create body.
type flowCreate struct {
	flow      UserFlow
	languages bool              // an update sent isLanguageCustomizationEnabled
	providers []string          // deep-inserted identity providers (deprecated identityProviders)
	steps     map[string]string // deep-inserted apiConnectorConfiguration: step → connector id
	sent      map[string]bool   // the properties the body holds
	tagSent   bool              // defaultLanguageTag was sent, possibly as null
}

// createUserFlow answers POST /identity/{b2x|b2c}UserFlows: 201, a Location naming the new flow, and the
// flow. Graph puts the kind's prefix in front of the name it is sent, always, also in front of a name that
// already starts with it (the reference does not say; its advice is to send the bare name). A b2x flow
// starts with the default identity provider, AADSignup-OAUTH; a B2C flow with none. A second flow with the
// same id is a conflict.
func (s *Server) createUserFlow(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	create, err := parseFlowCreate(members, kind)
	if err != nil {
		return err
	}
	f := create.flow
	s.mu.Lock()
	defer s.mu.Unlock()
	key := storeKey(f.ID)
	if rec, ok := s.userFlows[key]; ok && rec.deletedAt.IsZero() {
		return userFlowServiceError(http.StatusConflict, "A user flow with the id '%s' already exists.", rec.flow.ID)
	}
	// Objects a create body names that do not exist make the body wrong, not the URL: 400.
	for _, step := range userFlowKinds[kind].steps {
		if id, ok := create.steps[step]; ok {
			if _, exists := s.records[storeKey(id)]; !exists {
				return userFlowServiceError(http.StatusBadRequest, "The API connector '%s' of %s does not exist.", id, step)
			}
			f.APIConnectors[step] = id
		}
	}
	for _, id := range userFlowKinds[kind].startProviders {
		if p, ok := s.providers[storeKey(id)]; ok {
			f.IdentityProviders = append(f.IdentityProviders, p.provider.ID)
		}
	}
	for _, id := range create.providers {
		p, ok := s.providers[storeKey(id)]
		if !ok {
			return userFlowServiceError(http.StatusBadRequest, "The identity provider '%s' does not exist in the tenant.", id)
		}
		if !slices.Contains(f.IdentityProviders, p.provider.ID) {
			f.IdentityProviders = append(f.IdentityProviders, p.provider.ID)
		}
	}
	s.nextSeq++
	s.userFlows[key] = &userFlowRecord{flow: f.clone(), seq: s.nextSeq, createdAt: c.arrived}

	collection := "/identity/" + userFlowKinds[kind].collection
	c.out.Header().Set("Location", c.url(collection+"/"+f.ID))
	body := append(jsonObject{{"@odata.context", c.url("/$metadata#identity/" + userFlowKinds[kind].collection + "/$entity")}}, userFlowJSON(f)...)
	writeJSON(c.out, http.StatusCreated, odataJSON, body)
	return nil
}

// flowProperty reads one property of a create or update body into f.
type flowProperty func(f *flowCreate, raw json.RawMessage) *odataError

// createProperties are the properties a create reads, by kind: b2x flows have no language settings.
func createProperties(kind UserFlowKind) map[string]flowProperty {
	k := userFlowKinds[kind]
	properties := map[string]flowProperty{
		"id":                        readFlowName(k),
		"userFlowType":              readFlowType(k),
		"userFlowTypeVersion":       readFlowVersion(k),
		"apiConnectorConfiguration": readStepReferences(k),
		"identityProviders":         readDeepProviders,
	}
	if kind == B2CUserFlow {
		properties["isLanguageCustomizationEnabled"] = readLanguageCustomization
		properties["defaultLanguageTag"] = readLanguageTag
	}
	return properties
}

// parseFlowCreate validates a create body against the kind's rules.
func parseFlowCreate(members map[string]json.RawMessage, kind UserFlowKind) (flowCreate, *odataError) {
	k := userFlowKinds[kind]
	create := flowCreate{flow: UserFlow{Kind: kind, APIConnectors: map[string]string{}}, sent: map[string]bool{}}
	properties := createProperties(kind)
	for _, name := range sortedKeys(members) {
		raw := members[name]
		read, known := properties[name]
		switch {
		case name == "@odata.type":
			if err := checkODataType(raw, k.typeName); err != nil {
				return create, err
			}
		case strings.Contains(name, "@"):
		case known:
			if err := read(&create, raw); err != nil {
				return create, err
			}
			create.sent[name] = true
		case slices.Contains(userFlowNavigations, name):
			return create, badRequest("BadRequest", fmt.Sprintf(
				"The navigation property '%s' cannot be set when a user flow is created; add to it once the flow exists.", name))
		default:
			return create, unknownProperty(name, k.typeName)
		}
	}
	// Graph's own words for a create without an id (microsoftgraph/microsoft-graph-docs-contrib#5493).
	for _, name := range []string{"id", "userFlowType", "userFlowTypeVersion"} {
		if !create.sent[name] {
			return create, userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: %s", strings.ToUpper(name[:1])+name[1:])
		}
	}
	if kind == B2CUserFlow && !create.tagSent {
		create.flow.DefaultLanguageTag = defaultLanguageTag
	}
	return create, nil
}

func readFlowName(k userFlowKind) flowProperty {
	return func(f *flowCreate, raw json.RawMessage) *odataError {
		if string(raw) == "null" {
			return userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: Id")
		}
		name, err := decodeString("id", raw)
		if err != nil {
			return err
		}
		if name == "" {
			return userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: Id")
		}
		if !flowNameRule.MatchString(name) {
			return userFlowServiceError(http.StatusBadRequest, "The user flow name '%s' may only hold letters, digits, '_' and '-'.", name)
		}
		f.flow.ID = k.idPrefix + name
		return nil
	}
}

// allFlowTypes are the members of the userFlowType enum.
var allFlowTypes = []string{"signUp", "signIn", "signUpOrSignIn", "passwordReset", "profileUpdate", "resourceOwner"}

// readFlowType reads userFlowType in any case. A value that is no member of the enum gets the answer seen
// from real Graph for one ("The 'identityUserFlow' field is invalid in request",
// microsoftgraph/microsoft-graph-docs#10820); a member the kind does not take is refused by name.
func readFlowType(k userFlowKind) flowProperty {
	return func(f *flowCreate, raw json.RawMessage) *odataError {
		v, err := decodeString("userFlowType", raw)
		if err != nil {
			return err
		}
		member := canonicalEnum(v, allFlowTypes)
		switch {
		case member == "":
			return userFlowServiceError(http.StatusBadRequest, "The 'identityUserFlow' field is invalid in request.")
		case !slices.Contains(k.flowTypes, member):
			return userFlowServiceError(http.StatusBadRequest, "The userFlowType of a %s must be one of %s, not '%s'.", k.typeName, strings.Join(k.flowTypes, ", "), member)
		}
		f.flow.UserFlowType = member
		return nil
	}
}

func readFlowVersion(k userFlowKind) flowProperty {
	return func(f *flowCreate, raw json.RawMessage) *odataError {
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil || string(raw) == "null" {
			return badRequest("BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'Edm.Single' of property 'userFlowTypeVersion'.", raw))
		}
		switch {
		case k.version != 0 && v != k.version:
			return userFlowServiceError(http.StatusBadRequest, "The userFlowTypeVersion of a %s must be %g, not %g.", k.typeName, k.version, v)
		case v <= 0:
			return userFlowServiceError(http.StatusBadRequest, "The userFlowTypeVersion must be a positive number, not %g.", v)
		}
		f.flow.UserFlowTypeVersion = v
		return nil
	}
}

// readStepReferences reads a deep insert of apiConnectorConfiguration: each step the kind has,
// {"@odata.id": "…/identity/apiConnectors/{id}"} (create Example 3).
func readStepReferences(k userFlowKind) flowProperty {
	return func(f *flowCreate, raw json.RawMessage) *odataError {
		var steps map[string]json.RawMessage
		if err := json.Unmarshal(raw, &steps); err != nil {
			return badRequest("BadRequest", "The property 'apiConnectorConfiguration' must be a JSON object of steps.")
		}
		f.steps = map[string]string{}
		for _, name := range sortedKeys(steps) {
			step := canonicalEnum(name, k.steps)
			switch {
			case strings.HasPrefix(name, "@"):
				continue
			case step == "":
				return unknownProperty(name, typeAPIConnectorConfiguration)
			}
			var reference map[string]json.RawMessage
			if err := json.Unmarshal(steps[name], &reference); err != nil {
				return badRequest("BadRequest", fmt.Sprintf("The step '%s' must be a reference: {\"@odata.id\": \"…/identity/apiConnectors/{id}\"}.", step))
			}
			raw, ok := reference["@odata.id"]
			if !ok {
				continue // null or {}: the step calls nothing
			}
			url, err := decodeString("@odata.id", raw)
			if err != nil {
				return err
			}
			id, err := referencedConnector(url)
			if err != nil {
				return err
			}
			f.steps[step] = id
		}
		return nil
	}
}

// readDeepProviders reads the deprecated deep insert of identityProviders (create Example 2): objects of
// the old identityProvider type, of which only the id is read.
func readDeepProviders(f *flowCreate, raw json.RawMessage) *odataError {
	var items []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return badRequest("BadRequest", "The property 'identityProviders' must be an array of identity providers.")
	}
	for _, item := range items {
		if item.ID == "" {
			return userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: identityProviders.id")
		}
		f.providers = append(f.providers, item.ID)
	}
	return nil
}

func readLanguageCustomization(f *flowCreate, raw json.RawMessage) *odataError {
	v, err := decodeBool("isLanguageCustomizationEnabled", raw)
	if err != nil {
		return err
	}
	f.flow.IsLanguageCustomizationEnabled = *v
	return nil
}

func readLanguageTag(f *flowCreate, raw json.RawMessage) *odataError {
	f.tagSent = true
	tag, err := decodeOptionalString("defaultLanguageTag", raw)
	if err != nil {
		return err
	}
	if tag != "" && !languageTagRule.MatchString(tag) {
		return userFlowServiceError(http.StatusBadRequest, "The defaultLanguageTag '%s' is not an RFC 5646 language tag.", tag)
	}
	f.flow.DefaultLanguageTag = tag
	return nil
}

// updateUserFlow answers PATCH /identity/b2cUserFlows/{id} (beta), which changes only the language
// settings. The page's text says 200 with the flow and its example 204 No Content; the emulator answers
// 204, as the example and Graph's other PATCHes do. Any other property is refused.
func (s *Server) updateUserFlow(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	k := userFlowKinds[kind]
	id := c.pathValue("flow")
	update := flowCreate{}
	for _, name := range sortedKeys(members) {
		raw := members[name]
		switch {
		case name == "@odata.type":
			if err := checkODataType(raw, k.typeName); err != nil {
				return err
			}
		case strings.Contains(name, "@"):
		case name == "isLanguageCustomizationEnabled":
			if err := readLanguageCustomization(&update, raw); err != nil {
				return err
			}
			update.languages = true
		case name == "defaultLanguageTag":
			if err := readLanguageTag(&update, raw); err != nil {
				return err
			}
		case slices.Contains(k.properties, name) || slices.Contains(userFlowNavigations, name):
			return badRequest("BadRequest", fmt.Sprintf(
				"The property '%s' of a user flow cannot be updated; only isLanguageCustomizationEnabled and defaultLanguageTag can.", name))
		default:
			return unknownProperty(name, k.typeName)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableUserFlow(c.exchange, kind, id)
	if rec == nil {
		return userFlowNotFound(id)
	}
	if !c.unappliedWrite(WriteUserFlowUpdate) {
		if update.languages {
			rec.flow.IsLanguageCustomizationEnabled = update.flow.IsLanguageCustomizationEnabled
		}
		if update.tagSent {
			rec.flow.DefaultLanguageTag = update.flow.DefaultLanguageTag
		}
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteUserFlow answers DELETE /identity/{b2x|b2c}UserFlows/{id}: 204. Reads still see the flow while
// replication lag lasts.
func (s *Server) deleteUserFlow(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	id := c.pathValue("flow")
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableUserFlow(c.exchange, kind, id)
	if rec == nil {
		return userFlowNotFound(id)
	}
	rec.deletedAt = c.arrived
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}
