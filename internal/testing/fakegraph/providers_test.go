package fakegraph

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

const partnerProviders = b2xFlowsPath + "/B2X_1_PartnerSignUp/userFlowIdentityProviders"

// ids are the "id" members of a list answer's items.
func ids(t *testing.T, r response) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var out []string
	for _, v := range r.json(t)["value"].([]any) {
		id, _ := v.(map[string]any)["id"].(string)
		out = append(out, id)
	}
	return out
}

// providerRef is the body of a provider $ref.
func providerRef(s *Server, path string) string {
	return `{"@odata.id": "` + s.URL() + path + `"}`
}

func TestIdentityProviders_tenantHasTheBuiltInsAndConfiguredSocialOnes(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	if got := ids(t, g.do(http.MethodGet, "/v1.0/identity/identityProviders", nil)); !slices.Equal(got, []string{"AADSignup-OAUTH", "MSASignup-OAUTH", "EmailOtpSignup-OAUTH"}) {
		t.Errorf("a new tenant lists %v", got)
	}
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "google", ClientID: "google-client", ClientSecret: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	r := g.do(http.MethodGet, "/beta/identity/identityProviders", nil)
	if got := ids(t, r); !slices.Equal(got, []string{"AADSignup-OAUTH", "MSASignup-OAUTH", "EmailOtpSignup-OAUTH", "Google-OAUTH"}) {
		t.Errorf("after Google is configured %v", got)
	}
	google := r.json(t)["value"].([]any)[3].(map[string]any)
	if google["@odata.type"] != "#microsoft.graph.socialIdentityProvider" || google["identityProviderType"] != "Google" ||
		google["clientId"] != "google-client" || google["clientSecret"] != "******" {
		t.Errorf("Google %v", google)
	}
	if strings.Contains(string(r.body), "s3cret") {
		t.Error("the client secret came back")
	}
	aad := g.do(http.MethodGet, "/v1.0/identity/identityProviders/aadsignup-oauth", nil).json(t)
	if aad["@odata.type"] != "#microsoft.graph.builtInIdentityProvider" || aad["identityProviderType"] != "AADSignup" || aad["id"] != "AADSignup-OAUTH" {
		t.Errorf("AADSignup-OAUTH %v", aad)
	}
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "AADSignup"}); err == nil {
		t.Error("a built-in type was configured as a social provider")
	}
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "LinkedIn"}); err != nil {
		t.Errorf("the tenant that serves both kinds of flow takes B2C's social types: %v", err)
	}
}

func TestIdentityProviders_b2cTenantHasNoBuiltIns(t *testing.T) {
	s, _ := newTestServer(t, Options{TenantKind: B2CTenant})
	g := newGraph(t, s)
	if got := ids(t, g.do(http.MethodGet, "/v1.0/identity/identityProviders", nil)); len(got) != 0 {
		t.Errorf("a B2C tenant lists %v", got)
	}
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Amazon"}); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, g.do(http.MethodGet, "/v1.0/identity/identityProviders", nil)); !slices.Equal(got, []string{"Amazon-OAUTH"}) {
		t.Errorf("lists %v", got)
	}
	if _, err := newServerFor(t, WorkforceTenant).PutIdentityProvider(IdentityProvider{Type: "Amazon"}); err == nil {
		t.Error("a workforce tenant configured Amazon")
	}
}

func newServerFor(t *testing.T, kind TenantKind) *Server {
	t.Helper()
	s, _ := newTestServer(t, Options{TenantKind: kind})
	return s
}

func TestIdentityProviders_availableProviderTypes(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	// The reference calls the function without parentheses, Microsoft's SDKs with them.
	for _, path := range []string{"/v1.0/identity/identityProviders/availableProviderTypes", "/v1.0/identity/identityProviders/availableProviderTypes()"} {
		body := g.do(http.MethodGet, path, nil).json(t)
		values, _ := body["value"].([]any)
		if len(values) != 4 || values[0] != "MicrosoftAccount" || values[3] != "Google" || body["@odata.context"] != s.URL()+"/v1.0/$metadata#Collection(Edm.String)" {
			t.Errorf("%s: %v", path, body)
		}
	}
}

func TestFlowProviders_listBothNavigations(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Facebook", ClientID: "clientIdFromFacebook"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", IdentityProviders: []string{"AADSignup-OAUTH", "Facebook-OAUTH"}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)

	r := g.do(http.MethodGet, "/beta/identity/b2xUserFlows/B2X_1_PartnerSignUp/userflowIdentityProviders", nil)
	body := r.json(t)
	if body["@odata.context"] != s.URL()+"/beta/$metadata#Collection(microsoft.graph.identityProviderBase)" {
		t.Errorf("@odata.context %v", body["@odata.context"])
	}
	values := body["value"].([]any)
	aad, facebook := values[0].(map[string]any), values[1].(map[string]any)
	if got := memberNames(aad); !slices.Equal(got, []string{"@odata.type", "displayName", "id", "identityProviderType"}) || aad["displayName"] != "Azure Active Directory Sign up" {
		t.Errorf("AADSignup %v", aad)
	}
	if facebook["@odata.type"] != "#microsoft.graph.socialIdentityProvider" || facebook["clientId"] != "clientIdFromFacebook" || facebook["clientSecret"] != "******" {
		t.Errorf("Facebook %v", facebook)
	}

	// The deprecated navigation answers the old identityProvider shape, on v1.0 as on beta.
	old := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/identityProviders", nil).json(t)["value"].([]any)
	if got := memberNames(old[1].(map[string]any)); !slices.Equal(got, []string{"clientId", "clientSecret", "id", "name", "type"}) {
		t.Errorf("old shape %v", got)
	}
	if aad := old[0].(map[string]any); aad["type"] != "AADSignup" || aad["clientId"] != nil {
		t.Errorf("AADSignup in the old shape %v", aad)
	}

	one := g.do(http.MethodGet, partnerProviders+"/facebook-oauth", nil)
	if one.status != http.StatusOK || one.json(t)["id"] != "Facebook-OAUTH" {
		t.Errorf("one provider: %d %s", one.status, one.body)
	}
	if r := g.do(http.MethodGet, partnerProviders+"/MSASignup-OAUTH", nil); r.status != http.StatusNotFound {
		t.Errorf("a provider the flow does not offer: %d", r.status)
	}
	if got := ids(t, g.do(http.MethodGet, partnerProviders+"?$select=id,displayName&$top=1", nil)); !slices.Equal(got, []string{"AADSignup-OAUTH"}) {
		t.Errorf("one page of one: %v", got)
	}
}

func TestFlowProviders_addAndRemoveAsTheReferenceShows(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Google"}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	stored := func() []string {
		f, _ := s.UserFlow("B2X_1_PartnerSignUp")
		return f.IdentityProviders
	}

	adds := []struct{ method, path, body string }{
		// POST, as the SDKs' metadata has it, with the reference's /identity/ form.
		{http.MethodPost, partnerProviders + "/$ref", providerRef(s, "/v1.0/identity/identityProviders/Google-OAUTH")},
		// PATCH, as the b2x beta page has it, with the @odata.type its example adds.
		{http.MethodPatch, "/beta/identity/b2xUserFlows/B2X_1_PartnerSignUp/userFlowIdentityProviders/$ref",
			`{"@odata.type": "#microsoft.graph.identityProvider", "@odata.id": "https://graph.microsoft.com/beta/identity/identityProviders/MSASignup-OAUTH"}`},
		// The deprecated navigation, with its URL that has no /identity/, and an id in another case.
		{http.MethodPost, b2xFlowsPath + "/B2X_1_PartnerSignUp/identityProviders/$ref", providerRef(s, "/v1.0/identityProviders/emailotpsignup-oauth")},
	}
	for _, add := range adds {
		if r := g.do(add.method, add.path, add.body); r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Errorf("%s %s: %d %s", add.method, add.path, r.status, r.body)
		}
	}
	if got := stored(); !slices.Equal(got, []string{"Google-OAUTH", "MSASignup-OAUTH", "EmailOtpSignup-OAUTH"}) {
		t.Errorf("after the adds the flow offers %v", got)
	}

	if r := g.do(http.MethodDelete, partnerProviders+"/google-oauth/$ref", nil); r.status != http.StatusNoContent {
		t.Errorf("remove: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodDelete, b2xFlowsPath+"/B2X_1_PartnerSignUp/identityProviders/MSASignup-OAUTH/$ref", nil); r.status != http.StatusNoContent {
		t.Errorf("remove through the deprecated navigation: %d %s", r.status, r.body)
	}
	// OData's other form, which the SDKs offer: DELETE …/$ref?@id=<URL>.
	query := "?@id=" + url.QueryEscape("https://graph.microsoft.com/v1.0/identity/identityProviders/EmailOtpSignup-OAUTH")
	if r := g.do(http.MethodDelete, partnerProviders+"/$ref"+query, nil); r.status != http.StatusNoContent {
		t.Errorf("remove by @id: %d %s", r.status, r.body)
	}
	if got := stored(); len(got) != 0 {
		t.Errorf("after the removes the flow offers %v", got)
	}
}

func TestFlowProviders_refusals(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_WithAAD", IdentityProviders: []string{"AADSignup-OAUTH"}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	withAAD := b2xFlowsPath + "/B2X_1_WithAAD/userFlowIdentityProviders"
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"already offered", http.MethodPost, withAAD + "/$ref", providerRef(s, "/v1.0/identity/identityProviders/aadsignup-oauth"), http.StatusConflict, "AADB2C"},
		{"a provider the tenant does not have", http.MethodPost, partnerProviders + "/$ref", providerRef(s, "/v1.0/identity/identityProviders/Google-OAUTH"),
			http.StatusNotFound, "Request_ResourceNotFound"},
		// The b2x beta example names a flow where the provider belongs.
		{"a flow id as the provider", http.MethodPatch, partnerProviders + "/$ref", providerRef(s, "/beta/identity/identityProviders/B2X_1_Test"),
			http.StatusNotFound, "Request_ResourceNotFound"},
		{"a flow that does not exist", http.MethodPost, b2xFlowsPath + "/B2X_1_Missing/userFlowIdentityProviders/$ref",
			providerRef(s, "/v1.0/identity/identityProviders/AADSignup-OAUTH"), http.StatusNotFound, "Request_ResourceNotFound"},
		{"not a provider URL", http.MethodPost, partnerProviders + "/$ref", providerRef(s, "/v1.0/identity/apiConnectors/AADSignup-OAUTH"), http.StatusBadRequest, "BadRequest"},
		{"no @odata.id", http.MethodPost, partnerProviders + "/$ref", `{"@odata.type": "#microsoft.graph.identityProvider"}`, http.StatusBadRequest, "BadRequest"},
		{"more than a reference", http.MethodPost, partnerProviders + "/$ref",
			`{"@odata.id": "https://graph.microsoft.com/v1.0/identity/identityProviders/AADSignup-OAUTH", "displayName": "x"}`, http.StatusBadRequest, "BadRequest"},
		{"remove one not offered", http.MethodDelete, partnerProviders + "/AADSignup-OAUTH/$ref", "", http.StatusNotFound, "Request_ResourceNotFound"},
		{"remove by @id without one", http.MethodDelete, partnerProviders + "/$ref", "", http.StatusBadRequest, "BadRequest"},
		{"PATCH on the deprecated navigation", http.MethodPatch, b2xFlowsPath + "/B2X_1_PartnerSignUp/identityProviders/$ref",
			providerRef(s, "/v1.0/identityProviders/AADSignup-OAUTH"), http.StatusMethodNotAllowed, "BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := g.do(tt.method, tt.path, body)
			if r.status != tt.status || r.odataCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.IdentityProviders) != 0 {
		t.Errorf("a refused request changed the flow: %v", f.IdentityProviders)
	}
}

func TestFlowProviders_b2cFlowsOnBetaInAB2CTenant(t *testing.T) {
	s, _ := newTestServer(t, Options{TenantKind: B2CTenant})
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Facebook"}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	if r := g.createFlow(b2cFlowsPath, `{"id": "Customer", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 3}`); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	path := b2cFlowsPath + "/B2C_1_Customer/userFlowIdentityProviders"
	if got := ids(t, g.do(http.MethodGet, path, nil)); len(got) != 0 {
		t.Errorf("a new B2C flow offers %v", got)
	}
	if r := g.do(http.MethodPost, path+"/$ref", providerRef(s, "/beta/identity/identityProviders/Facebook-OAUTH")); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := ids(t, g.do(http.MethodGet, path, nil)); !slices.Equal(got, []string{"Facebook-OAUTH"}) {
		t.Errorf("offers %v", got)
	}
	// A B2C tenant has no built-in providers to add.
	if r := g.do(http.MethodPost, path+"/$ref", providerRef(s, "/beta/identity/identityProviders/AADSignup-OAUTH")); r.status != http.StatusNotFound {
		t.Errorf("AADSignup-OAUTH in a B2C tenant: %d %s", r.status, r.body)
	}
}

func TestFlowProviders_replicationLagShowsTheProvidersAsTheyWere(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: time.Second})
	if r := g.do(http.MethodPost, partnerProviders+"/$ref", providerRef(s, "/v1.0/identity/identityProviders/AADSignup-OAUTH")); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := ids(t, g.do(http.MethodGet, partnerProviders, nil)); len(got) != 0 {
		t.Errorf("right after the add %v, want the old, empty list", got)
	}
	// A second add of the same provider is a conflict at once: the write is Graph's.
	if r := g.do(http.MethodPost, partnerProviders+"/$ref", providerRef(s, "/v1.0/identity/identityProviders/AADSignup-OAUTH")); r.status != http.StatusConflict {
		t.Errorf("a second add: %d", r.status)
	}
	clock.Advance(time.Second)
	if got := ids(t, g.do(http.MethodGet, partnerProviders, nil)); !slices.Equal(got, []string{"AADSignup-OAUTH"}) {
		t.Errorf("after the lag %v", got)
	}
	if got := staleMarks(s); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("stale marks %v", got)
	}
}

func TestFlowProviders_notFoundFlaps(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{NotFoundFlaps: 1})
	if r := g.do(http.MethodGet, partnerProviders, nil); r.status != http.StatusNotFound {
		t.Errorf("first read: %d", r.status)
	}
	if r := g.do(http.MethodGet, partnerProviders, nil); r.status != http.StatusOK {
		t.Errorf("second read: %d", r.status)
	}
}

func TestUnappliedWrites_identityProviderReferenceAnswers204AndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", IdentityProviders: []string{"AADSignup-OAUTH"}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	s.SetFaults(Faults{UnappliedWrites: []string{WriteIdentityProviderReference}})
	if r := g.do(http.MethodPost, partnerProviders+"/$ref", providerRef(s, "/v1.0/identity/identityProviders/MSASignup-OAUTH")); r.status != http.StatusNoContent {
		t.Errorf("add: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodDelete, partnerProviders+"/AADSignup-OAUTH/$ref", nil); r.status != http.StatusNoContent {
		t.Errorf("remove: %d %s", r.status, r.body)
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); !slices.Equal(f.IdentityProviders, []string{"AADSignup-OAUTH"}) {
		t.Errorf("the flow offers %v", f.IdentityProviders)
	}
	if marks := append(unappliedMarks(s, http.MethodPost), unappliedMarks(s, http.MethodDelete)...); !slices.Equal(marks, []bool{true, true}) {
		t.Errorf("marks %v", marks)
	}
}

func TestFlowProviders_aProviderRemovedFromTheTenantIsNoLongerOffered(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Google"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", IdentityProviders: []string{"Google-OAUTH"}}); err != nil {
		t.Fatal(err)
	}
	if !s.DeleteIdentityProvider("google-oauth") || s.DeleteIdentityProvider("AADSignup-OAUTH") {
		t.Fatal("DeleteIdentityProvider removes social providers only")
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.IdentityProviders) != 0 {
		t.Errorf("the flow still offers %v", f.IdentityProviders)
	}
}

func TestPermissions_userFlowsAndTheirPartsAndTheTenantsProviders(t *testing.T) {
	tests := []struct {
		name         string
		granted      []string
		method, path string
		status       int
	}{
		// The reference names only ReadWrite.All for listing a flow's providers; Read.All reads them too.
		{"a flow's providers with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodGet, partnerProviders, http.StatusOK},
		{"a flow's assignments with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodGet, b2xFlowsPath + "/B2X_1_PartnerSignUp/userAttributeAssignments", http.StatusOK},
		{"attributes with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodGet, "/v1.0/identity/userFlowAttributes", http.StatusOK},
		{"delete a flow with Read.All", []string{"IdentityUserFlow.Read.All"}, http.MethodDelete, b2xFlowsPath + "/B2X_1_PartnerSignUp", http.StatusForbidden},
		{"the tenant's providers with a user-flow permission", []string{"IdentityUserFlow.ReadWrite.All"}, http.MethodGet, "/v1.0/identity/identityProviders", http.StatusForbidden},
		{"the tenant's providers with IdentityProvider.Read.All", []string{"IdentityProvider.Read.All"}, http.MethodGet, "/v1.0/identity/identityProviders", http.StatusOK},
		{"provider types with IdentityProvider.ReadWrite.All", []string{"IdentityProvider.ReadWrite.All"}, http.MethodGet,
			"/v1.0/identity/identityProviders/availableProviderTypes", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, Options{Permissions: tt.granted})
			seedUserFlows(t, s)
			if r := newGraph(t, s).do(tt.method, tt.path, nil); r.status != tt.status {
				t.Errorf("%d %s, want %d", r.status, r.body, tt.status)
			}
		})
	}
}
