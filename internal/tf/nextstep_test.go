package tf

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

var (
	connectors = Object{Name: "API connector", Permission: "APIConnectors.ReadWrite.All", Find: "List them.", BadRequest: "Check target_url."}
	userFlows  = Object{Name: "user flow", Permission: "IdentityUserFlow.ReadWrite.All", Find: "Flows come from the portal."}
)

func answer(status int, code string) *graph.Error {
	return &graph.Error{Method: "GET", Path: "/v1.0/identity/apiConnectors", StatusCode: status, Code: code, Message: "m"}
}

func TestNextStep_oneRowPerAnswer(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		call Call
		want string // "" for no advice
	}{
		"401: the sign-in": {answer(401, "InvalidAuthenticationToken"), Call{Object: connectors}, "Check the sign-in: tenant_id"},
		"403 denied: the connector permission": {answer(403, "Authorization_RequestDenied"), Call{Object: connectors},
			"may not manage API connectors: give its app registration the Microsoft Graph application permission APIConnectors.ReadWrite.All (API permissions, then Grant admin consent)"},
		"403 denied: the user-flow permission": {answer(403, "Authorization_RequestDenied"), Call{Object: userFlows},
			"permission IdentityUserFlow.ReadWrite.All"},
		"403 accessDenied: the permission": {answer(403, "accessDenied"), Call{Object: connectors}, "permission APIConnectors.ReadWrite.All (API permissions, then Grant admin consent)"},
		"403 of an Azure AD B2C tenant: the permission": {answer(403, "AADB2C"), Call{Object: userFlows},
			"permission IdentityUserFlow.ReadWrite.All (API permissions, then Grant admin consent)"},
		"403 of an Azure AD B2C tenant, longer code": {answer(403, "AADB2C90205"), Call{Object: connectors}, "Grant admin consent"},
		"403 of another code: nothing to add":        {answer(403, "Forbidden"), Call{Object: connectors}, ""},
		"404 on an id: where ids come from":          {answer(404, "Request_ResourceNotFound"), Call{Object: userFlows, ID: "B2X_1_x"}, "No user flow has the id B2X_1_x. Flows come from the portal."},
		"404 without an id: nothing to add":          {answer(404, "Request_ResourceNotFound"), Call{Object: connectors}, ""},
		"400 on a connector: the URL rule":           {answer(400, "invalidRequest"), Call{Object: connectors}, "Check target_url."},
		"400 on a user flow: nothing to add":         {answer(400, "BadRequest"), Call{Object: userFlows}, ""},
		"409 on an attribute's create: the name taken": {answer(409, "AADB2C"), Call{Object: UserFlowAttributes, Timeout: ResourceCreate},
			"Another user flow attribute, built-in or custom, has this display_name: import that one by its id instead"},
		"409 on an attribute's delete: a flow collects it": {answer(409, "AADB2C"), Call{Object: UserFlowAttributes, Timeout: ResourceDelete},
			"add lifecycle { create_before_destroy = true } to it"},
		"409 on a flow's create: the name taken": {answer(409, "AADB2C"), Call{Object: UserFlows, Timeout: ResourceCreate},
			"A user flow of that name exists already"},
		"409 on a connector: nothing to add": {answer(409, "Conflict"), Call{Object: connectors}, ""},
		"429 out of retries: a longer timeout": {answer(429, "TooManyRequests"), Call{Object: connectors, Timeout: ResourceCreate},
			"set a longer timeouts { create } on this resource"},
		"500: nothing to add":         {answer(500, "InternalServerError"), Call{Object: connectors}, ""},
		"not a Graph answer":          {errors.New("dial tcp: refused"), Call{Object: connectors}, ""},
		"a wrapped answer still maps": {fmt.Errorf("reading: %w", answer(401, "")), Call{Object: connectors}, "Check the sign-in"},
	} {
		t.Run(name, func(t *testing.T) {
			got := NextStep(tc.err, tc.call)
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("NextStep = %q, want %q", got, tc.want)
			}
			detail := Detail(tc.err, tc.call)
			if !strings.HasPrefix(detail, tc.err.Error()) || (got != "" && !strings.HasSuffix(detail, "\n\n"+got)) {
				t.Errorf("Detail = %q, want the error, then the next step", detail)
			}
		})
	}
}

// TestNextStep_aRefusedUserFlowKindSaysWhatTheTenantHasInstead: Graph refuses the user flows of the kind a
// tenant lacks with the 403 of a missing permission, so the advice after a 403 on either collection names
// the other kind, and how Graph serves it.
func TestNextStep_aRefusedUserFlowKindSaysWhatTheTenantHasInstead(t *testing.T) {
	for path, want := range map[string]string{
		"/v1.0/identity/b2xUserFlows/B2X_1_Partner/apiConnectorConfiguration/postAttributeCollection/$ref": "Or the tenant is an Azure AD B2C tenant, " +
			"which has no External ID self-service sign-up flows (B2X_1_…): name one of its Azure AD B2C user flows (B2C_1_…) instead, which Graph serves on beta",
		"/beta/identity/b2cUserFlows/B2C_1_SignUp": "Or the tenant is a Microsoft Entra workforce tenant, which has no Azure AD B2C user flows",
		"/v1.0/identity/apiConnectors":             "",
	} {
		err := &graph.Error{Method: "PUT", Path: path, StatusCode: 403, Code: "AADB2C", Message: "m"}
		got := NextStep(err, Call{Object: userFlows})
		if !strings.Contains(got, "Grant admin consent") || (want == "" && strings.Contains(got, "Or the tenant")) || !strings.Contains(got, want) {
			t.Errorf("%s: NextStep = %q, want the permission and %q", path, got, want)
		}
	}
}

// TestNextStep_aConflictIsAdvisedForTheOperationThatMetIt: Graph answers 409 both to a create whose name is
// taken and to the delete of an attribute a flow still collects; each next step speaks of its own case only.
func TestNextStep_aConflictIsAdvisedForTheOperationThatMetIt(t *testing.T) {
	for _, tc := range []struct {
		timeout       Timeout
		want, notWant string
	}{
		{ResourceCreate, "has this display_name", "the flow's sign-up page moves to it"},
		{ResourceDelete, "the flow's sign-up page moves to it", "has this display_name"},
	} {
		got := NextStep(answer(409, "AADB2C"), Call{Object: UserFlowAttributes, Timeout: tc.timeout})
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.notWant) {
			t.Errorf("%s: NextStep = %q, want %q and not %q", tc.timeout.Attribute, got, tc.want, tc.notWant)
		}
	}
}

// TestNextStep_aRefusedCreateSaysWhichKindToSet: after the 403 of a tenant of the other kind, a call that
// makes a flow of the kind an argument chose says to set that argument to the tenant's kind, and names no
// flow to use instead.
func TestNextStep_aRefusedCreateSaysWhichKindToSet(t *testing.T) {
	for path, want := range map[string]string{
		"/v1.0/identity/b2xUserFlows": "Or the tenant is an Azure AD B2C tenant, which has no External ID self-service sign-up flows " +
			"(B2X_1_…): set kind = \"b2c\" to make an Azure AD B2C user flow (B2C_1_…) there, or check that tenant_id names the tenant you mean.",
		"/beta/identity/b2cUserFlows": "Or the tenant is a Microsoft Entra workforce tenant, which has no Azure AD B2C user flows " +
			"(B2C_1_…): set kind = \"b2x\" to make an External ID self-service sign-up flow (B2X_1_…) there, or check that tenant_id names the tenant you mean.",
	} {
		err := &graph.Error{Method: "POST", Path: path, StatusCode: 403, Code: "AADB2C", Message: "m"}
		got := NextStep(err, Call{Object: userFlows, KindArgument: "kind"})
		if !strings.Contains(got, "Grant admin consent") || !strings.Contains(got, want) || strings.Contains(got, "name one of") {
			t.Errorf("%s: NextStep = %q, want the permission and %q, and no flow to name", path, got, want)
		}
	}
}

func TestNextStep_namesGraphsWaitAndATimeoutThatCoversIt(t *testing.T) {
	throttled := func(wait, left time.Duration) error {
		return fmt.Errorf("%w: %w", answer(429, "TooManyRequests"), &graph.RetryAfterError{Wait: wait, Left: left})
	}
	tests := []struct {
		name    string
		err     error
		timeout Timeout
		want    string
	}{
		{"a data source read", throttled(300*time.Second, 3*time.Second), DataSourceRead,
			`asked for a wait of 5m before the next request. Set timeouts { read = "6m" } or more on this data source`},
		{"a create", throttled(90500*time.Millisecond, 10*time.Minute-time.Second), ResourceCreate,
			`asked for a wait of 1m31s before the next request. Set timeouts { create = "3m" } or more on this resource`},
		{"an hour", throttled(time.Hour, time.Minute), ResourceDelete,
			`asked for a wait of 1h before the next request. Set timeouts { delete = "1h1m" } or more on this resource`},
		// A request the throttle kept back was never sent: no Graph answer of its own.
		{"a turn at the throttle", fmt.Errorf("GET /identity/apiConnectors/a: %w", &graph.RetryAfterError{Wait: 150 * time.Second, Left: time.Minute, Queued: true}), ResourceUpdate,
			`this request's turn comes in 2m30s. Set timeouts { update = "4m" } or more on this resource`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detail(tt.err, Call{Object: connectors, Timeout: tt.timeout})
			if !strings.HasPrefix(got, tt.err.Error()+"\n\n") || !strings.Contains(got, tt.want) {
				t.Errorf("Detail =\n%s\nwant the error, then %s", got, tt.want)
			}
		})
	}
}

func TestDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		3 * time.Second: "3s", 10 * time.Second: "10s", 5 * time.Minute: "5m", 90 * time.Second: "1m30s",
		time.Hour: "1h", time.Hour + time.Minute: "1h1m", time.Hour + time.Second: "1h0m1s",
	} {
		if got := DurationText(d); got != want {
			t.Errorf("DurationText(%s) = %q, want %q", d, got, want)
		}
	}
}
