package tf

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// Object is what the next steps need to know of one kind of Graph object.
type Object struct {
	// Name is the kind as errors say it: "API connector".
	Name string
	// Permission is the Graph application permission that lets the provider manage objects of the kind, and
	// ReadPermission the least one that lets a data source read them.
	Permission, ReadPermission string
	// Find says where ids of the kind come from, for an id that Graph does not know.
	Find string
	// BadRequest, when set, is what to check when Graph refuses a write as malformed (400).
	BadRequest string
	// Conflict is what to do when Graph refuses a write because of another object (409), by the operation (the
	// timeout that bounds it): what stands in the way differs, a name taken for a create, a user of the object
	// for a delete.
	Conflict map[Timeout]string
}

// TargetURLRule is what the connector resource accepts as target_url, for its description and for the next
// step after Graph refuses one.
const TargetURLRule = "an absolute `https://` URL with a host name or IP address, a port from 1 to 65535 if any, and no credentials or fragment"

// The kinds of object the provider manages, one row each.
var (
	// APIConnectors are Graph's identityApiConnector.
	APIConnectors = Object{
		Name:           "API connector",
		Permission:     "APIConnectors.ReadWrite.All",
		ReadPermission: "APIConnectors.Read.All",
		Find: "List the tenant's connectors with the entra_identity_api_connectors data source; a connector made outside " +
			"Terraform can be imported by its id.",
		BadRequest: "When Graph's message is about targetUrl: target_url must be " + TargetURLRule + ".",
	}
	// UserFlows are Graph's b2xIdentityUserFlow and b2cIdentityUserFlow.
	UserFlows = Object{
		Name:           "user flow",
		Permission:     "IdentityUserFlow.ReadWrite.All",
		ReadPermission: "IdentityUserFlow.Read.All",
		Find: "Create user flows with the entra_user_flow resource (one made in the portal can be imported into it by its id), " +
			"and list the tenant's flows with the entra_user_flows data source.",
		BadRequest: "When Graph's message is about an attribute: each user_attribute_id must name an attribute the tenant has, a " +
			"built-in one (City, Surname, …) or a custom one by its id (extension_<appId>_<name>, the id of an " +
			"entra_user_flow_attribute); the entra_user_flow_attributes data source lists them.",
		Conflict: map[Timeout]string{
			ResourceCreate: "A user flow of that name exists already (Graph compares names without regard to case): import it into " +
				"entra_user_flow by its id (the name with its B2X_1_ or B2C_1_ prefix), or choose another name.",
		},
	}
	// UserFlowAttributes are Graph's identityUserFlowAttribute.
	UserFlowAttributes = Object{
		Name:       "user flow attribute",
		Permission: "IdentityUserFlow.ReadWrite.All",
		Find: "List the tenant's attributes, built-in and custom, with the entra_user_flow_attributes data source; a custom " +
			"attribute made outside Terraform can be imported by its id.",
		BadRequest: "Graph refuses a data_type other than string, boolean and int64, a built-in attribute's change or deletion, " +
			"and a display_name it cannot make an attribute name of: use letters and digits.",
		Conflict: map[Timeout]string{
			ResourceCreate: "Another user flow attribute, built-in or custom, has this display_name: import that one by its id " +
				"instead, or choose another name. A replacement under create_before_destroy that keeps the display_name (only " +
				"data_type changed) meets the old attribute this way: change the name as well, or remove the attribute from the " +
				"sign-up page of every flow first and replace it without create_before_destroy.",
			ResourceDelete: "When this apply replaces the attribute for a new display_name, add lifecycle { " +
				"create_before_destroy = true } to it: the new attribute is made first, the flow's sign-up page moves to it, and " +
				"the old one is deleted last. Otherwise remove the attribute from the sign-up page (user_attribute_assignments) " +
				"of every flow that collects it first, then destroy it.",
		},
	}
)

// Call is one Graph call of an operation, as the next steps need it.
type Call struct {
	Object Object
	// ID is the id of the object the call names; "" for a list.
	ID string
	// Timeout is the setting that bounds the operation.
	Timeout Timeout
	// KindArgument, when set, is the argument that chose the kind of user flow the call makes: after the 403
	// of a tenant of the other kind, the next step is to set it to the tenant's kind rather than to name
	// another flow.
	KindArgument string
}

// nextStep is one row of nextSteps: what to do after an answer with this status and, when set, code (a
// code ending in "*" matches every code that begins with the rest).
type nextStep struct {
	status int
	code   string
	advice func(call Call, err error) string
}

// matches reports whether the row is for answer.
func (row nextStep) matches(answer *graph.Error) bool {
	prefix, any := strings.CutSuffix(row.code, "*")
	return row.status == answer.StatusCode &&
		(row.code == "" || row.code == answer.Code || any && strings.HasPrefix(answer.Code, prefix))
}

// nextSteps is the table of Graph answers the user can do something about, first match wins. Graph's
// documented error codes are in "Microsoft Graph error responses and resource types"; branch on status
// and code, never on the message.
var nextSteps = []nextStep{
	{status: http.StatusUnauthorized, advice: signIn},
	// A caller without the rights: the directory's code, Graph's generic one, and an Azure AD B2C tenant's,
	// which begins with AADB2C (the B2C service also answers with it a user flow of the kind the tenant lacks).
	{status: http.StatusForbidden, code: "Authorization_RequestDenied", advice: permission},
	{status: http.StatusForbidden, code: "accessDenied", advice: permission},
	{status: http.StatusForbidden, code: "AADB2C*", advice: permission},
	{status: http.StatusNotFound, advice: notFound},
	{status: http.StatusBadRequest, advice: func(call Call, _ error) string { return call.Object.BadRequest }},
	{status: http.StatusConflict, advice: func(call Call, _ error) string { return call.Object.Conflict[call.Timeout] }},
	{status: http.StatusTooManyRequests, advice: throttled},
}

// Detail is a failed Graph call's error as a diagnostic's detail: Graph's answer, then the next step
// from nextSteps when one fits.
func Detail(err error, call Call) string {
	if advice := NextStep(err, call); advice != "" {
		return err.Error() + "\n\n" + advice
	}
	return err.Error()
}

// NextStep is what to do after err, or "" when nextSteps has nothing for it.
func NextStep(err error, call Call) string {
	var answer *graph.Error
	if !errors.As(err, &answer) {
		// A request the throttle kept back past its deadline got no answer of its own.
		var queued *graph.RetryAfterError
		if errors.As(err, &queued) {
			return throttled(call, err)
		}
		return ""
	}
	for _, row := range nextSteps {
		if row.matches(answer) {
			return row.advice(call, err)
		}
	}
	return ""
}

func signIn(Call, error) string {
	return "Graph did not accept the provider's access token. Check the sign-in: tenant_id names the tenant that holds " +
		"the objects, the credential belongs to client_id and has not expired, and environment (or graph_endpoint and " +
		"authority_host) names the cloud the tenant is in."
}

func permission(call Call, err error) string {
	advice := fmt.Sprintf("The identity the provider signs in as may not manage %ss: give its app registration the Microsoft "+
		"Graph application permission %s (API permissions, then Grant admin consent), or, for a managed identity, the same "+
		"app role. A new permission can take a few minutes to apply.", call.Object.Name, call.Object.Permission)
	var answer *graph.Error
	if errors.As(err, &answer) {
		for _, kind := range tenantKinds {
			if !strings.Contains(strings.ToLower(answer.Path), strings.ToLower(kind.collection)) {
				continue
			}
			advice += fmt.Sprintf(" Or the tenant is %s, which has no %s: ", kind.tenant, kind.lacks)
			if call.KindArgument != "" {
				advice += fmt.Sprintf("set %s = %q to make %s there, or check that tenant_id names the tenant you mean.",
					call.KindArgument, kind.kind, kind.flow)
			} else {
				advice += kind.instead
			}
		}
	}
	return advice
}

// tenantKinds says, for each user-flow collection, what a tenant that lacks it has instead: a tenant serves
// one kind of user flow, and Graph refuses the other with a 403 like a missing permission's. kind and flow
// are the kind the tenant has, as the flow resource's argument and in words; instead is the next step of a
// call that names a flow.
var tenantKinds = []struct{ collection, tenant, lacks, kind, flow, instead string }{
	{
		collection: "/identity/b2xUserFlows", tenant: "an Azure AD B2C tenant", lacks: "External ID self-service sign-up flows (B2X_1_…)",
		kind: "b2c", flow: "an Azure AD B2C user flow (B2C_1_…)",
		instead: "name one of its Azure AD B2C user flows (B2C_1_…) instead, which Graph serves on beta (the provider calls beta " +
			"for them whatever api_version says).",
	},
	{
		collection: "/identity/b2cUserFlows", tenant: "a Microsoft Entra workforce tenant", lacks: "Azure AD B2C user flows (B2C_1_…)",
		kind: "b2x", flow: "an External ID self-service sign-up flow (B2X_1_…)",
		instead: "name one of its External ID self-service sign-up flows (B2X_1_…) instead.",
	},
}

func notFound(call Call, _ error) string {
	if call.ID == "" {
		return ""
	}
	return fmt.Sprintf("No %s has the id %s. %s", call.Object.Name, call.ID, call.Object.Find)
}

// throttled names the wait Graph asked for and a timeout that covers it, when Graph asked (Retry-After)
// for a wait longer than the operation's timeout leaves.
func throttled(call Call, err error) string {
	var asked *graph.RetryAfterError
	if !errors.As(err, &asked) {
		return fmt.Sprintf("Graph is throttling this application in this tenant. Run again later, with a lower -parallelism, "+
			"or set a longer timeouts { %s } on this %s.", call.Timeout.Attribute, call.Timeout.On)
	}
	// The wait in whole minutes, and a minute more for the requests after it.
	enough := (asked.Wait + time.Minute - 1).Truncate(time.Minute) + time.Minute
	if asked.Queued {
		return fmt.Sprintf("Graph is throttling this application in this tenant, and this request's turn comes in %s. "+
			"Set timeouts { %s = %q } or more on this %s so that the wait fits, run with a lower -parallelism, or run again later.",
			DurationText(asked.Wait.Round(time.Second)), call.Timeout.Attribute, DurationText(enough), call.Timeout.On)
	}
	return fmt.Sprintf("Graph is throttling this application in this tenant and asked for a wait of %s before the next request. "+
		"Set timeouts { %s = %q } or more on this %s so that the wait fits, or run again later.",
		DurationText(asked.Wait.Round(time.Second)), call.Timeout.Attribute, DurationText(enough), call.Timeout.On)
}
