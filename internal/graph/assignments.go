package graph

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// A user flow's sign-up page: its attribute assignments (identityUserFlowAttributeAssignment), one per
// attribute the page collects, and their order. Graph reference: b2xidentityuserflow-list-userattributeassignments,
// b2xidentityuserflow-post-userattributeassignments, identityuserflowattributeassignment-update, -delete,
// -getorder and -setorder (v1.0 and beta for b2x flows; beta b2cidentityuserflow-… for B2C flows, which
// Graph serves on beta only).

// assignmentsNavigation is the navigation of a flow's assignments.
const assignmentsNavigation = "userAttributeAssignments"

// AttributeAssignment is one field of a flow's sign-up page.
type AttributeAssignment struct {
	// ID is the assignment's id, as Graph gives it; "" for one not made yet. The reference's examples show
	// it equal to the attribute's id, without promising it.
	ID string
	// UserAttributeID is the id of the attribute the field collects (a built-in one such as City, or a
	// custom one, extension_<appId>_<name>): the userAttribute relationship, fixed once the assignment exists.
	UserAttributeID string
	// DisplayName is the field's label.
	DisplayName string
	// IsOptional lets the user leave the field empty.
	IsOptional bool
	// RequiresVerification is only meaningful for a phone number or an email address.
	RequiresVerification bool
	// UserInputType is one of UserInputTypes(); Graph's examples spell them in PascalCase, the enum in
	// camelCase: the client sends camelCase and compares without regard to case.
	UserInputType string
	// UserAttributeValues are the choices of a radioSingleSelect, dropdownSingleSelect or
	// checkboxMultiSelect field.
	UserAttributeValues []UserAttributeValue
}

// UserAttributeValue is one choice of a field (userAttributeValuesItem).
type UserAttributeValue struct {
	Name      string `json:"name"`
	Value     string `json:"value"`
	IsDefault bool   `json:"isDefault"`
}

// userInputTypes are the members of identityUserFlowAttributeInputType, in the enum's spelling.
var userInputTypes = []string{"textBox", "dateTimeDropdown", "radioSingleSelect", "dropdownSingleSelect", "emailBox", "checkboxMultiSelect"}

// UserInputTypes lists the input types of a sign-up page's field, as Graph's enum spells them.
func UserInputTypes() []string { return slices.Clone(userInputTypes) }

// enumMember is the member of an enum that v names in any case, or v itself when none does.
func enumMember(v string, members []string) string {
	for _, m := range members {
		if strings.EqualFold(m, v) {
			return m
		}
	}
	return v
}

// assignmentJSON is an assignment on the wire, in the order of the reference's examples. A create sends
// userAttribute and no id; an update sends neither. A create without a label leaves displayName out, so that
// Graph gives the field the attribute's own display name: an empty label is not one Graph takes.
type assignmentJSON struct {
	ID                   string               `json:"id,omitempty"`
	DisplayName          string               `json:"displayName,omitempty"`
	IsOptional           bool                 `json:"isOptional"`
	RequiresVerification bool                 `json:"requiresVerification"`
	UserInputType        string               `json:"userInputType"`
	UserAttributeValues  []UserAttributeValue `json:"userAttributeValues"`
	UserAttribute        *attributeReference  `json:"userAttribute,omitempty"`
}

// attributeReference is the userAttribute of an assignment: {"id": "<attribute id>"} when written; the
// whole attribute when read with $expand.
type attributeReference struct {
	ID string `json:"id"`
}

// toWire is a as a write sends it: the input type in the enum's spelling, and the choices as [] when
// there are none, as the create example sends them.
func (a AttributeAssignment) toWire() assignmentJSON {
	values := a.UserAttributeValues
	if values == nil {
		values = []UserAttributeValue{}
	}
	return assignmentJSON{DisplayName: a.DisplayName, IsOptional: a.IsOptional, RequiresVerification: a.RequiresVerification,
		UserInputType: enumMember(a.UserInputType, userInputTypes), UserAttributeValues: values}
}

// fromWire is an assignment Graph answered with. The attribute's id is the expanded userAttribute's, or
// attributeID when Graph answered without it (a create's answer), or else the assignment's own id, which
// the reference's examples show equal to it.
func (w assignmentJSON) fromWire(attributeID string) AttributeAssignment {
	if w.UserAttribute != nil && w.UserAttribute.ID != "" {
		attributeID = w.UserAttribute.ID
	}
	if attributeID == "" {
		attributeID = w.ID
	}
	return AttributeAssignment{ID: w.ID, UserAttributeID: attributeID, DisplayName: w.DisplayName, IsOptional: w.IsOptional,
		RequiresVerification: w.RequiresVerification, UserInputType: w.UserInputType, UserAttributeValues: w.UserAttributeValues}
}

// ListAttributeAssignments reads a flow's sign-up page: every page of GET …/{flowID}/userAttributeAssignments
// with $expand=userAttribute (the attribute's id is in the relationship; the examples show the assignment's
// id equal to it, without promising it), then GET …/userAttributeAssignments/getOrder, by which the fields
// are sorted (the list's own order is not documented): two requests for a flow whose fields fit in a page.
// Fields the order does not name come last, in the list's order. A missing flow is an error for which
// IsNotFound is true.
func (c *Client) ListAttributeAssignments(ctx context.Context, flowID string) ([]AttributeAssignment, error) {
	assignments, err := c.listAssignments(ctx, flowID)
	if err != nil {
		return nil, err
	}
	_, target, err := c.userFlowURL(flowID, assignmentsNavigation+"/getOrder", "")
	if err != nil {
		return nil, err
	}
	order, err := getOne[struct {
		Order []string `json:"order"`
	}](ctx, c, target, "a user flow's assignment order")
	if err != nil {
		return nil, err
	}
	position := func(a AttributeAssignment) int {
		for i, id := range order.Order {
			if strings.EqualFold(id, a.UserAttributeID) || strings.EqualFold(id, a.ID) {
				return i
			}
		}
		return len(order.Order)
	}
	slices.SortStableFunc(assignments, func(a, b AttributeAssignment) int { return position(a) - position(b) })
	return assignments, nil
}

// listAssignments reads a flow's assignments in the list's order.
func (c *Client) listAssignments(ctx context.Context, flowID string) ([]AttributeAssignment, error) {
	_, target, err := c.userFlowURL(flowID, assignmentsNavigation, "$expand=userAttribute")
	if err != nil {
		return nil, err
	}
	items, err := getAllPages[assignmentJSON](ctx, c, target, "a user flow's attribute assignments")
	if err != nil {
		return nil, err
	}
	assignments := make([]AttributeAssignment, len(items))
	for i, item := range items {
		assignments[i] = item.fromWire("")
	}
	return assignments, nil
}

// CreateAttributeAssignment adds a field to a flow's sign-up page: POST …/{flowID}/userAttributeAssignments
// with displayName (left out when "": Graph then labels the field with the attribute's display name, and the
// answer says which), isOptional, requiresVerification, userInputType (camelCase), userAttributeValues and
// userAttribute {"id": assignment.UserAttributeID}. Graph answers 201 with the assignment (at the end of the
// page's order, as far as the reference shows). When the answer is lost, the client looks for an assignment
// of that attribute before sending it again, and a 409 to a create sent again means it exists (see
// createOnce); a 409 to the first create is an attribute the page collects already. It does not wait for
// Graph to show the field: WaitForAttributeAssignments does, once every change is sent.
func (c *Client) CreateAttributeAssignment(ctx context.Context, flowID string, assignment AttributeAssignment) (*AttributeAssignment, error) {
	if assignment.UserAttributeID == "" {
		return nil, fmt.Errorf("an attribute assignment needs the id of the attribute it collects")
	}
	_, target, err := c.userFlowURL(flowID, assignmentsNavigation, "")
	if err != nil {
		return nil, err
	}
	body := assignment.toWire()
	body.UserAttribute = &attributeReference{ID: assignment.UserAttributeID}
	return createOnce(ctx, c, "attribute assignment", func(ctx context.Context) (*AttributeAssignment, error) {
		w, err := postOne[assignmentJSON](ctx, c, target, body, "the created attribute assignment")
		if err != nil {
			return nil, err
		}
		created := w.fromWire(assignment.UserAttributeID)
		return &created, nil
	}, func(ctx context.Context) (*AttributeAssignment, error) {
		all, err := c.listAssignments(ctx, flowID)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(all, func(a AttributeAssignment) bool {
			return strings.EqualFold(a.UserAttributeID, assignment.UserAttributeID)
		})
		if i < 0 {
			return nil, nil
		}
		return &all[i], nil
	})
}

// UpdateAttributeAssignment changes a field of a flow's sign-up page: PATCH …/userAttributeAssignments/{id}
// with displayName, isOptional, requiresVerification, userInputType and userAttributeValues (the attribute
// it collects cannot change). The page says Graph answers 200 with the assignment and its example shows 204:
// both are accepted. It does not wait for Graph to show the change: WaitForAttributeAssignments does.
func (c *Client) UpdateAttributeAssignment(ctx context.Context, flowID, id string, assignment AttributeAssignment) error {
	target, err := c.assignmentURL(flowID, id)
	if err != nil {
		return err
	}
	// Repeating a PATCH leaves the same assignment, so a lost answer is mended by sending it again.
	_, err = c.do(ctx, request{method: http.MethodPatch, path: target, body: assignment.toWire(), repeatable: true})
	return err
}

// DeleteAttributeAssignment removes a field from a flow's sign-up page: DELETE …/userAttributeAssignments/{id},
// 204. A 404 (already gone, or the flow is) is the outcome wanted. It does not wait for Graph to show the
// change: WaitForAttributeAssignments does.
func (c *Client) DeleteAttributeAssignment(ctx context.Context, flowID, id string) error {
	target, err := c.assignmentURL(flowID, id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodDelete, path: target, repeatable: true})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// SetAttributeAssignmentOrder orders the fields of a flow's sign-up page: POST …/userAttributeAssignments/setOrder
// with {"newAssignmentOrder": {"order": [...]}}, 204. order names the attributes of every current field
// exactly once (the reference's assignmentOrder holds attribute ids; its examples show them equal to the
// assignments' ids). Setting the same order twice leaves it as setting it once, so a lost answer is mended
// by sending it again. It does not wait for Graph to show the order: WaitForAttributeAssignments does.
func (c *Client) SetAttributeAssignmentOrder(ctx context.Context, flowID string, order []string) error {
	_, target, err := c.userFlowURL(flowID, assignmentsNavigation+"/setOrder", "")
	if err != nil {
		return err
	}
	if order == nil {
		order = []string{}
	}
	type assignmentOrder struct {
		Order []string `json:"order"`
	}
	body := struct {
		NewAssignmentOrder assignmentOrder `json:"newAssignmentOrder"`
	}{assignmentOrder{order}}
	_, err = c.do(ctx, request{method: http.MethodPost, path: target, body: body, repeatable: true})
	return err
}

// WaitForAttributeAssignments reads a flow's sign-up page (ListAttributeAssignments) until Graph shows
// exactly want, in order, and returns what Graph last showed: replicas may answer as before a write for a
// while, and a 404 from one that lags behind is read again. Fields are matched by their attribute's id;
// ids and input types compare without regard to case, the other properties exactly (the choices in order).
// When the operation's deadline comes first, the error is a *NotShownError with a Pending for each field
// Graph shows otherwise than wanted (Property "userAttributeAssignments/<attribute id>", Sent and Shown
// short descriptions, "" for a field missing or not wanted), or, when only the order differs, one for
// "userAttributeAssignments/order" (the attribute ids joined with ", ").
func (c *Client) WaitForAttributeAssignments(ctx context.Context, flowID string, want []AttributeAssignment) ([]AttributeAssignment, error) {
	_, target, err := c.userFlowURL(flowID, assignmentsNavigation, "")
	if err != nil {
		return nil, err
	}
	return readUntilShown(ctx, "the writes to "+c.pathOf(target), func(ctx context.Context) ([]AttributeAssignment, error) {
		return c.ListAttributeAssignments(ctx, flowID)
	}, func(got []AttributeAssignment) []Pending { return pendingAssignments(want, got) })
}

// pendingAssignments lists how got differs from want: each field missing, different or not wanted, or
// else the order.
func pendingAssignments(want, got []AttributeAssignment) []Pending {
	find := func(in []AttributeAssignment, attributeID string) int {
		return slices.IndexFunc(in, func(a AttributeAssignment) bool { return strings.EqualFold(a.UserAttributeID, attributeID) })
	}
	var pending []Pending
	for _, w := range want {
		i := find(got, w.UserAttributeID)
		switch {
		case i < 0:
			pending = append(pending, Pending{assignmentsNavigation + "/" + w.UserAttributeID, describeAssignment(w), ""})
		case !sameAssignment(w, got[i]):
			pending = append(pending, Pending{assignmentsNavigation + "/" + w.UserAttributeID, describeAssignment(w), describeAssignment(got[i])})
		}
	}
	for _, g := range got {
		if find(want, g.UserAttributeID) < 0 {
			pending = append(pending, Pending{assignmentsNavigation + "/" + g.UserAttributeID, "", describeAssignment(g)})
		}
	}
	if len(pending) > 0 {
		return pending
	}
	if wantOrder, gotOrder := attributeIDs(want), attributeIDs(got); !strings.EqualFold(wantOrder, gotOrder) {
		return []Pending{{assignmentsNavigation + "/order", wantOrder, gotOrder}}
	}
	return nil
}

// sameAssignment reports whether Graph's field got shows want.
func sameAssignment(want, got AttributeAssignment) bool {
	return want.DisplayName == got.DisplayName && want.IsOptional == got.IsOptional &&
		want.RequiresVerification == got.RequiresVerification && strings.EqualFold(want.UserInputType, got.UserInputType) &&
		(len(want.UserAttributeValues) == 0 && len(got.UserAttributeValues) == 0 || slices.Equal(want.UserAttributeValues, got.UserAttributeValues))
}

// describeAssignment says what a field is, in a few words, for a Pending: `"Shoe size", textBox, optional,
// choices S=s (default), M=m`.
func describeAssignment(a AttributeAssignment) string {
	parts := []string{strconv.Quote(a.DisplayName), enumMember(a.UserInputType, userInputTypes)}
	if a.IsOptional {
		parts = append(parts, "optional")
	} else {
		parts = append(parts, "required")
	}
	if a.RequiresVerification {
		parts = append(parts, "verified")
	}
	if len(a.UserAttributeValues) > 0 {
		choices := make([]string, len(a.UserAttributeValues))
		for i, v := range a.UserAttributeValues {
			choices[i] = v.Name + "=" + v.Value
			if v.IsDefault {
				choices[i] += " (default)"
			}
		}
		parts = append(parts, "choices "+strings.Join(choices, ", "))
	}
	return strings.Join(parts, ", ")
}

// attributeIDs are the attribute ids of assignments, joined with ", ".
func attributeIDs(assignments []AttributeAssignment) string {
	ids := make([]string, len(assignments))
	for i, a := range assignments {
		ids[i] = a.UserAttributeID
	}
	return strings.Join(ids, ", ")
}

// assignmentURL is the URL of one of a flow's assignments.
func (c *Client) assignmentURL(flowID, id string) (string, error) {
	if !isPathID(id) {
		return "", fmt.Errorf("%q is not an attribute assignment id: ids are attribute ids such as City or extension_<appId>_<name>", id)
	}
	_, target, err := c.userFlowURL(flowID, assignmentsNavigation+"/"+id, "")
	return target, err
}
