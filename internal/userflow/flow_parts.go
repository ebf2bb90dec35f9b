package userflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// Writing a flow's parts: its identity providers and its sign-up page. Each part is written against what
// Graph lists when the apply begins, never against the state alone (Graph may have changed since the
// plan), and read back until Graph shows it.

// writeError is a write Graph refused, with the argument it was for.
type writeError struct {
	at      path.Path
	summary string
	err     error
	// next, when set, is the next step in place of the one for user flows.
	next string
}

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// providerChanges are the providers to add to current and to remove from it to offer exactly want, ids
// compared without regard to case: add in want's order, remove in current's.
func providerChanges(current, want []string) (add, remove []string) {
	has := func(ids []string, id string) bool {
		return slices.ContainsFunc(ids, func(other string) bool { return strings.EqualFold(other, id) })
	}
	for _, id := range want {
		if !has(current, id) && !has(add, id) {
			add = append(add, id)
		}
	}
	for _, id := range current {
		if !has(want, id) {
			remove = append(remove, id)
		}
	}
	return add, remove
}

// writeProviders makes a flow offer exactly want: one $ref add per provider missing (first, so that the flow
// is never left without one when providers are swapped), one $ref remove per provider not wanted, then
// reads until Graph shows the result. It returns what Graph shows: after a refused write, what a read
// after it lists, or nil when that read fails too.
func (r *flowResource) writeProviders(ctx context.Context, flowID string, want []string) ([]string, error) {
	current, err := r.client.ListUserFlowIdentityProviders(ctx, flowID)
	if err != nil {
		return nil, err
	}
	add, remove := providerChanges(current, want)
	if len(add) == 0 && len(remove) == 0 {
		return current, nil
	}
	at := path.Root("identity_providers")
	for _, id := range add {
		if err := r.client.AddUserFlowIdentityProvider(ctx, flowID, id); err != nil {
			refused := &writeError{at: at, summary: fmt.Sprintf("Cannot add the identity provider %s to user flow %s", id, flowID), err: err}
			if graph.IsNotFound(err) {
				refused.next = fmt.Sprintf(missingProvider, id)
			}
			return readAfterFailure(ctx, flowID, r.client.ListUserFlowIdentityProviders), refused
		}
	}
	for _, id := range remove {
		if err := r.client.RemoveUserFlowIdentityProvider(ctx, flowID, id); err != nil {
			return readAfterFailure(ctx, flowID, r.client.ListUserFlowIdentityProviders),
				&writeError{at: at, summary: fmt.Sprintf("Cannot remove the identity provider %s from user flow %s", id, flowID), err: err}
		}
	}
	return r.client.WaitForUserFlowIdentityProviders(ctx, flowID, want)
}

// missingProvider is the next step after a 404 to adding the provider %s: Graph's answer does not say
// whether the provider or the flow is missing, and the flow was just read.
const missingProvider = "The tenant has no identity provider %s. A social provider (Google-OAUTH, Facebook-OAUTH) must be " +
	"configured in the tenant before a flow can offer it (External Identities, All identity providers, in the Microsoft Entra " +
	"admin center); the tenant's provider ids are listed by GET /identity/identityProviders. Ids are such as AADSignup-OAUTH, " +
	"EmailOtpSignup-OAUTH, MSASignup-OAUTH, Google-OAUTH."

// pageChanges are the writes that turn a sign-up page into the wanted one.
type pageChanges struct {
	// expected is the wanted page as Graph should show it: each field with the attribute id and the
	// assignment id of the field Graph has for it (a new field keeps the wanted attribute id, and no
	// assignment id), and the label Graph has where the plan leaves it to Graph ("").
	expected []graph.AttributeAssignment
	// remove are the fields Graph has that are not wanted.
	remove []graph.AttributeAssignment
	// update and create are indexes in expected: the fields that differ from Graph's, and the new ones.
	update, create []int
}

// planPage decides the writes that turn current into want, fields matched by attribute id without regard
// to case.
func planPage(current, want []graph.AttributeAssignment) pageChanges {
	changes := pageChanges{expected: make([]graph.AttributeAssignment, len(want))}
	kept := make([]bool, len(current))
	for i, w := range want {
		j := indexOfAttribute(current, w.UserAttributeID)
		if j < 0 {
			changes.expected[i] = w
			changes.create = append(changes.create, i)
			continue
		}
		kept[j] = true
		have := current[j]
		w.ID, w.UserAttributeID = have.ID, have.UserAttributeID
		if w.DisplayName == "" {
			w.DisplayName = have.DisplayName
		}
		changes.expected[i] = w
		if !sameField(w, have) {
			changes.update = append(changes.update, i)
		}
	}
	for j, have := range current {
		if !kept[j] {
			changes.remove = append(changes.remove, have)
		}
	}
	return changes
}

// needsOrder reports whether the page needs a setOrder after the other writes: Graph keeps the fields it
// had in their order and puts each new one last, in the order created.
func (c pageChanges) needsOrder(current []graph.AttributeAssignment) bool {
	var after []string
	for _, have := range current {
		if indexOfAttribute(c.remove, have.UserAttributeID) < 0 {
			after = append(after, have.UserAttributeID)
		}
	}
	for _, i := range c.create {
		after = append(after, c.expected[i].UserAttributeID)
	}
	return !strings.EqualFold(strings.Join(after, "\n"), strings.Join(attributeIDsOf(c.expected), "\n"))
}

// empty reports whether current is the wanted page already.
func (c pageChanges) empty(current []graph.AttributeAssignment) bool {
	return len(c.remove) == 0 && len(c.update) == 0 && len(c.create) == 0 && !c.needsOrder(current)
}

// writePage makes a flow's sign-up page hold exactly want, in its order: a DELETE per field not wanted, a
// PATCH per field that differs, a POST per new field in want's order, then setOrder only when Graph's order
// would differ from want's; and reads the page until Graph shows it all. It returns what Graph shows, as
// writeProviders does.
func (r *flowResource) writePage(ctx context.Context, flowID string, want []graph.AttributeAssignment) ([]graph.AttributeAssignment, error) {
	current, err := r.client.ListAttributeAssignments(ctx, flowID)
	if err != nil {
		return nil, err
	}
	changes := planPage(current, want)
	if changes.empty(current) {
		return current, nil
	}
	if err := r.sendPageChanges(ctx, flowID, current, changes); err != nil {
		return readAfterFailure(ctx, flowID, r.client.ListAttributeAssignments), err
	}
	return r.client.WaitForAttributeAssignments(ctx, flowID, changes.expected)
}

// sendPageChanges sends the writes of changes, stopping at the first Graph refuses. A new field's label
// and attribute id are taken from Graph's answer.
func (r *flowResource) sendPageChanges(ctx context.Context, flowID string, current []graph.AttributeAssignment, changes pageChanges) error {
	list := path.Root("user_attribute_assignments")
	reorder := changes.needsOrder(current)
	for _, field := range changes.remove {
		if err := r.client.DeleteAttributeAssignment(ctx, flowID, field.ID); err != nil {
			return &writeError{at: list, summary: fmt.Sprintf("Cannot remove the %s field from the sign-up page of user flow %s", field.UserAttributeID, flowID), err: err}
		}
	}
	for _, i := range changes.update {
		field := changes.expected[i]
		if err := r.client.UpdateAttributeAssignment(ctx, flowID, field.ID, field); err != nil {
			return &writeError{at: list.AtListIndex(i), summary: fmt.Sprintf("Cannot change the %s field of user flow %s", field.UserAttributeID, flowID), err: err}
		}
	}
	for _, i := range changes.create {
		field := &changes.expected[i]
		created, err := r.client.CreateAttributeAssignment(ctx, flowID, *field)
		if err != nil {
			return &writeError{at: list.AtListIndex(i), summary: fmt.Sprintf("Cannot add the %s field to user flow %s", field.UserAttributeID, flowID), err: err}
		}
		field.ID, field.UserAttributeID = created.ID, created.UserAttributeID
		if field.DisplayName == "" {
			field.DisplayName = created.DisplayName
		}
	}
	if !reorder {
		return nil
	}
	if err := r.client.SetAttributeAssignmentOrder(ctx, flowID, attributeIDsOf(changes.expected)); err != nil {
		return &writeError{at: list, summary: "Cannot order the sign-up page of user flow " + flowID, err: err}
	}
	return nil
}

// readAfterFailure reads a part again after a write Graph refused, for the state to hold what Graph shows;
// nil when the read fails too.
func readAfterFailure[T any](ctx context.Context, flowID string, read func(context.Context, string) ([]T, error)) []T {
	shown, err := read(ctx, flowID)
	if err != nil {
		return nil
	}
	return shown
}

// sameField reports whether Graph's field have already is want: labels, flags and choices exactly, input
// types without regard to case, no choices and an empty list alike.
func sameField(want, have graph.AttributeAssignment) bool {
	return want.DisplayName == have.DisplayName && want.IsOptional == have.IsOptional &&
		want.RequiresVerification == have.RequiresVerification && strings.EqualFold(want.UserInputType, have.UserInputType) &&
		(len(want.UserAttributeValues) == 0 && len(have.UserAttributeValues) == 0 || slices.Equal(want.UserAttributeValues, have.UserAttributeValues))
}

// indexOfAttribute is the index of the field of in that collects attributeID (without regard to case), or -1.
func indexOfAttribute(in []graph.AttributeAssignment, attributeID string) int {
	return slices.IndexFunc(in, func(a graph.AttributeAssignment) bool { return strings.EqualFold(a.UserAttributeID, attributeID) })
}

// attributeIDsOf are the attribute ids of fields, in order.
func attributeIDsOf(fields []graph.AttributeAssignment) []string {
	ids := make([]string, len(fields))
	for i, f := range fields {
		ids[i] = f.UserAttributeID
	}
	return ids
}

// notShownPaths maps the properties a *graph.NotShownError names to the arguments they are for: the
// language settings, identity_providers, each field of the sign-up page to its place in sent (the planned
// page), and the page's order or a field not wanted to the whole list.
func notShownPaths(err error, sent []graph.AttributeAssignment) map[string]path.Path {
	paths := map[string]path.Path{
		"isLanguageCustomizationEnabled": path.Root("is_language_customization_enabled"),
		"defaultLanguageTag":             path.Root("default_language_tag"),
		"userFlowIdentityProviders":      path.Root("identity_providers"),
	}
	list := path.Root("user_attribute_assignments")
	var notShown *graph.NotShownError
	if !errors.As(err, &notShown) {
		return paths
	}
	for _, p := range notShown.Pending {
		id, ok := strings.CutPrefix(p.Property, "userAttributeAssignments/")
		if !ok {
			continue
		}
		paths[p.Property] = list
		if i := indexOfAttribute(sent, id); i >= 0 && id != "order" {
			paths[p.Property] = list.AtListIndex(i)
		}
	}
	return paths
}

// wanted is what a plan asks of a flow's parts. A part whose plan is unknown (left to Graph on create) is
// only read.
type wanted struct {
	providers types.Set
	ids       []string
	page      types.List
	fields    []graph.AttributeAssignment
}

// wantedParts reads what plan asks of the flow's parts.
func wantedParts(ctx context.Context, plan flowResourceModel) (wanted, diag.Diagnostics) {
	want := wanted{providers: plan.IdentityProviders, page: plan.UserAttributeAssignments}
	ids, diags := stringsOf(ctx, plan.IdentityProviders)
	want.ids = ids
	models, d := assignmentsOf(ctx, plan.UserAttributeAssignments)
	diags.Append(d...)
	for _, m := range models {
		field, d := assignmentToAPI(ctx, m)
		diags.Append(d...)
		want.fields = append(want.fields, field)
	}
	return want, diags
}

// writeParts makes the flow's identity providers and sign-up page what want asks, each only when it differs
// from applied (the state before an update; nothing before a create), and puts what Graph then shows on
// applied. It stops at the first part that fails; applied then holds what Graph shows of that part and the
// state's value of the next.
func (r *flowResource) writeParts(ctx context.Context, flowID string, want wanted, applied *flowResourceModel) error {
	var shownIDs []string
	var err error
	switch {
	case want.providers.IsUnknown():
		shownIDs, err = r.client.ListUserFlowIdentityProviders(ctx, flowID)
	case want.providers.Equal(applied.IdentityProviders):
	default:
		shownIDs, err = r.writeProviders(ctx, flowID, want.ids)
	}
	if shownIDs != nil {
		applied.IdentityProviders = stringSet(providersFromAPI(shownIDs, want.ids))
	}
	if err != nil {
		return err
	}
	var shown []graph.AttributeAssignment
	switch {
	case want.page.IsUnknown():
		shown, err = r.client.ListAttributeAssignments(ctx, flowID)
	case want.page.Equal(applied.UserAttributeAssignments):
	default:
		shown, err = r.writePage(ctx, flowID, want.fields)
	}
	if shown != nil {
		var diags diag.Diagnostics
		if diags = applyPage(ctx, applied, want.page, shown); diags.HasError() {
			return fmt.Errorf("mapping the sign-up page Graph shows: %v", diags)
		}
	}
	return err
}

// applyProviders puts the identity providers Graph shows on m, in prior's spellings.
func applyProviders(ctx context.Context, m *flowResourceModel, prior types.Set, shown []string) diag.Diagnostics {
	ids, diags := stringsOf(ctx, prior)
	m.IdentityProviders = stringSet(providersFromAPI(shown, ids))
	return diags
}

// applyPage puts the sign-up page Graph shows on m, in prior's spellings.
func applyPage(ctx context.Context, m *flowResourceModel, prior types.List, shown []graph.AttributeAssignment) diag.Diagnostics {
	fields, diags := assignmentsOf(ctx, prior)
	list, d := assignmentList(ctx, assignmentsFromAPI(shown, fields))
	diags.Append(d...)
	m.UserAttributeAssignments = list
	return diags
}
