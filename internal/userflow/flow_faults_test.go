package userflow_test

import (
	"cmp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// TestAccUserFlow_writesGraphNeverShows: Graph acknowledges a write and never applies it. The update reads
// back until its timeout, then fails with an error on the argument Graph does not show, saying what was
// sent and what Graph shows; the state holds what Graph shows, so the next plan proposes the change again,
// and the next apply, once Graph applies writes, makes it.
func TestAccUserFlow_writesGraphNeverShows(t *testing.T) {
	const timeouts = "  timeouts {\n    update = \"3s\"\n  }\n"
	b2c := []string{arg("user_flow_type_version", 3), timeouts}
	for name, tc := range map[string]struct {
		write         string
		kind, flowID  string
		before, after []string // the resource's arguments before and in the update
		attribute     string   // the argument the plan changes
		want          string   // the error
	}{
		"language setting": {
			write: fakegraph.WriteUserFlowUpdate, kind: "b2c", flowID: "B2C_1_Partner",
			before: append([]string{arg("default_language_tag", "de")}, b2c...), after: append([]string{arg("default_language_tag", "fr")}, b2c...),
			attribute: "default_language_tag",
			want:      `Graph did not apply the user flow's change…default_language_tag: This apply sent "fr", and Graph shows "de"`,
		},
		"identity provider": {
			write: fakegraph.WriteIdentityProviderReference, kind: "b2x", flowID: "B2X_1_Partner",
			before: []string{providersArg("AADSignup-OAUTH"), timeouts}, after: []string{providersArg("AADSignup-OAUTH", "Google-OAUTH"), timeouts},
			attribute: "identity_providers",
			want:      `identity_providers: This apply sent "AADSignup-OAUTH, Google-OAUTH", and Graph shows "AADSignup-OAUTH"`,
		},
		"field": {
			write: fakegraph.WriteAttributeAssignment, kind: "b2x", flowID: "B2X_1_Partner",
			before: []string{pageArg(field("City")), timeouts}, after: []string{pageArg(field("City"), field("Email")), timeouts},
			attribute: "user_attribute_assignments",
			want:      `user_attribute_assignments[1]: This apply sent "\"Email Address\", textBox, required", and Graph shows none`,
		},
		"order": {
			write: fakegraph.WriteAssignmentOrder, kind: "b2x", flowID: "B2X_1_Partner",
			before: []string{pageArg(field("City"), field("Email")), timeouts}, after: []string{pageArg(field("Email"), field("City")), timeouts},
			attribute: "user_attribute_assignments",
			want:      `user_attribute_assignments: This apply sent "Email, City", and Graph shows "City, Email"`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			server := socialTenant(t, fakegraph.Options{})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{Config: flowHCL(server, tc.kind, "Partner", tc.before...)},
					{
						PreConfig:   func() { server.SetFaults(fakegraph.Faults{UnappliedWrites: []string{tc.write}}) },
						Config:      flowHCL(server, tc.kind, "Partner", tc.after...),
						ExpectError: acctest.Wrapped(tc.want),
					},
					{
						PreConfig: func() { server.SetFaults(fakegraph.Faults{}) },
						Config:    flowHCL(server, tc.kind, "Partner", tc.after...),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{expectChanged(flowAddress, tc.attribute)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}

// TestAccUserFlow_replicationLag: for a while after a write, Graph reads the flow as missing and its parts
// as they were. Each apply waits until Graph shows what it wrote, so that the refresh after it sees no drift.
func TestAccUserFlow_replicationLag(t *testing.T) {
	server := socialTenant(t, fakegraph.Options{})
	server.SetFaults(fakegraph.Faults{ReplicationLag: 1500 * time.Millisecond, Seed: acctest.FaultSeed(t)})
	empty := resource.ConfigPlanChecks{
		PostApplyPreRefresh:  []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           flowHCL(server, "b2x", "Partner", providersArg("Google-OAUTH"), pageArg(field("City"), field("Email"))),
				ConfigPlanChecks: empty,
				// The new flow read as missing, and its parts as they were, right after the writes.
				Check: resource.ComposeAggregateTestCheckFunc(acctest.CheckFaultServed(server, "B2X_1_Partner", 404),
					acctest.CheckStaleReadServed(server, "B2X_1_Partner/")),
			},
			{
				Config:           flowHCL(server, "b2x", "Partner", providersArg("Facebook-OAUTH"), pageArg(field("Surname"), field("City", `display_name = "Town"`))),
				ConfigPlanChecks: empty,
			},
		},
	})
}

// TestAccUserFlow_createRefusedByGraph: Graph refuses what a create sends. A tenant of the other kind
// answers 403, reported on kind with the kind to set for that tenant; a flow of that name answers 409,
// reported on name with the import that adopts it; a provider the tenant lacks answers 404, reported on
// identity_providers.
func TestAccUserFlow_createRefusedByGraph(t *testing.T) {
	for name, tc := range map[string]struct {
		opts      fakegraph.Options
		kind      string // default b2x
		seed      string // a flow the portal made
		providers string
		want      string
	}{
		"a b2x flow in an Azure AD B2C directory": {opts: fakegraph.Options{TenantKind: fakegraph.B2CTenant},
			want: `Cannot create the b2x user flow Partner…kind = "b2x"…403…Or the tenant is an Azure AD B2C tenant, which has no ` +
				`External ID self-service sign-up flows (B2X_1_…): set kind = "b2c" to make an Azure AD B2C user flow (B2C_1_…) there, ` +
				`or check that tenant_id names the tenant you mean.`},
		"a b2c flow in a workforce tenant": {opts: fakegraph.Options{TenantKind: fakegraph.WorkforceTenant}, kind: "b2c",
			want: `Cannot create the b2c user flow Partner…kind = "b2c"…403…Or the tenant is a Microsoft Entra workforce tenant, which ` +
				`has no Azure AD B2C user flows (B2C_1_…): set kind = "b2x" to make an External ID self-service sign-up flow (B2X_1_…) ` +
				`there, or check that tenant_id names the tenant you mean.`},
		"a flow of that name": {seed: "B2X_1_PARTNER",
			want: `Cannot create the b2x user flow Partner…name = "Partner"…409…A user flow of that name exists already…import it into entra_user_flow by its id`},
		// The flow is made; the provider is refused, on identity_providers.
		"a provider the tenant lacks": {providers: providersArg("Google-OAUTH"),
			want: `Cannot add the identity provider Google-OAUTH to user flow B2X_1_Partner…identity_providers…404…The tenant has no identity provider Google-OAUTH`},
	} {
		t.Run(name, func(t *testing.T) {
			server := acctest.StartEmulator(t, tc.opts)
			if tc.seed != "" {
				seedFlow(t, server, tc.seed, nil)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      flowHCL(server, cmp.Or(tc.kind, "b2x"), "Partner", tc.providers, b2cVersion(tc.kind)),
					ExpectError: acctest.Wrapped(tc.want),
				}},
			})
		})
	}
}

// TestAccUserFlow_createThatFailsPartwayIsKeptByUntaint: a create whose flow Graph makes, but whose identity
// provider it refuses, fails and leaves the flow tainted. The error says what follows, and both are true:
// the next plan replaces the flow, and after `untaint` the next apply, with the provider fixed, writes only
// what the failed create did not: the provider and the sign-up page, not the flow.
func TestAccUserFlow_createThatFailsPartwayIsKeptByUntaint(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	const flowPath = "/v1.0/identity/b2xUserFlows/B2X_1_Partner"
	config := func(provider string) string {
		return flowHCL(server, "b2x", "Partner", providersArg("AADSignup-OAUTH", provider), pageArg(field("City")))
	}
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", config("Google-OAUTH"))
	cli.MustRun("init", "-input=false", "-no-color")

	out, err := cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !acctest.Wrapped(`Cannot add the identity provider Google-OAUTH to user flow B2X_1_Partner…`+
		`The tenant has no identity provider Google-OAUTH…`+
		`Graph made the user flow B2X_1_Partner, and the state holds it marked tainted: the next apply deletes it and creates it `+
		`again. To keep it, run untaint with this resource's address (tofu untaint or terraform untaint) before the next `+
		`apply, which then writes only what this one did not.`).MatchString(out) {
		t.Fatalf("want the create to fail on the provider and say what follows, got %v:\n%s", err, out)
	}

	cli.Write("main.tf", config("EmailOtpSignup-OAUTH"))
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !acctest.Wrapped(`entra_user_flow.test is tainted, so…must be replaced…` +
		`1 to add, 0 to change, 1 to destroy`).MatchString(out) {
		t.Fatalf("want the tainted flow replaced, got:\n%s", out)
	}
	cli.MustRun("untaint", "-no-color", flowAddress)
	server.ResetRequests()
	cli.MustRun("apply", "-input=false", "-no-color", "-auto-approve")
	logRequests(t, server, "the apply after untaint")
	if err := expectWrites(server, flowPath, "POST {flow}/userFlowIdentityProviders/$ref", "POST {flow}/userAttributeAssignments"); err != nil {
		t.Error(err)
	}
	if err := expectProviders(server, "B2X_1_Partner", "AADSignup-OAUTH", "EmailOtpSignup-OAUTH"); err != nil {
		t.Error(err)
	}
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Errorf("want no changes after the apply, got:\n%s", out)
	}
}

// b2cVersion is the version argument a b2c flow needs, and nothing for another kind.
func b2cVersion(kind string) string {
	if kind == "b2c" {
		return arg("user_flow_type_version", 3)
	}
	return ""
}

// TestAccUserFlow_createThatGraphNeverServesIsNotMadeTwice: Graph makes the flow and answers 404 for it past the
// create timeout. The apply fails, saying that Graph made the flow and that the state keeps it tainted. While
// Graph still answers 404, an apply stops at its refresh and sends nothing (forgetting the flow would send its
// create again, which Graph refuses with 409 for a flow it has); once Graph serves it, after untaint, the next
// apply writes only the sign-up page the failed create did not.
func TestAccUserFlow_createThatGraphNeverServesIsNotMadeTwice(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	lag := fakegraph.Faults{ReplicationLag: time.Hour}
	server.SetFaults(lag)
	cli := acctest.NewCLI(t)
	cli.Write("main.tf", flowHCL(server, "b2x", "Partner", pageArg(field("City")), "  timeouts {\n    create = \"2s\"\n  }\n"))
	cli.MustRun("init", "-input=false", "-no-color")

	out, err := cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !acctest.Wrapped(`Graph has not served the new user flow…Graph made the user flow B2X_1_Partner, and the state `+
		`holds it marked tainted`).MatchString(out) {
		t.Fatalf("want the create to fail and say what follows, got %v:\n%s", err, out)
	}

	cli.MustRun("untaint", "-no-color", flowAddress)
	server.ResetRequests()
	out, err = cli.Run(nil, "apply", "-input=false", "-no-color", "-auto-approve")
	if err == nil || !acctest.Wrapped(`Graph has not served the user flow B2X_1_Partner yet…The state keeps it, so that no second `+
		`one is made`).MatchString(out) {
		t.Errorf("want the apply under Graph's lag to stop at its refresh, got %v:\n%s", err, out)
	}
	if err := expectWrites(server, ""); err != nil {
		t.Errorf("the apply under Graph's lag: %v", err)
	}

	server.SetFaults(fakegraph.Faults{})
	server.ResetRequests()
	cli.MustRun("apply", "-input=false", "-no-color", "-auto-approve")
	if err := expectWrites(server, "/v1.0/identity/b2xUserFlows/B2X_1_Partner", "POST {flow}/userAttributeAssignments"); err != nil {
		t.Error(err)
	}
	if out := cli.MustRun("plan", "-input=false", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Errorf("want no changes after the apply, got:\n%s", out)
	}
}
