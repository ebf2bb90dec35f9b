package fakegraph

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	b2xFlowsPath = "/v1.0/identity/b2xUserFlows"
	b2cFlowsPath = "/beta/identity/b2cUserFlows"
)

// createFlow makes a flow through Graph and returns the answer.
func (g *graph) createFlow(path, body string) response {
	g.t.Helper()
	return g.do(http.MethodPost, path, body)
}

func TestCreateUserFlow_b2xAsTheReferenceShows(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)

	r := g.createFlow(b2xFlowsPath, `{"id": "Partner", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if loc := r.header.Get("Location"); loc != s.URL()+"/v1.0/identity/b2xUserFlows/B2X_1_Partner" {
		t.Errorf("Location %q", loc)
	}
	body := r.json(t)
	if body["id"] != "B2X_1_Partner" || body["userFlowType"] != "signUpOrSignIn" || body["userFlowTypeVersion"] != 1.0 {
		t.Errorf("body %v", body)
	}
	if c, _ := body["apiConnectorConfiguration"].(map[string]any); c == nil || len(c) != 0 {
		t.Errorf("apiConnectorConfiguration %v, want {}", body["apiConnectorConfiguration"])
	}
	if body["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/b2xUserFlows/$entity" {
		t.Errorf("@odata.context %v", body["@odata.context"])
	}
	// A new b2x flow offers Microsoft Entra ID, the default provider, and collects nothing yet.
	f, ok := s.UserFlow("B2X_1_Partner")
	if !ok || !slices.Equal(f.IdentityProviders, []string{"AADSignup-OAUTH"}) || len(f.AttributeAssignments) != 0 {
		t.Errorf("stored flow %+v", f)
	}
	if r := g.do(http.MethodGet, "/beta/identity/b2xUserFlows/B2X_1_Partner", nil); r.status != http.StatusOK {
		t.Errorf("read on beta: %d %s", r.status, r.body)
	}
}

func TestCreateUserFlow_prefixesEveryName(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	tests := []struct{ path, name, want string }{
		{b2xFlowsPath, "B2X_1_Partner", "B2X_1_B2X_1_Partner"},
		{b2xFlowsPath, "with-dash_and_9", "B2X_1_with-dash_and_9"},
		{b2cFlowsPath, "Customer", "B2C_1_Customer"},
		{b2cFlowsPath, "B2C_1_Customer", "B2C_1_B2C_1_Customer"},
	}
	for _, tt := range tests {
		body := `{"id": "` + tt.name + `", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`
		if r := g.createFlow(tt.path, body); r.status != http.StatusCreated || r.json(t)["id"] != tt.want {
			t.Errorf("%s %q: %d %s, want id %s", tt.path, tt.name, r.status, r.body, tt.want)
		}
	}
}

func TestCreateUserFlow_b2cWithItsLanguageSettings(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)

	r := g.createFlow(b2cFlowsPath, `{"id": "Customer", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 3}`)
	if r.status != http.StatusCreated || r.header.Get("Location") != s.URL()+"/beta/identity/b2cUserFlows/B2C_1_Customer" {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	// The create page's example answers "en" for a request that sent no language.
	body := r.json(t)
	if body["isLanguageCustomizationEnabled"] != false || body["defaultLanguageTag"] != "en" || body["userFlowTypeVersion"] != 3.0 {
		t.Errorf("body %v", body)
	}
	if f, _ := s.UserFlow("B2C_1_Customer"); len(f.IdentityProviders) != 0 {
		t.Errorf("a new B2C flow offers %v, want none", f.IdentityProviders)
	}

	r = g.createFlow(b2cFlowsPath, `{"id": "Reset", "userFlowType": "PasswordReset", "userFlowTypeVersion": 1.1,
		"isLanguageCustomizationEnabled": true, "defaultLanguageTag": "fr-CA"}`)
	body = r.json(t)
	if r.status != http.StatusCreated || body["userFlowType"] != "passwordReset" || body["isLanguageCustomizationEnabled"] != true || body["defaultLanguageTag"] != "fr-CA" {
		t.Errorf("%d %s", r.status, r.body)
	}
	if body := g.createFlow(b2cFlowsPath, `{"id": "NoTag", "userFlowType": "signIn", "userFlowTypeVersion": 2, "defaultLanguageTag": null}`).json(t); body["defaultLanguageTag"] != nil {
		t.Errorf("a null tag reads %v", body["defaultLanguageTag"])
	}
}

func TestCreateUserFlow_deepInsertsConnectorsAndProviders(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	connector := seedUserFlows(t, s)
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Facebook", ClientID: "fb"}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	r := g.createFlow(b2xFlowsPath, `{"id": "UserFlowWithAPIConnector", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1,
		"apiConnectorConfiguration": {
			"postFederationSignup": {"@odata.id": "https://graph.microsoft.com/v1.0/identity/apiConnectors/`+connector+`"},
			"postAttributeCollection": {"@odata.id": "https://graph.microsoft.com/v1.0/identity/apiConnectors/`+connector+`"}},
		"identityProviders": [{"id": "Facebook-OAuth", "type": "Facebook", "name": "Facebook"}]}`)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if c, _ := r.json(t)["apiConnectorConfiguration"].(map[string]any); len(c) != 0 {
		t.Errorf("apiConnectorConfiguration %v, want {} as the reference notes", c)
	}
	f, _ := s.UserFlow("B2X_1_UserFlowWithAPIConnector")
	if f.APIConnectors[StepPostFederationSignup] != connector || f.APIConnectors[StepPostAttributeCollection] != connector {
		t.Errorf("steps %v", f.APIConnectors)
	}
	if !slices.Equal(f.IdentityProviders, []string{"AADSignup-OAUTH", "Facebook-OAUTH"}) {
		t.Errorf("providers %v", f.IdentityProviders)
	}
}

func TestCreateUserFlow_refusals(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	const missingConnector = "0b6e1b8c-1f4a-4d39-9a7e-7d3f5e2a9c41"
	tests := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"no id", b2xFlowsPath, `{"userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"empty id", b2xFlowsPath, `{"id": "", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"a space in the name", b2xFlowsPath, `{"id": "Partner SignUp", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"a dot in the name", b2cFlowsPath, `{"id": "a.b", "userFlowType": "signIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"no type", b2xFlowsPath, `{"id": "A", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"no version", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn"}`, http.StatusBadRequest, "AADB2C"},
		{"b2x sign-in only", b2xFlowsPath, `{"id": "A", "userFlowType": "signIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"b2x version 2", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 2}`, http.StatusBadRequest, "AADB2C"},
		{"not a flow type", b2cFlowsPath, `{"id": "A", "userFlowType": "resourceOwnerPasswordCredentialSignIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "AADB2C"},
		{"b2c version 0", b2cFlowsPath, `{"id": "A", "userFlowType": "signIn", "userFlowTypeVersion": 0}`, http.StatusBadRequest, "AADB2C"},
		{"version as text", b2cFlowsPath, `{"id": "A", "userFlowType": "signIn", "userFlowTypeVersion": "1"}`, http.StatusBadRequest, "BadRequest"},
		{"language settings on b2x", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1, "defaultLanguageTag": "en"}`, http.StatusBadRequest, "BadRequest"},
		{"not a language tag", b2cFlowsPath, `{"id": "A", "userFlowType": "signIn", "userFlowTypeVersion": 1, "defaultLanguageTag": "english please"}`, http.StatusBadRequest, "AADB2C"},
		{"an unknown property", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1, "name": "A"}`, http.StatusBadRequest, "BadRequest"},
		{"a navigation", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1, "userAttributeAssignments": []}`, http.StatusBadRequest, "BadRequest"},
		{"a connector that does not exist", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1,
			"apiConnectorConfiguration": {"postAttributeCollection": {"@odata.id": "https://graph.microsoft.com/v1.0/identity/apiConnectors/` + missingConnector + `"}}}`,
			http.StatusBadRequest, "AADB2C"},
		// Create Example 3 writes v1 for v1.0: a URL under no Graph version names nothing.
		{"a connector under /v1/", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1,
			"apiConnectorConfiguration": {"postAttributeCollection": {"@odata.id": "https://graph.microsoft.com/v1/identity/apiConnectors/` + missingConnector + `"}}}`,
			http.StatusBadRequest, "BadRequest"},
		{"a B2C step on b2x", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1,
			"apiConnectorConfiguration": {"preTokenIssuance": {}}}`, http.StatusBadRequest, "BadRequest"},
		{"a provider the tenant does not have", b2xFlowsPath, `{"id": "A", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1,
			"identityProviders": [{"id": "Google-OAUTH"}]}`, http.StatusBadRequest, "AADB2C"},
		{"the same id twice", b2xFlowsPath, `{"id": "PartnerSignUp", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`, http.StatusConflict, "AADB2C"},
		{"the same id in another case", b2cFlowsPath, `{"id": "signupsignin", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`, http.StatusConflict, "AADB2C"},
		{"B2C flows on v1.0", "/v1.0/identity/b2cUserFlows", `{"id": "A", "userFlowType": "signIn", "userFlowTypeVersion": 1}`, http.StatusBadRequest, "BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := g.createFlow(tt.path, tt.body)
			if r.status != tt.status || r.odataCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
	if n := len(s.UserFlows()); n != 2 {
		t.Errorf("%d flows after only refusals, want the 2 seeded", n)
	}
	// Graph's own words for a create without an id.
	if msg := g.createFlow(b2xFlowsPath, `{"userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`).odataMessage(t); msg != "The value must not be null or empty. Parameter name: Id" {
		t.Errorf("message %q", msg)
	}
}

func TestUpdateUserFlow_b2cLanguageSettingsOnly(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	path := b2cFlowsPath + "/B2C_1_SignUpSignIn"

	r := g.do(http.MethodPatch, path, `{"isLanguageCustomizationEnabled": true, "defaultLanguageTag": "en-GB"}`)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %s, want 204 as the example answers", r.status, r.body)
	}
	if body := g.do(http.MethodGet, path, nil).json(t); body["isLanguageCustomizationEnabled"] != true || body["defaultLanguageTag"] != "en-GB" {
		t.Errorf("read back %v", body)
	}
	if r := g.do(http.MethodPatch, path, `{"defaultLanguageTag": null}`); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if f, _ := s.UserFlow("B2C_1_SignUpSignIn"); f.DefaultLanguageTag != "" || !f.IsLanguageCustomizationEnabled {
		t.Errorf("after clearing the tag: %+v", f)
	}

	for _, bad := range []struct {
		body   string
		status int
	}{
		{`{"userFlowType": "signIn"}`, http.StatusBadRequest},
		{`{"userFlowTypeVersion": 2}`, http.StatusBadRequest},
		{`{"id": "B2C_1_Other"}`, http.StatusBadRequest},
		{`{"identityProviders": []}`, http.StatusBadRequest},
		{`{"defaultLanguageTag": "not a tag"}`, http.StatusBadRequest},
		{`{"isLanguageCustomizationEnabled": "yes"}`, http.StatusBadRequest},
		{`{"colour": "blue"}`, http.StatusBadRequest},
	} {
		if r := g.do(http.MethodPatch, path, bad.body); r.status != bad.status {
			t.Errorf("PATCH %s: %d %s, want %d", bad.body, r.status, r.body, bad.status)
		}
	}
	if r := g.do(http.MethodPatch, b2cFlowsPath+"/B2C_1_Missing", `{"isLanguageCustomizationEnabled": true}`); r.status != http.StatusNotFound {
		t.Errorf("a missing flow: %d %s", r.status, r.body)
	}
	// b2x flows have no update at all.
	if r := g.do(http.MethodPatch, b2xFlowsPath+"/B2X_1_PartnerSignUp", `{}`); r.status != http.StatusMethodNotAllowed || strings.Contains(r.header.Get("Allow"), "PATCH") {
		t.Errorf("PATCH of a b2x flow: %d %v %s", r.status, r.header, r.body)
	}
}

func TestDeleteUserFlow(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	for _, path := range []string{b2xFlowsPath + "/B2X_1_PartnerSignUp", b2cFlowsPath + "/b2c_1_signupsignin"} {
		if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Errorf("DELETE %s: %d %s", path, r.status, r.body)
		}
		if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
			t.Errorf("GET after delete: %d %s", r.status, r.body)
		}
		if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusNotFound {
			t.Errorf("second DELETE: %d %s", r.status, r.body)
		}
	}
	if n := len(s.UserFlows()); n != 0 {
		t.Errorf("%d flows left", n)
	}
	// The name is free again.
	if r := g.createFlow(b2xFlowsPath, `{"id": "PartnerSignUp", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`); r.status != http.StatusCreated {
		t.Errorf("create again: %d %s", r.status, r.body)
	}
}

func TestUserFlows_replicationLagHidesANewFlowAndShowsADeletedOne(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: 2 * time.Second})
	path := b2xFlowsPath + "/B2X_1_Lagging"

	if r := g.createFlow(b2xFlowsPath, `{"id": "Lagging", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
		t.Errorf("right after the create: %d, want 404", r.status)
	}
	if values := g.do(http.MethodGet, b2xFlowsPath, nil).json(t)["value"].([]any); len(values) != 0 {
		t.Errorf("the list shows %v", values)
	}
	if r := g.do(http.MethodGet, path+"/userFlowIdentityProviders", nil); r.status != http.StatusNotFound {
		t.Errorf("its providers right after the create: %d", r.status)
	}
	// A second create of the same name is still a conflict: Graph has it.
	if r := g.createFlow(b2xFlowsPath, `{"id": "Lagging", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`); r.status != http.StatusConflict {
		t.Errorf("a second create: %d", r.status)
	}
	clock.Advance(2 * time.Second)
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusOK {
		t.Errorf("after the lag: %d %s", r.status, r.body)
	}

	if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d", r.status)
	}
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusOK {
		t.Errorf("right after the delete: %d, want 200 from a lagging replica", r.status)
	}
	clock.Advance(2 * time.Second)
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
		t.Errorf("after the lag: %d", r.status)
	}
	if got := staleMarks(s); !slices.Equal(got, []bool{false, false, false, false, true, false}) {
		t.Errorf("stale marks of the reads %v", got)
	}
}

func TestUnappliedWrites_userFlowUpdateAnswers204AndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{UnappliedWrites: []string{WriteUserFlowUpdate}})
	if r := g.do(http.MethodPatch, b2cFlowsPath+"/B2C_1_SignUpSignIn", `{"isLanguageCustomizationEnabled": true}`); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if f, _ := s.UserFlow("B2C_1_SignUpSignIn"); f.IsLanguageCustomizationEnabled {
		t.Error("the update was applied")
	}
	if marks := unappliedMarks(s, http.MethodPatch); !slices.Equal(marks, []bool{true}) {
		t.Errorf("marks %v", marks)
	}
}

func TestUserFlows_expandNavigationProperties(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutIdentityProvider(IdentityProvider{Type: "Google", ClientID: "g"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_Partner", IdentityProviders: []string{"AADSignup-OAUTH", "google-oauth"},
		AttributeAssignments: []AttributeAssignment{{ID: "city"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)

	// The reference's list example expands the deprecated identityProviders.
	list := g.do(http.MethodGet, b2xFlowsPath+"?$expand=identityProviders", nil).json(t)
	if list["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/b2xUserFlows(identityProviders)" {
		t.Errorf("@odata.context %v", list["@odata.context"])
	}
	flow := list["value"].([]any)[0].(map[string]any)
	providers, _ := flow["identityProviders"].([]any)
	if len(providers) != 2 {
		t.Fatalf("identityProviders %v", flow["identityProviders"])
	}
	if google := providers[1].(map[string]any); google["id"] != "Google-OAUTH" || google["type"] != "Google" || google["clientSecret"] != "******" {
		t.Errorf("Google in the old shape: %v", google)
	}

	one := g.do(http.MethodGet, b2xFlowsPath+"/B2X_1_Partner?$expand=userFlowIdentityProviders,userAttributeAssignments&$select=id", nil).json(t)
	if got := memberNames(one); !slices.Equal(got, []string{"@odata.context", "id", "userAttributeAssignments", "userFlowIdentityProviders"}) {
		t.Errorf("members %v", got)
	}
	if current, _ := one["userFlowIdentityProviders"].([]any); len(current) != 2 || current[0].(map[string]any)["@odata.type"] != "#microsoft.graph.builtInIdentityProvider" {
		t.Errorf("userFlowIdentityProviders %v", one["userFlowIdentityProviders"])
	}
	if assignments, _ := one["userAttributeAssignments"].([]any); len(assignments) != 1 || assignments[0].(map[string]any)["id"] != "City" {
		t.Errorf("userAttributeAssignments %v", one["userAttributeAssignments"])
	}
	if r := g.do(http.MethodGet, b2xFlowsPath+"/B2X_1_Partner?$expand=languages", nil); r.status != http.StatusNotImplemented {
		t.Errorf("$expand=languages, which the emulator does not model: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, b2xFlowsPath+"/B2X_1_Partner?$expand=apiConnectorConfiguration", nil); r.status != http.StatusBadRequest {
		t.Errorf("$expand of a property that is not a navigation: %d %s", r.status, r.body)
	}
}

func TestPutUserFlow_seedsProvidersAndAssignments(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	f, err := s.PutUserFlow(UserFlow{ID: "B2C_1_x", DefaultLanguageTag: "de", IdentityProviders: []string{"msasignup-oauth"},
		AttributeAssignments: []AttributeAssignment{{ID: "email", UserInputType: "EmailBox"}, {ID: "City"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.IdentityProviders, []string{"MSASignup-OAUTH"}) || f.AttributeAssignments[0].ID != "Email" ||
		f.AttributeAssignments[0].UserInputType != "emailBox" || f.AttributeAssignments[0].DisplayName != "Email Address" ||
		f.AttributeAssignments[1].UserInputType != "textBox" || f.DefaultLanguageTag != "de" {
		t.Errorf("stored %+v", f)
	}
	for _, bad := range []UserFlow{
		{ID: "B2X_1_a", IdentityProviders: []string{"Google-OAUTH"}},
		{ID: "B2X_1_a", IdentityProviders: []string{"AADSignup-OAUTH", "aadsignup-oauth"}},
		{ID: "B2X_1_a", AttributeAssignments: []AttributeAssignment{{ID: "Shoe"}}},
		{ID: "B2X_1_a", AttributeAssignments: []AttributeAssignment{{ID: "City"}, {ID: "CITY"}}},
		{ID: "B2X_1_a", AttributeAssignments: []AttributeAssignment{{ID: "City", UserInputType: "radioSingleSelect"}}},
		{ID: "B2X_1_a", DefaultLanguageTag: "en"},
	} {
		if _, err := s.PutUserFlow(bad); err == nil {
			t.Errorf("stored %+v", bad)
		}
	}
	if !s.EditUserFlow("B2C_1_x", func(f *UserFlow) { f.IdentityProviders = nil; f.AttributeAssignments = f.AttributeAssignments[1:] }) {
		t.Fatal("edit refused")
	}
	if f, _ := s.UserFlow("B2C_1_x"); len(f.IdentityProviders) != 0 || len(f.AttributeAssignments) != 1 {
		t.Errorf("after the edit %+v", f)
	}
	if s.EditUserFlow("B2C_1_x", func(f *UserFlow) { f.IdentityProviders = []string{"Nope"} }) {
		t.Error("an edit naming a provider the tenant lacks was accepted")
	}
}
