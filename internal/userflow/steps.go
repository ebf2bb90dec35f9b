// Package userflow holds the Terraform resource that wires API connectors into the steps of a user flow
// (Graph's userFlowApiConnectorConfiguration), and the data sources that read user flows: External ID
// self-service sign-up flows (b2xIdentityUserFlow) and Azure AD B2C user flows (b2cIdentityUserFlow).
package userflow

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// step is one step of a user flow that can call an API connector, as the resource and the data sources
// name it.
type step struct {
	// attribute is the argument of the resource and the attribute of the data sources.
	attribute string
	// graph is the navigation property of userFlowApiConnectorConfiguration.
	graph graph.UserFlowStep
	// when says when the flow calls the connector, for the descriptions.
	when string
	// link and flow are the step's value in the resource's and the data sources' models.
	link func(*linkModel) *types.String
	flow func(*flowModel) *types.String
}

// steps lists every step of either kind of flow; graph.UserFlowKind.Steps says which kind has which.
var steps = []step{
	{
		attribute: "post_federation_signup",
		graph:     graph.PostFederationSignup,
		when:      "after the user federates with an external identity provider (Google, Facebook, Microsoft Entra ID, …) during sign-up; not on sign-in",
		link:      func(m *linkModel) *types.String { return &m.PostFederationSignup },
		flow:      func(m *flowModel) *types.String { return &m.PostFederationSignup },
	},
	{
		attribute: "post_attribute_collection",
		graph:     graph.PostAttributeCollection,
		when:      "after the user submits the attributes the flow collects, before the account is created",
		link:      func(m *linkModel) *types.String { return &m.PostAttributeCollection },
		flow:      func(m *flowModel) *types.String { return &m.PostAttributeCollection },
	},
	{
		attribute: "pre_token_issuance",
		graph:     graph.PreTokenIssuance,
		when:      "before the flow sends its token (\"Before sending the token\", in preview), to add claims to it",
		link:      func(m *linkModel) *types.String { return &m.PreTokenIssuance },
		flow:      func(m *flowModel) *types.String { return &m.PreTokenIssuance },
	},
}

// kindsWith lists the kinds of flow that have s.
func (s step) kindsWith() []graph.UserFlowKind {
	var kinds []graph.UserFlowKind
	for _, kind := range graph.UserFlowKinds() {
		if kind.HasStep(s.graph) {
			kinds = append(kinds, kind)
		}
	}
	return kinds
}

// stepsOf lists the steps a kind of flow has, by their attribute names.
func stepsOf(kind graph.UserFlowKind) []string {
	var names []string
	for _, s := range steps {
		if kind.HasStep(s.graph) {
			names = append(names, s.attribute)
		}
	}
	return names
}

// kindNames are the words used for each kind in descriptions and errors.
var kindNames = map[graph.UserFlowKind]string{
	graph.B2XUserFlow: "External ID self-service sign-up flow (b2xIdentityUserFlow, id B2X_1_…)",
	graph.B2CUserFlow: "Azure AD B2C user flow (b2cIdentityUserFlow, id B2C_1_…)",
}

// stepDescription describes a step's connector id, for the resource (argument) or a data source.
func (s step) stepDescription() string {
	kinds := s.kindsWith()
	which := "Both kinds of flow have this step."
	if len(kinds) == 1 {
		which = fmt.Sprintf("Only an %s has this step.", kindNames[kinds[0]])
	}
	return fmt.Sprintf("The id of the API connector the flow calls %s: Graph's `%s` step. %s", s.when, s.graph, which)
}

// userFlowIDPattern is the form of a user flow id: a kind's prefix, then ASCII letters, digits, '_' and '-'.
var userFlowIDPattern = func() *regexp.Regexp {
	prefixes := make([]string, 0, 2)
	for _, kind := range graph.UserFlowKinds() {
		prefixes = append(prefixes, regexp.QuoteMeta(kind.IDPrefix()))
	}
	return regexp.MustCompile(`^(?i:` + strings.Join(prefixes, "|") + `)[A-Za-z0-9_-]+$`)
}()

// userFlowIDForm says what a user flow id looks like, for errors.
var userFlowIDForm = fmt.Sprintf("must be a user flow id: %s… for an External ID self-service sign-up flow or %s… for an Azure AD B2C "+
	"user flow, followed by ASCII letters, digits, '_' and '-' (list them with the entra_user_flows data source)",
	graph.B2XUserFlow.IDPrefix(), graph.B2CUserFlow.IDPrefix())

// stringOrNull is a connector id as Terraform holds it: null for none.
func stringOrNull(v string) types.String {
	if v == "" {
		return types.StringNull()
	}
	return types.StringValue(v)
}
