package fakegraph

import (
	"net/http"
	"testing"
)

// odataMessage is the Graph error message of an error response.
func (r response) odataMessage(t *testing.T) string {
	t.Helper()
	e, _ := r.json(t)["error"].(map[string]any)
	message, _ := e["message"].(string)
	return message
}

func TestTenantKind_b2cTenantRefusesSelfServiceSignUpFlows(t *testing.T) {
	s, _ := newTestServer(t, Options{TenantKind: B2CTenant})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	want := "'" + DefaultTenantID + "' is an Azure AD B2C directory. Access to this Api can only be made for an Azure AD directory (non b2c)."
	for _, call := range []struct{ method, path string }{
		{http.MethodGet, "/v1.0/identity/b2xUserFlows"},
		{http.MethodGet, "/beta/identity/b2xUserFlows/B2X_1_PartnerSignUp"},
		{http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration"},
		{http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref"},
	} {
		r := g.do(call.method, call.path, "{}")
		if r.status != http.StatusForbidden || r.odataCode(t) != "AADB2C" || r.odataMessage(t) != want {
			t.Errorf("%s %s: %d %s, want 403 AADB2C %q", call.method, call.path, r.status, r.body, want)
		}
	}
	if r := g.do(http.MethodGet, "/beta/identity/b2cUserFlows/B2C_1_SignUpSignIn", nil); r.status != http.StatusOK {
		t.Errorf("a B2C flow in a B2C tenant: %d %s", r.status, r.body)
	}
}

func TestTenantKind_workforceTenantRefusesB2CFlows(t *testing.T) {
	s, _ := newTestServer(t, Options{TenantKind: WorkforceTenant})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	r := g.do(http.MethodGet, "/beta/identity/b2cUserFlows", nil)
	if r.status != http.StatusForbidden || r.odataCode(t) != "AADB2C" ||
		r.odataMessage(t) != "'"+DefaultTenantID+"' is not an Azure AD B2C directory. Access to this Api can only be made for an Azure AD B2C directory." {
		t.Errorf("%d %s", r.status, r.body)
	}
	// On v1.0 there is no b2cUserFlows to refuse: the segment is unknown there, whatever the tenant.
	if r := g.do(http.MethodGet, "/v1.0/identity/b2cUserFlows", nil); r.status != http.StatusBadRequest {
		t.Errorf("b2cUserFlows on v1.0: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp", nil); r.status != http.StatusOK {
		t.Errorf("a b2x flow in a workforce tenant: %d %s", r.status, r.body)
	}
}

func TestTenantKind_defaultServesBothKinds(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	for _, path := range []string{"/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp", "/beta/identity/b2cUserFlows/B2C_1_SignUpSignIn"} {
		if r := g.do(http.MethodGet, path, nil); r.status != http.StatusOK {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
}

func TestTenantKind_unknownKindIsAProgrammingError(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewHandler accepted TenantKind \"consumer\"")
		}
	}()
	NewHandler(Options{TenantKind: "consumer"})
}

func TestPermissions_eachOperationRequiresWhatTheReferenceSays(t *testing.T) {
	tests := []struct {
		name               string
		granted            []string
		method, path, body string
		status             int
	}{
		{"read connectors with Read.All", []string{"APIConnectors.Read.All"}, http.MethodGet, connectorsPath, "", http.StatusOK},
		{"read connectors with ReadWrite.All", []string{"APIConnectors.ReadWrite.All"}, http.MethodGet, connectorsPath, "", http.StatusOK},
		{"names compare without case", []string{"apiconnectors.readwrite.all"}, http.MethodGet, connectorsPath, "", http.StatusOK},
		{"read connectors with a user-flow permission", []string{"IdentityUserFlow.ReadWrite.All"}, http.MethodGet, connectorsPath, "", http.StatusForbidden},
		{"create a connector with Read.All", []string{"APIConnectors.Read.All"}, http.MethodPost, connectorsPath, `{}`, http.StatusForbidden},
		{"no permission at all", []string{}, http.MethodGet, connectorsPath, "", http.StatusForbidden},
		{"read flows with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodGet, "/v1.0/identity/b2xUserFlows", "", http.StatusOK},
		{"read a flow's steps with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodGet,
			"/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration", "", http.StatusOK},
		{"set a step with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodPut,
			"/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref", `{}`, http.StatusForbidden},
		{"set a step with ReadWrite.All", []string{"IdentityUserFlow.ReadWrite.All"}, http.MethodPut,
			"/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref", `{}`, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{Permissions: tt.granted})
			seedUserFlows(t, s)
			g := newGraph(t, s)
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := g.do(tt.method, tt.path, body)
			if r.status != tt.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, tt.status)
			}
			if tt.status == http.StatusForbidden && (r.odataCode(t) != "Authorization_RequestDenied" || r.odataMessage(t) != "Insufficient privileges to complete the operation.") {
				t.Errorf("%s, want Authorization_RequestDenied", r.body)
			}
		})
	}
}

func TestPermissions_b2cTenantNamesTheMissingPermissions(t *testing.T) {
	s, _ := newTestServer(t, Options{TenantKind: B2CTenant, Permissions: []string{"APIConnectors.ReadWrite.All"}})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	r := g.do(http.MethodGet, "/beta/identity/b2cUserFlows", nil)
	want := "The application does not have any of the required application permissions (IdentityUserFlow.Read.All, IdentityUserFlow.ReadWrite.All) to access the resource."
	if r.status != http.StatusForbidden || r.odataCode(t) != "AADB2C" || r.odataMessage(t) != want {
		t.Errorf("%d %s, want 403 AADB2C %q", r.status, r.body, want)
	}
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusOK {
		t.Errorf("the granted permission: %d %s", r.status, r.body)
	}
}

// The bearer check comes before the permission check, as at Graph's gateway.
func TestPermissions_anUnknownTokenIs401First(t *testing.T) {
	s, _ := newTestServer(t, Options{Permissions: []string{}})
	g := &graph{t: t, s: s, token: "not-a-token"}
	if r := g.do(http.MethodGet, connectorsPath, nil); r.status != http.StatusUnauthorized {
		t.Errorf("%d %s, want 401", r.status, r.body)
	}
}
