package fakegraph

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// User-flow attributes, built-in and custom, in one collection
// (https://learn.microsoft.com/graph/api/resources/identityuserflowattribute).

// UserFlowAttribute is an attribute a user flow can collect: one of the built-in ones every tenant has, or
// a custom one (a directory extension of the tenant's aad-extensions-app).
type UserFlowAttribute struct {
	ID          string
	DisplayName string
	Description string
	// DataType is string, boolean or int64 (the types a custom attribute can be created with); the
	// built-in ones are strings.
	DataType string
	// BuiltIn tells userFlowAttributeType builtIn from custom.
	BuiltIn bool
}

// builtInAttributes are the built-in attributes the product page "Collect user attributes during sign-up"
// offers to self-service sign-up flows. Graph's pages show one id, City, whose spelling is also its
// display name; the others take the same PascalCase spelling of their display name without spaces and
// punctuation (Country/Region is Country, as in the directory's user property). Descriptions follow the
// list example's "Your city". A B2C tenant gets the same ones.
var builtInAttributes = []UserFlowAttribute{
	{ID: "City", DisplayName: "City", Description: "Your city"},
	{ID: "Country", DisplayName: "Country/Region", Description: "Your country/region"},
	{ID: "DisplayName", DisplayName: "Display Name", Description: "Your display name"},
	{ID: "Email", DisplayName: "Email Address", Description: "Your email address"},
	{ID: "GivenName", DisplayName: "Given Name", Description: "Your given name"},
	{ID: "JobTitle", DisplayName: "Job Title", Description: "Your job title"},
	{ID: "PostalCode", DisplayName: "Postal Code", Description: "Your postal code"},
	{ID: "State", DisplayName: "State/Province", Description: "Your state/province"},
	{ID: "StreetAddress", DisplayName: "Street Address", Description: "Your street address"},
	{ID: "Surname", DisplayName: "Surname", Description: "Your surname"},
}

// customDataTypes are the dataType values a create accepts; readOnlyDataTypes the ones the resource page
// lists besides, which the create page does not accept.
var (
	customDataTypes   = []string{"string", "boolean", "int64"}
	readOnlyDataTypes = []string{"stringCollection", "dateTime"}
)

// DefaultExtensionsAppID is the application id of the tenant's aad-extensions-app that custom attribute
// ids carry by default: the one of the reference's create example.
const DefaultExtensionsAppID = "d09380e2-b4c6-42b9-a203-fb816a04a7ad"

type attributeRecord struct {
	attribute UserFlowAttribute
	seq       int64
	createdAt time.Time // zero for built-in and seeded attributes, which replication lag does not hide
	deletedAt time.Time // non-zero: deleted through Graph; reads still see it while replication lag lasts
}

const typeAttribute = "microsoft.graph.identityUserFlowAttribute"

// attributeFilterable are the properties the list's $filter compares (identityuserflowattribute-list).
var attributeFilterable = []string{"id", "displayName", "dataType", "userFlowAttributeType"}

var attributeType = entityType{name: typeAttribute, properties: []string{"id", "displayName", "description", "userFlowAttributeType", "dataType"}}

func (a UserFlowAttribute) attributeType() string {
	if a.BuiltIn {
		return "builtIn"
	}
	return "custom"
}

// attributeJSON is an attribute in the order of the reference's examples. The attribute pages write no
// @odata.type; an attribute reached through an assignment's userAttribute is written with its derived type,
// as the assignment list example does (in Graph's own spelling of the type names).
func attributeJSON(a UserFlowAttribute, typed bool) jsonObject {
	out := jsonObject{{"id", a.ID}, {"displayName", a.DisplayName}, {"description", a.Description}, {"userFlowAttributeType", a.attributeType()}, {"dataType", a.DataType}}
	if !typed {
		return out
	}
	derived := "#microsoft.graph.identityCustomUserFlowAttribute"
	if a.BuiltIn {
		derived = "#microsoft.graph.identityBuiltInUserFlowAttribute"
	}
	return append(jsonObject{{"@odata.type", derived}}, out...)
}

// seedBuiltInAttributes stores the built-in attributes; the caller owns s.
func (s *Server) seedBuiltInAttributes() {
	s.attributes = map[string]*attributeRecord{}
	for _, a := range builtInAttributes {
		a.DataType, a.BuiltIn = "string", true
		s.nextSeq++
		s.attributes[storeKey(a.ID)] = &attributeRecord{attribute: a, seq: s.nextSeq}
	}
}

// customAttributeID is the id Graph gives a custom attribute: extension_<the aad-extensions-app's id
// without dashes>_<name>. How Graph derives <name> from a display name is not documented (an example shows
// "Shoe size" as shoeSize, with a placeholder for the application id); the emulator keeps the display
// name's ASCII letters and digits, as directory extension names hold, in their case. A client takes the id
// from the 201 answer.
func (s *Server) customAttributeID(displayName string) string {
	var name strings.Builder
	for _, r := range displayName {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			name.WriteRune(r)
		}
	}
	if name.Len() == 0 {
		return ""
	}
	return "extension_" + strings.ReplaceAll(s.opts.ExtensionsAppID, "-", "") + "_" + name.String()
}

// PutUserFlowAttribute stores a custom attribute as if it had been made in the portal, replacing one with
// the same id, and replication lag does not hide it. An empty ID is derived from the display name as
// Graph's create derives it; DataType defaults to string. Built-in attributes cannot be put.
func (s *Server) PutUserFlowAttribute(a UserFlowAttribute) (UserFlowAttribute, error) {
	a.BuiltIn = false
	a.DataType = cmp.Or(a.DataType, "string")
	if canonicalEnum(a.DataType, append(slices.Clone(customDataTypes), readOnlyDataTypes...)) == "" {
		return UserFlowAttribute{}, fmt.Errorf("fakegraph: %q is not a user flow attribute data type", a.DataType)
	}
	if a.ID == "" {
		if a.ID = s.customAttributeID(a.DisplayName); a.ID == "" {
			return UserFlowAttribute{}, fmt.Errorf("fakegraph: no attribute id can be made from the display name %q", a.DisplayName)
		}
	}
	a.DisplayName = cmp.Or(a.DisplayName, a.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.attributes[storeKey(a.ID)]; ok {
		if rec.attribute.BuiltIn {
			return UserFlowAttribute{}, fmt.Errorf("fakegraph: %s is a built-in user flow attribute", rec.attribute.ID)
		}
		*rec = attributeRecord{attribute: a, seq: rec.seq}
		return a, nil
	}
	s.nextSeq++
	s.attributes[storeKey(a.ID)] = &attributeRecord{attribute: a, seq: s.nextSeq}
	return a, nil
}

// UserFlowAttribute returns a stored attribute, built-in or custom.
func (s *Server) UserFlowAttribute(id string) (UserFlowAttribute, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.attributes[storeKey(id)]
	if !ok || !rec.deletedAt.IsZero() {
		return UserFlowAttribute{}, false
	}
	return rec.attribute, true
}

// UserFlowAttributes returns every attribute: the built-in ones, then the custom ones in the order they
// were stored.
func (s *Server) UserFlowAttributes() []UserFlowAttribute {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []UserFlowAttribute
	for _, rec := range s.sortedAttributes() {
		out = append(out, rec.attribute)
	}
	return out
}

// EditUserFlowAttribute changes a custom attribute out of band; its id and type cannot change. It reports
// false when there is no such custom attribute.
func (s *Server) EditUserFlowAttribute(id string, edit func(*UserFlowAttribute)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.attributes[storeKey(id)]
	if !ok || rec.attribute.BuiltIn || !rec.deletedAt.IsZero() {
		return false
	}
	a := rec.attribute
	edit(&a)
	a.ID, a.BuiltIn = rec.attribute.ID, false
	*rec = attributeRecord{attribute: a, seq: rec.seq}
	return true
}

// DeleteUserFlowAttribute removes a custom attribute out of band, even one a flow assigns (the flow then
// no longer collects it); replication lag does not keep it readable.
func (s *Server) DeleteUserFlowAttribute(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.attributes[storeKey(id)]
	if !ok || rec.attribute.BuiltIn {
		return false
	}
	delete(s.attributes, storeKey(id))
	return rec.deletedAt.IsZero()
}

// sortedAttributes lists the attributes not deleted through Graph in the order they were stored; the
// caller holds s.mu.
func (s *Server) sortedAttributes() []*attributeRecord {
	var recs []*attributeRecord
	for _, rec := range s.attributes {
		if rec.deletedAt.IsZero() {
			recs = append(recs, rec)
		}
	}
	slices.SortFunc(recs, func(a, b *attributeRecord) int { return cmp.Compare(a.seq, b.seq) })
	return recs
}

// visibleAttribute is the attribute a Graph request at ex sees and may act on: not created within the
// replication lag, and not deleted. The caller holds s.mu.
func (s *Server) visibleAttribute(ex *exchange, id string) (UserFlowAttribute, bool) {
	rec, ok := s.attributes[storeKey(id)]
	if !ok || !rec.deletedAt.IsZero() || !rec.visible(ex) {
		return UserFlowAttribute{}, false
	}
	return rec.attribute, true
}

func (rec *attributeRecord) visible(ex *exchange) bool {
	return rec.createdAt.IsZero() || !ex.arrived.Before(rec.createdAt.Add(ex.faults.ReplicationLag))
}

// readableAttribute is what a GET sees: an attribute replication lag does not hide, or one deleted so
// recently that the lag still shows it. The caller holds s.mu.
func (s *Server) readableAttribute(ex *exchange, id string) (UserFlowAttribute, bool) {
	rec, ok := s.attributes[storeKey(id)]
	if !ok || !rec.visible(ex) {
		return UserFlowAttribute{}, false
	}
	if !rec.deletedAt.IsZero() {
		if !ex.arrived.Before(rec.deletedAt.Add(ex.faults.ReplicationLag)) {
			delete(s.attributes, storeKey(id))
			return UserFlowAttribute{}, false
		}
		ex.stale = true
	}
	return rec.attribute, true
}

func (s *Server) listAttributes(c *call) *odataError {
	rules := readCollection(attributeType)
	rules.options = append(rules.options, optFilter)
	rules.filter = attributeFilterable
	q, err := parseQuery(c.r.URL.RawQuery, rules)
	if err != nil {
		return err
	}
	var items []listItem
	s.mu.Lock()
	for _, rec := range s.sortedAttributes() {
		a := rec.attribute
		matches := q.filter.matches(func(property string) string {
			return map[string]string{"id": a.ID, "displayName": a.DisplayName, "dataType": a.DataType, "userFlowAttributeType": a.attributeType()}[property]
		})
		if rec.visible(c.exchange) && matches {
			items = append(items, listItem{position: rec.seq, value: attributeJSON(a, false)})
		}
	}
	s.mu.Unlock()
	s.writeList(c, c.url("/$metadata#identity/userFlowAttributes"+q.contextSelection()), "/identity/userFlowAttributes", q, items)
	return nil
}

func (s *Server) getAttribute(c *call) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readEntity(attributeType))
	if err != nil {
		return err
	}
	id := c.pathValue("id")
	s.mu.Lock()
	a, ok := s.readableAttribute(c.exchange, id)
	s.mu.Unlock()
	if !ok {
		return notFound(id)
	}
	writeAttribute(c, http.StatusOK, a, q)
	return nil
}

func writeAttribute(c *call, status int, a UserFlowAttribute, q queryOptions) {
	context := c.url("/$metadata#identity/userFlowAttributes" + q.contextSelection() + "/$entity")
	writeJSON(c.out, status, odataJSON, append(jsonObject{{"@odata.context", context}}, q.project(attributeJSON(a, false))...))
}

// createAttribute answers POST /identity/userFlowAttributes: 201 with the custom attribute and, as the
// reference shows it, a Location that is a quoted relative path in OData's key syntax.
func (s *Server) createAttribute(c *call) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	a, err := parseNewAttribute(members)
	if err != nil {
		return err
	}
	if a.ID = s.customAttributeID(a.DisplayName); a.ID == "" {
		return userFlowServiceError(http.StatusBadRequest, "The displayName '%s' holds no letter or digit to name the attribute by.", a.DisplayName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A display name or id already taken, by a built-in attribute too, is a conflict: the reference does
	// not say what it answers.
	for _, rec := range s.sortedAttributes() {
		if strings.EqualFold(rec.attribute.DisplayName, a.DisplayName) || strings.EqualFold(rec.attribute.ID, a.ID) {
			return userFlowServiceError(http.StatusConflict, "A user flow attribute named '%s' already exists, with the id '%s'.", rec.attribute.DisplayName, rec.attribute.ID)
		}
	}
	s.nextSeq++
	s.attributes[storeKey(a.ID)] = &attributeRecord{attribute: a, seq: s.nextSeq, createdAt: c.arrived}
	c.out.Header().Set("Location", `"/identity/userFlowAttributes('`+a.ID+`')"`)
	writeAttribute(c, http.StatusCreated, a, queryOptions{})
	return nil
}

// parseNewAttribute validates a create body: displayName and dataType required, description optional;
// the read-only id and userFlowAttributeType refused.
func parseNewAttribute(members map[string]json.RawMessage) (UserFlowAttribute, *odataError) {
	var a UserFlowAttribute
	for _, name := range sortedKeys(members) {
		raw := members[name]
		var err *odataError
		switch {
		case name == "@odata.type":
			if err = checkODataType(raw, typeAttribute); err != nil {
				err = checkODataType(raw, "microsoft.graph.identityCustomUserFlowAttribute")
			}
		case strings.Contains(name, "@"):
		case name == "displayName":
			a.DisplayName, err = decodeRequiredString(name, raw)
		case name == "description":
			a.Description, err = decodeOptionalString(name, raw)
		case name == "dataType":
			a.DataType, err = decodeDataType(raw)
		case name == "id" || name == "userFlowAttributeType":
			err = badRequest("BadRequest", fmt.Sprintf("The property '%s' is read-only and cannot be set.", name))
		default:
			err = unknownProperty(name, typeAttribute)
		}
		if err != nil {
			return a, err
		}
	}
	switch {
	case a.DisplayName == "":
		return a, userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: displayName")
	case a.DataType == "":
		return a, userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: dataType")
	}
	return a, nil
}

// decodeDataType reads a create's dataType: string, boolean or int64 in any case. The types only built-in
// attributes have are refused by the service; a value that is no member of the enum by OData.
func decodeDataType(raw json.RawMessage) (string, *odataError) {
	v, err := decodeString("dataType", raw)
	if err != nil {
		return "", err
	}
	if t := canonicalEnum(v, customDataTypes); t != "" {
		return t, nil
	}
	if t := canonicalEnum(v, readOnlyDataTypes); t != "" {
		return "", userFlowServiceError(http.StatusBadRequest, "A custom user flow attribute cannot have the dataType '%s'; use string, boolean or int64.", t)
	}
	return "", badRequest("BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'microsoft.graph.identityUserFlowAttributeDataType'.", v))
}

// decodeOptionalString reads a string that may be null, which stores as "".
func decodeOptionalString(name string, raw json.RawMessage) (string, *odataError) {
	if string(raw) == "null" {
		return "", nil
	}
	return decodeString(name, raw)
}

// updateAttribute answers PATCH /identity/userFlowAttributes/{id}: only a custom attribute's description
// can change (identityuserflowattribute-update).
func (s *Server) updateAttribute(c *call) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	var description *string
	for _, name := range sortedKeys(members) {
		raw := members[name]
		switch {
		case name == "@odata.type":
			if err := checkODataType(raw, typeAttribute); err != nil {
				if err := checkODataType(raw, "microsoft.graph.identityCustomUserFlowAttribute"); err != nil {
					return err
				}
			}
		case strings.Contains(name, "@"):
		case name == "description":
			v, err := decodeOptionalString(name, raw)
			if err != nil {
				return err
			}
			description = &v
		case slices.Contains(attributeType.properties, name):
			return badRequest("BadRequest", fmt.Sprintf("The property '%s' of a user flow attribute cannot be changed; only its description can.", name))
		default:
			return unknownProperty(name, typeAttribute)
		}
	}
	id := c.pathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.visibleAttribute(c.exchange, id)
	switch {
	case !ok:
		return notFound(id)
	case a.BuiltIn:
		return userFlowServiceError(http.StatusBadRequest, "The built-in user flow attribute '%s' cannot be changed.", a.ID)
	}
	if description != nil && !c.unappliedWrite(WriteUserFlowAttributeUpdate) {
		s.attributes[storeKey(id)].attribute.Description = *description
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteAttribute answers DELETE /identity/userFlowAttributes/{id}: 204 for a custom attribute no flow
// assigns. The reference does not say what deleting one a flow still assigns answers; the emulator
// answers 409, naming the flows, since the attribute is in use rather than the request malformed.
func (s *Server) deleteAttribute(c *call) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	id := c.pathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.visibleAttribute(c.exchange, id)
	switch {
	case !ok:
		return notFound(id)
	case a.BuiltIn:
		return userFlowServiceError(http.StatusBadRequest, "The built-in user flow attribute '%s' cannot be deleted.", a.ID)
	}
	var users []string
	for _, rec := range s.sortedUserFlows("") {
		if findAssignment(rec.flow.AttributeAssignments, a.ID) >= 0 {
			users = append(users, rec.flow.ID)
		}
	}
	if len(users) > 0 {
		return userFlowServiceError(http.StatusConflict, "The user flow attribute '%s' is assigned in user flows %s; remove those assignments first.", a.ID, strings.Join(users, ", "))
	}
	s.attributes[storeKey(id)].deletedAt = c.arrived
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}
