package fakegraph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// A user flow's attribute assignments, the fields of its sign-up page, and their order
// (https://learn.microsoft.com/graph/api/resources/identityuserflowattributeassignment).

// AttributeAssignment is one attribute a user flow's sign-up page collects.
type AttributeAssignment struct {
	// ID is the assigned attribute's id (UserFlowAttribute.ID), which is also the assignment's.
	ID                   string
	DisplayName          string // the field's label; default the attribute's display name
	IsOptional           bool
	RequiresVerification bool
	// UserInputType is one of textBox, dateTimeDropdown, radioSingleSelect, dropdownSingleSelect,
	// emailBox and checkboxMultiSelect; default textBox.
	UserInputType string
	// UserAttributeValues are the choices of a radioSingleSelect, dropdownSingleSelect or
	// checkboxMultiSelect field.
	UserAttributeValues []UserAttributeValue
}

// UserAttributeValue is one choice of a field (userAttributeValuesItem).
type UserAttributeValue struct {
	Name      string
	Value     string
	IsDefault bool
}

func cloneAssignments(assignments []AttributeAssignment) []AttributeAssignment {
	out := slices.Clone(assignments)
	for i := range out {
		out[i].UserAttributeValues = slices.Clone(out[i].UserAttributeValues)
	}
	return out
}

// userInputTypes are the members of identityUserFlowAttributeInputType. The reference's examples send
// and show them in PascalCase (TextBox) while the enum spells them in camelCase: the emulator accepts any
// case and answers camelCase.
var userInputTypes = []string{"textBox", "dateTimeDropdown", "radioSingleSelect", "dropdownSingleSelect", "emailBox", "checkboxMultiSelect"}

// choiceInputTypes are the input types whose choices are userAttributeValues, and how many of those
// choices may be the default: one for a single select, any number for checkboxes.
var choiceInputTypes = map[string]int{"radioSingleSelect": 1, "dropdownSingleSelect": 1, "checkboxMultiSelect": -1}

// canonicalEnum is the member of an enum that v names in any case; "" when none does.
func canonicalEnum(v string, members []string) string {
	for _, m := range members {
		if strings.EqualFold(m, v) {
			return m
		}
	}
	return ""
}

const typeAssignment = "microsoft.graph.identityUserFlowAttributeAssignment"

var assignmentType = entityType{
	name:        typeAssignment,
	properties:  []string{"id", "isOptional", "requiresVerification", "userInputType", "displayName", "userAttributeValues"},
	navigations: []string{"userAttribute"},
}

// assignmentJSON is an assignment in the order of the reference's examples.
func assignmentJSON(a AttributeAssignment) jsonObject {
	values := make([]jsonObject, len(a.UserAttributeValues))
	for i, v := range a.UserAttributeValues {
		values[i] = jsonObject{{"name", v.Name}, {"value", v.Value}, {"isDefault", v.IsDefault}}
	}
	return jsonObject{
		{"id", a.ID}, {"isOptional", a.IsOptional}, {"requiresVerification", a.RequiresVerification},
		{"userInputType", a.UserInputType}, {"displayName", a.DisplayName}, {"userAttributeValues", values},
	}
}

// expandedAssignmentJSON adds the assigned attribute when q expands it; the caller holds s.mu and passes
// an assignment of a flow liveUserFlow has cleaned, so the attribute exists.
func (s *Server) expandedAssignmentJSON(a AttributeAssignment, q queryOptions) jsonObject {
	out := assignmentJSON(a)
	if q.expands("userAttribute") {
		out = append(out, jsonField{"userAttribute", attributeJSON(s.attributes[storeKey(a.ID)].attribute, true)})
	}
	return out
}

// assignmentsJSON is a flow's assignments in order; the caller holds s.mu.
func (s *Server) assignmentsJSON(f UserFlow, q queryOptions) []jsonObject {
	out := []jsonObject{}
	for _, a := range f.AttributeAssignments {
		out = append(out, q.project(s.expandedAssignmentJSON(a, q)))
	}
	return out
}

// assignmentsPath is the path of a flow's assignments under a version.
func assignmentsPath(kind UserFlowKind, flowID string) string {
	return "/identity/" + userFlowKinds[kind].collection + "/" + flowID + "/userAttributeAssignments"
}

func assignmentsContext(c *call, kind UserFlowKind, flowID string) string {
	return c.url("/$metadata#identity/" + userFlowKinds[kind].collection + "('" + flowID + "')/userAttributeAssignments")
}

// findAssignment is the index of the assignment with id, compared without case; -1 when there is none.
func findAssignment(assignments []AttributeAssignment, id string) int {
	return slices.IndexFunc(assignments, func(a AttributeAssignment) bool { return strings.EqualFold(a.ID, id) })
}

func (s *Server) listAssignments(c *call, kind UserFlowKind) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readCollection(assignmentType))
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
	for i, a := range f.AttributeAssignments {
		items = append(items, listItem{position: int64(i + 1), value: s.expandedAssignmentJSON(a, q)})
	}
	s.writeList(c, assignmentsContext(c, kind, f.ID)+q.contextSelection(), assignmentsPath(kind, f.ID), q, items)
	return nil
}

func (s *Server) getAssignment(c *call, kind UserFlowKind) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readEntity(assignmentType))
	if err != nil {
		return err
	}
	id := c.pathValue("assignment")
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.readSubresource(c, kind)
	if err != nil {
		return err
	}
	i := findAssignment(f.AttributeAssignments, id)
	if i < 0 {
		return notFound(id)
	}
	context := assignmentsContext(c, kind, f.ID) + q.contextSelection() + "/$entity"
	body := append(jsonObject{{"@odata.context", context}}, q.project(s.expandedAssignmentJSON(f.AttributeAssignments[i], q))...)
	writeJSON(c.out, http.StatusOK, odataJSON, body)
	return nil
}

// getAssignedAttribute answers GET …/userAttributeAssignments/{id}/userAttribute: the assigned attribute.
func (s *Server) getAssignedAttribute(c *call, kind UserFlowKind) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readEntity(attributeType))
	if err != nil {
		return err
	}
	id := c.pathValue("assignment")
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.readSubresource(c, kind)
	if err != nil {
		return err
	}
	i := findAssignment(f.AttributeAssignments, id)
	if i < 0 {
		return notFound(id)
	}
	attribute := s.attributes[storeKey(f.AttributeAssignments[i].ID)].attribute
	context := c.url("/$metadata#identity/userFlowAttributes" + q.contextSelection() + "/$entity")
	writeJSON(c.out, http.StatusOK, odataJSON, append(jsonObject{{"@odata.context", context}}, q.project(attributeJSON(attribute, true))...))
	return nil
}

// createAssignment answers POST …/userAttributeAssignments: 201 with the assignment, whose id is the
// attribute's, at the end of the sign-up page's order.
func (s *Server) createAssignment(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	change, err := parseAssignmentChange(members, true)
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
	// The reference does not say what naming an attribute that does not exist answers. The body is what is
	// wrong, not the URL, so the emulator answers 400 rather than 404.
	attr, ok := s.visibleAttribute(c.exchange, change.attributeID)
	if !ok {
		return userFlowServiceError(http.StatusBadRequest, "The user flow attribute '%s' does not exist.", change.attributeID)
	}
	if findAssignment(rec.flow.AttributeAssignments, attr.ID) >= 0 {
		return userFlowServiceError(http.StatusConflict, "The attribute '%s' is already assigned in user flow '%s'.", attr.ID, rec.flow.ID)
	}
	// Defaults for what the create table calls required and clients leave out: the attribute's own display
	// name, a required text box, no verification, no choices.
	a := change.apply(AttributeAssignment{ID: attr.ID, DisplayName: attr.DisplayName, UserInputType: "textBox"})
	if err := a.check(); err != nil {
		return err
	}
	if !c.unappliedWrite(WriteAttributeAssignment) {
		rec.assignments.wrote(rec.flow.AttributeAssignments, c.arrived, cloneAssignments)
		rec.flow.AttributeAssignments = append(cloneAssignments(rec.flow.AttributeAssignments), a)
	}
	c.out.Header().Set("Location", c.url(assignmentsPath(kind, rec.flow.ID)+"/"+a.ID))
	body := append(jsonObject{{"@odata.context", assignmentsContext(c, kind, rec.flow.ID) + "/$entity"}}, assignmentJSON(a)...)
	writeJSON(c.out, http.StatusCreated, odataJSON, body)
	return nil
}

// updateAssignment answers PATCH …/userAttributeAssignments/{id}. The reference's text says 200 with the
// assignment and its example 204 No Content; the emulator answers as the example does, as Graph's other
// PATCHes do.
func (s *Server) updateAssignment(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	change, err := parseAssignmentChange(members, false)
	if err != nil {
		return err
	}
	return s.writeAssignment(c, kind, func(assignments []AttributeAssignment, i int) ([]AttributeAssignment, *odataError) {
		a := change.apply(assignments[i])
		if err := a.check(); err != nil {
			return nil, err
		}
		assignments[i] = a
		return assignments, nil
	})
}

func (s *Server) deleteAssignment(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	return s.writeAssignment(c, kind, func(assignments []AttributeAssignment, i int) ([]AttributeAssignment, *odataError) {
		return slices.Delete(assignments, i, i+1), nil
	})
}

// writeAssignment changes the assignment the path names with write, which gets a copy of the flow's
// assignments and the index of that one, and answers 204; or 404 when the flow or the assignment does not
// exist.
func (s *Server) writeAssignment(c *call, kind UserFlowKind, write func([]AttributeAssignment, int) ([]AttributeAssignment, *odataError)) *odataError {
	flowID, id := c.pathValue("flow"), c.pathValue("assignment")
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableUserFlow(c.exchange, kind, flowID)
	if rec == nil {
		return userFlowNotFound(flowID)
	}
	i := findAssignment(rec.flow.AttributeAssignments, id)
	if i < 0 {
		return notFound(id)
	}
	changed, err := write(cloneAssignments(rec.flow.AttributeAssignments), i)
	if err != nil {
		return err
	}
	if !c.unappliedWrite(WriteAttributeAssignment) {
		rec.assignments.wrote(rec.flow.AttributeAssignments, c.arrived, cloneAssignments)
		rec.flow.AttributeAssignments = changed
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// getAssignmentOrder answers the getOrder function: {"order": [attribute ids]}.
func (s *Server) getAssignmentOrder(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.readSubresource(c, kind)
	if err != nil {
		return err
	}
	order := []string{}
	for _, a := range f.AttributeAssignments {
		order = append(order, a.ID)
	}
	writeJSON(c.out, http.StatusOK, odataJSON, jsonObject{{"@odata.context", c.url("/$metadata#microsoft.graph.assignmentOrder")}, {"order", order}})
	return nil
}

// setAssignmentOrder answers the setOrder action, {"newAssignmentOrder": {"order": [ids]}}: 204, or 400
// unless the order names every assignment of the flow exactly once (ids compared without case).
func (s *Server) setAssignmentOrder(c *call, kind UserFlowKind) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	order, err := parseNewOrder(members)
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
	current := rec.flow.AttributeAssignments
	reordered := make([]AttributeAssignment, 0, len(order))
	for _, id := range order {
		i := findAssignment(current, id)
		if i < 0 || findAssignment(reordered, id) >= 0 {
			break
		}
		reordered = append(reordered, current[i])
	}
	if len(reordered) != len(order) || len(order) != len(current) {
		ids := make([]string, len(current))
		for i, a := range current {
			ids[i] = a.ID
		}
		return userFlowServiceError(http.StatusBadRequest,
			"The new order must name every attribute assignment of user flow '%s' exactly once: %s.", rec.flow.ID, strings.Join(ids, ", "))
	}
	if !c.unappliedWrite(WriteAssignmentOrder) {
		rec.assignments.wrote(current, c.arrived, cloneAssignments)
		rec.flow.AttributeAssignments = cloneAssignments(reordered)
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

// parseNewOrder reads setOrder's body.
func parseNewOrder(members map[string]json.RawMessage) ([]string, *odataError) {
	var order []string
	found := false
	for _, name := range sortedKeys(members) {
		switch {
		case name == "newAssignmentOrder":
			var value map[string]json.RawMessage
			if err := json.Unmarshal(members[name], &value); err != nil || value == nil {
				return nil, badRequest("BadRequest", "The parameter 'newAssignmentOrder' must be an assignmentOrder object: {\"order\": [ids]}.")
			}
			for _, member := range sortedKeys(value) {
				switch {
				case member == "order":
					if err := json.Unmarshal(value[member], &order); err != nil || order == nil {
						return nil, badRequest("BadRequest", "The property 'order' of 'newAssignmentOrder' must be an array of attribute ids.")
					}
					found = true
				case strings.HasPrefix(member, "@"):
				default:
					return nil, unknownProperty(member, "microsoft.graph.assignmentOrder")
				}
			}
		case strings.HasPrefix(name, "@"):
		default:
			return nil, badRequest("BadRequest", fmt.Sprintf("The parameter '%s' is not a parameter of the action 'setOrder'.", name))
		}
	}
	if !found {
		return nil, badRequest("BadRequest", "The action 'setOrder' needs the parameter 'newAssignmentOrder' with its 'order'.")
	}
	return order, nil
}

// assignmentChange is a validated create or update body: nil fields are not changed.
type assignmentChange struct {
	displayName          *string
	isOptional           *bool
	requiresVerification *bool
	userInputType        *string
	values               *[]UserAttributeValue
	attributeID          string // create only
}

func (ch assignmentChange) apply(a AttributeAssignment) AttributeAssignment {
	if ch.displayName != nil {
		a.DisplayName = *ch.displayName
	}
	if ch.isOptional != nil {
		a.IsOptional = *ch.isOptional
	}
	if ch.requiresVerification != nil {
		a.RequiresVerification = *ch.requiresVerification
	}
	if ch.userInputType != nil {
		a.UserInputType = *ch.userInputType
	}
	if ch.values != nil {
		a.UserAttributeValues = slices.Clone(*ch.values)
	}
	return a
}

// check refuses an assignment whose choices do not fit its input type. The reference says the choices are
// only used with the three select types; it does not say that those need any, but a select with nothing
// to choose from is not a field a sign-up page can show, so the emulator requires at least one, and at
// most one default for a single select. Checked on the assignment as a write leaves it, so a change of
// input type that leaves choices behind must clear them too.
func (a AttributeAssignment) check() *odataError {
	defaults, choice := choiceInputTypes[a.UserInputType]
	isDefault := 0
	for _, v := range a.UserAttributeValues {
		if strings.TrimSpace(v.Name) == "" || strings.TrimSpace(v.Value) == "" {
			return userFlowServiceError(http.StatusBadRequest, "Every item of userAttributeValues needs a name and a value.")
		}
		if v.IsDefault {
			isDefault++
		}
	}
	switch {
	case choice && len(a.UserAttributeValues) == 0:
		return userFlowServiceError(http.StatusBadRequest, "A %s field needs userAttributeValues to choose from.", a.UserInputType)
	case !choice && len(a.UserAttributeValues) > 0:
		return userFlowServiceError(http.StatusBadRequest,
			"userAttributeValues are only used with radioSingleSelect, dropdownSingleSelect and checkboxMultiSelect, not with %s.", a.UserInputType)
	case defaults == 1 && isDefault > 1:
		return userFlowServiceError(http.StatusBadRequest, "A %s field can have at most one default value.", a.UserInputType)
	}
	return nil
}

// parseAssignmentChange validates a create (creating) or update body.
func parseAssignmentChange(members map[string]json.RawMessage, creating bool) (assignmentChange, *odataError) {
	var ch assignmentChange
	for _, name := range sortedKeys(members) {
		raw := members[name]
		var err *odataError
		switch {
		case name == "@odata.type":
			err = checkODataType(raw, typeAssignment)
		case strings.Contains(name, "@"):
		case name == "displayName":
			var v string
			v, err = decodeRequiredString(name, raw)
			ch.displayName = &v
		case name == "isOptional":
			ch.isOptional, err = decodeBool(name, raw)
		case name == "requiresVerification":
			ch.requiresVerification, err = decodeBool(name, raw)
		case name == "userInputType":
			ch.userInputType, err = decodeEnum(name, raw, userInputTypes, "microsoft.graph.identityUserFlowAttributeInputType")
		case name == "userAttributeValues":
			ch.values, err = decodeAttributeValues(raw)
		case name == "userAttribute" && creating:
			ch.attributeID, err = decodeAttributeReference(raw)
		case name == "id" || name == "userAttribute":
			err = badRequest("BadRequest", fmt.Sprintf("The property '%s' of an attribute assignment cannot be changed.", name))
		default:
			err = unknownProperty(name, typeAssignment)
		}
		if err != nil {
			return ch, err
		}
	}
	if creating && ch.attributeID == "" {
		return ch, userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: userAttribute")
	}
	return ch, nil
}

func decodeBool(name string, raw json.RawMessage) (*bool, *odataError) {
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil || string(raw) == "null" {
		return nil, badRequest("BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type 'Edm.Boolean' of property '%s'.", raw, name))
	}
	return &v, nil
}

// decodeEnum reads an enum member in any case and returns its own spelling.
func decodeEnum(name string, raw json.RawMessage, members []string, typeName string) (*string, *odataError) {
	v, err := decodeString(name, raw)
	if err != nil {
		return nil, err
	}
	member := canonicalEnum(v, members)
	if member == "" {
		return nil, badRequest("BadRequest", fmt.Sprintf("Cannot convert the literal '%s' to the expected type '%s'.", v, typeName))
	}
	return &member, nil
}

func decodeAttributeValues(raw json.RawMessage) (*[]UserAttributeValue, *odataError) {
	values := []UserAttributeValue{}
	if string(raw) == "null" {
		return &values, nil
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, badRequest("BadRequest", "The property 'userAttributeValues' must be an array of {name, value, isDefault} objects.")
	}
	for _, item := range items {
		var v UserAttributeValue
		for _, name := range sortedKeys(item) {
			var err *odataError
			switch {
			case name == "name":
				v.Name, err = decodeString(name, item[name])
			case name == "value":
				v.Value, err = decodeString(name, item[name])
			case name == "isDefault":
				var b *bool
				if b, err = decodeBool(name, item[name]); b != nil {
					v.IsDefault = *b
				}
			case strings.Contains(name, "@"):
			default:
				err = unknownProperty(name, "microsoft.graph.userAttributeValuesItem")
			}
			if err != nil {
				return nil, err
			}
		}
		values = append(values, v)
	}
	return &values, nil
}

// decodeAttributeReference reads userAttribute: {"id": "<attribute id>"}; other members of the attribute
// a client may echo are not read.
func decodeAttributeReference(raw json.RawMessage) (string, *odataError) {
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || strings.TrimSpace(v.ID) == "" {
		return "", userFlowServiceError(http.StatusBadRequest, "The value must not be null or empty. Parameter name: userAttribute.id")
	}
	return v.ID, nil
}
