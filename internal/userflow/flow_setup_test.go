package userflow_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

const flowAddress = "entra_user_flow.test"

// flowHCL is the entra_user_flow resource "test" of the given kind and name, with body's arguments.
func flowHCL(server *fakegraph.Server, kind, name string, body ...string) string {
	return acctest.ProviderBlock(server) + fmt.Sprintf("\nresource \"entra_user_flow\" \"test\" {\n  kind = %q\n  name = %q\n%s}\n",
		kind, name, strings.Join(body, ""))
}

// providersArg sets identity_providers.
func providersArg(ids ...string) string {
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("  identity_providers = [%s]\n", strings.Join(quoted, ", "))
}

// pageArg sets user_attribute_assignments to the fields, each written by field.
func pageArg(fields ...string) string {
	return "  user_attribute_assignments = [\n" + strings.Join(fields, ",\n") + "\n  ]\n"
}

// field is one field of the sign-up page: the attribute id, then any arguments as HCL (`display_name = "Town"`).
func field(attributeID string, arguments ...string) string {
	return fmt.Sprintf("    { user_attribute_id = %q%s }", attributeID, strings.Join(slices.Insert(arguments, 0, ""), ", "))
}

// arg is an argument line of the resource, such as arg("user_flow_type_version", 3).
func arg(name string, value any) string {
	if s, ok := value.(string); ok {
		return fmt.Sprintf("  %s = %q\n", name, s)
	}
	return fmt.Sprintf("  %s = %v\n", name, value)
}

// graphRequests are the Graph requests the emulator answered since its log was last reset, as
// "METHOD path" (the query left out), in order.
func graphRequests(server *fakegraph.Server) []string {
	var out []string
	for _, r := range server.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0/") || strings.HasPrefix(r.Path, "/beta/") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// countRequests counts the Graph requests since the log was last reset: reads (GET) and writes (the rest).
func countRequests(server *fakegraph.Server) (reads, writes int) {
	for _, r := range graphRequests(server) {
		if strings.HasPrefix(r, "GET ") {
			reads++
		} else {
			writes++
		}
	}
	return reads, writes
}

// expectWrites fails unless the Graph writes (every request but GET) since the log was last reset are
// want, in order, each as "METHOD path" with {flow} standing for flowPath, such as
// /v1.0/identity/b2xUserFlows/B2X_1_Partner.
func expectWrites(server *fakegraph.Server, flowPath string, want ...string) error {
	var got []string
	for _, r := range graphRequests(server) {
		if !strings.HasPrefix(r, "GET ") {
			got = append(got, r)
		}
	}
	wanted := make([]string, len(want))
	for i, w := range want {
		wanted[i] = strings.ReplaceAll(w, "{flow}", flowPath)
	}
	if !slices.Equal(got, wanted) {
		return fmt.Errorf("Graph received the writes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wanted, "\n  "))
	}
	return nil
}

// expectPage fails unless the flow's sign-up page collects exactly the attributes ids, in that order.
func expectPage(server *fakegraph.Server, flowID string, ids ...string) error {
	flow, ok := server.UserFlow(flowID)
	if !ok {
		return fmt.Errorf("the emulator has no flow %s", flowID)
	}
	var got []string
	for _, a := range flow.AttributeAssignments {
		got = append(got, a.ID)
	}
	if !slices.Equal(got, ids) {
		return fmt.Errorf("flow %s collects %v, want %v", flowID, got, ids)
	}
	return nil
}

// expectProviders fails unless the flow offers exactly the providers ids, in any order.
func expectProviders(server *fakegraph.Server, flowID string, ids ...string) error {
	flow, ok := server.UserFlow(flowID)
	if !ok {
		return fmt.Errorf("the emulator has no flow %s", flowID)
	}
	got := slices.Sorted(slices.Values(flow.IdentityProviders))
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(got, want) {
		return fmt.Errorf("flow %s offers %v, want %v", flowID, got, want)
	}
	return nil
}

// expectChanged checks that the plan updates the resource at address in place and changes exactly the
// given attributes, no other.
func expectChanged(address string, attributes ...string) plancheck.PlanCheck {
	return changedCheck{address, attributes}
}

type changedCheck struct {
	address    string
	attributes []string
}

func (c changedCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.address {
			continue
		}
		if !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s: planned %v, want an update in place", c.address, rc.Change.Actions)
			return
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		var changed []string
		for name := range before {
			if holdsTrue(unknown[name]) || !reflect.DeepEqual(before[name], after[name]) {
				changed = append(changed, name)
			}
		}
		slices.Sort(changed)
		if want := slices.Sorted(slices.Values(c.attributes)); !slices.Equal(changed, want) {
			resp.Error = fmt.Errorf("%s: the plan changes %v, want exactly %v", c.address, changed, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: not in the plan", c.address)
}

// holdsTrue reports whether an after_unknown value marks anything unknown.
func holdsTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case []any:
		return slices.ContainsFunc(v, holdsTrue)
	case map[string]any:
		for _, member := range v {
			if holdsTrue(member) {
				return true
			}
		}
	}
	return false
}
