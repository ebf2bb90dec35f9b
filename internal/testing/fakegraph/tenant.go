package fakegraph

import (
	"net/http"
	"slices"
	"strings"
)

// TenantKind is the kind of directory the emulator plays (Options.TenantKind).
type TenantKind string

// The tenant kinds. The zero value serves both kinds of user flow, which no real tenant does, so that one
// emulator can stand for both.
const (
	// WorkforceTenant is a Microsoft Entra workforce directory: it serves External ID self-service sign-up
	// flows (b2xUserFlows) and refuses Azure AD B2C ones.
	WorkforceTenant TenantKind = "workforce"
	// B2CTenant is an Azure AD B2C directory: it serves b2cUserFlows, refuses b2xUserFlows, and has no
	// built-in identity providers.
	B2CTenant TenantKind = "b2c"
)

// tenantKind is what a kind of directory serves.
type tenantKind struct {
	userFlows []UserFlowKind // the user-flow collections it serves
	// refusal is Graph's message when a call reaches the user flows of another kind of directory; %s is the
	// tenant id. Graph answers 403 with code AADB2C.
	refusal string
}

var tenantKinds = map[TenantKind]tenantKind{
	"": {userFlows: []UserFlowKind{B2XUserFlow, B2CUserFlow}},
	// Seen from real Graph on b2xUserFlows in a B2C directory (microsoftgraph/microsoft-graph-docs-contrib#8478).
	B2CTenant: {userFlows: []UserFlowKind{B2CUserFlow},
		refusal: "'%s' is an Azure AD B2C directory. Access to this Api can only be made for an Azure AD directory (non b2c)."},
	// The mirror image of the B2C answer: Graph's wording for it has not been seen.
	WorkforceTenant: {userFlows: []UserFlowKind{B2XUserFlow},
		refusal: "'%s' is not an Azure AD B2C directory. Access to this Api can only be made for an Azure AD B2C directory."},
}

// servesUserFlows answers a call to kind's user flows with the tenant's refusal when the tenant does not serve them.
func (s *Server) servesUserFlows(kind UserFlowKind) *odataError {
	t := tenantKinds[s.opts.TenantKind]
	if slices.Contains(t.userFlows, kind) {
		return nil
	}
	return userFlowServiceError(http.StatusForbidden, t.refusal, s.opts.TenantID)
}

// permission is what a Graph operation requires: any one of the application permissions it names, from
// least to most privileged, as the reference's permission tables list them.
type permission []string

// The permissions of the operations the emulator serves.
var (
	connectorsRead  = permission{"APIConnectors.Read.All", "APIConnectors.ReadWrite.All"}
	connectorsWrite = permission{"APIConnectors.ReadWrite.All"}
	userFlowsRead   = permission{"IdentityUserFlow.Read.All", "IdentityUserFlow.ReadWrite.All"}
	userFlowsWrite  = permission{"IdentityUserFlow.ReadWrite.All"}
	// The pages that list a flow's identity providers name only IdentityUserFlow.ReadWrite.All, while every
	// other read of a flow and its parts names IdentityUserFlow.Read.All too. A permission that reads a flow
	// but not its providers is implausible, so the emulator accepts either: userFlowsRead.
	identityProvidersRead = permission{"IdentityProvider.Read.All", "IdentityProvider.ReadWrite.All"}
)

// checkPermission answers 403 when the application was granted none of the permissions the call
// requires. A workforce directory answers as Graph's gateway does; a B2C directory answers from its own
// service, with code AADB2C and the permissions named (seen from real Graph: Microsoft365DSC#3941,
// terraform-provider-azuread#1079).
func (s *Server) checkPermission(required permission) *odataError {
	granted := s.opts.Permissions
	if granted == nil || len(required) == 0 {
		return nil
	}
	for _, name := range required {
		if slices.ContainsFunc(granted, func(g string) bool { return strings.EqualFold(g, name) }) {
			return nil
		}
	}
	if s.opts.TenantKind == B2CTenant {
		return userFlowServiceError(http.StatusForbidden,
			"The application does not have any of the required application permissions (%s) to access the resource.", strings.Join(required, ", "))
	}
	return &odataError{status: http.StatusForbidden, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation."}
}
