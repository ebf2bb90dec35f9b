package fakegraph

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// seedUserFlows stores a b2x and a B2C flow and a connector, and returns the connector's id.
func seedUserFlows(t *testing.T, s *Server) string {
	t.Helper()
	for _, f := range []UserFlow{{ID: "B2X_1_PartnerSignUp"}, {ID: "B2C_1_SignUpSignIn", UserFlowTypeVersion: 3}} {
		if _, err := s.PutUserFlow(f); err != nil {
			t.Fatal(err)
		}
	}
	return s.PutConnector(Connector{DisplayName: "Test API Connector 1", TargetURL: "https://someapi.com/api/endpoint",
		Auth: Auth{Kind: AuthBasic, Username: "apiAccount", Password: "p"}}).ID
}

func TestUserFlows_refPutSetsAndClearsAStepAsTheReferenceShows(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	id := seedUserFlows(t, s)
	g := newGraph(t, s)
	ref := "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref"

	set := g.do(http.MethodPut, ref, `{"@odata.id": "https://graph.microsoft.com/v1.0/identity/apiConnectors/`+id+`"}`)
	if set.status != http.StatusNoContent || len(set.body) != 0 {
		t.Fatalf("set: %d %s, want 204 and no body", set.status, set.body)
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); !maps.Equal(f.APIConnectors, map[string]string{StepPostAttributeCollection: id}) {
		t.Fatalf("after set the flow calls %v", f.APIConnectors)
	}

	// The reference's own example reads the steps back with $expand.
	got := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration?$expand=postFederationSignup,postAttributeCollection", nil)
	if got.status != http.StatusOK {
		t.Fatalf("get: %d %s", got.status, got.body)
	}
	body := got.json(t)
	wantContext := s.URL() + "/v1.0/$metadata#identity/b2xUserFlows('B2X_1_PartnerSignUp')/apiConnectorConfiguration(postFederationSignup(),postAttributeCollection())"
	if body["@odata.context"] != wantContext {
		t.Errorf("@odata.context %v, want %s", body["@odata.context"], wantContext)
	}
	if v, ok := body["postFederationSignup"]; !ok || v != nil {
		t.Errorf("postFederationSignup is %v, want null", v)
	}
	wantStepContext := s.URL() + "/v1.0/$metadata#identity/b2xUserFlows('B2X_1_PartnerSignUp')/apiConnectorConfiguration/microsoft.graph.userFlowApiConnectorConfiguration/postAttributeCollection/$entity"
	if body["postAttributeCollection@odata.context"] != wantStepContext {
		t.Errorf("postAttributeCollection@odata.context %v, want %s", body["postAttributeCollection@odata.context"], wantStepContext)
	}
	connector, _ := body["postAttributeCollection"].(map[string]any)
	auth, _ := connector["authenticationConfiguration"].(map[string]any)
	if connector["id"] != id || connector["displayName"] != "Test API Connector 1" || auth["password"] != "******" {
		t.Errorf("postAttributeCollection is %v, want the connector with its password masked", connector)
	}

	// Without $expand the steps are not written at all.
	plain := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration", nil).json(t)
	if _, ok := plain["postAttributeCollection"]; ok || len(plain) != 1 {
		t.Errorf("without $expand: %v, want only @odata.context", plain)
	}

	clear := g.do(http.MethodPut, ref, `{ }`)
	if clear.status != http.StatusNoContent {
		t.Fatalf("clear: %d %s", clear.status, clear.body)
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.APIConnectors) != 0 {
		t.Errorf("after clear the flow calls %v", f.APIConnectors)
	}
}

func TestUserFlows_errors(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	id := seedUserFlows(t, s)
	g := newGraph(t, s)
	reference := `{"@odata.id":"` + s.URL() + `/beta/identity/apiConnectors/` + id + `"}`
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown flow", http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_Missing/apiConnectorConfiguration/postAttributeCollection/$ref", reference,
			http.StatusNotFound, "Request_ResourceNotFound"},
		{"unknown flow, read", http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_Missing/apiConnectorConfiguration", "",
			http.StatusNotFound, "Request_ResourceNotFound"},
		{"unknown connector", http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref",
			`{"@odata.id":"https://graph.microsoft.com/v1.0/identity/apiConnectors/0b6e1b8c-1f4a-4d39-9a7e-7d3f5e2a9c41"}`,
			http.StatusNotFound, "Request_ResourceNotFound"},
		{"unknown step", http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postSignIn/$ref", reference,
			http.StatusBadRequest, "BadRequest"},
		{"a B2C step on a b2x flow", http.MethodPut, "/beta/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/preTokenIssuance/$ref", reference,
			http.StatusBadRequest, "BadRequest"},
		{"B2C flows on v1.0", http.MethodGet, "/v1.0/identity/b2cUserFlows", "", http.StatusBadRequest, "BadRequest"},
		{"a b2x flow in the B2C collection", http.MethodGet, "/beta/identity/b2cUserFlows/B2X_1_PartnerSignUp", "",
			http.StatusNotFound, "Request_ResourceNotFound"},
		{"not a connector URL", http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref",
			`{"@odata.id":"https://graph.microsoft.com/v1.0/users/` + id + `"}`, http.StatusBadRequest, "BadRequest"},
		{"more than a reference", http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref",
			`{"@odata.id":"` + s.URL() + `/v1.0/identity/apiConnectors/` + id + `","displayName":"x"}`, http.StatusBadRequest, "BadRequest"},
		{"expand of a property that is not a step", http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration?$expand=preTokenIssuance", "",
			http.StatusBadRequest, "BadRequest"},
		{"a query option on a step's $ref", http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref?$select=id",
			reference, http.StatusBadRequest, "BadRequest"},
		{"a query option on a step", http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection?$top=1", "",
			http.StatusBadRequest, "BadRequest"},
		{"POST to a $ref", http.MethodPost, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref", reference,
			http.StatusMethodNotAllowed, "BadRequest"},
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
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.APIConnectors) != 0 {
		t.Errorf("a refused request changed the flow: %v", f.APIConnectors)
	}
}

func TestUserFlows_b2cOnBetaWithTheTokenStep(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	id := seedUserFlows(t, s)
	g := newGraph(t, s)

	r := g.do(http.MethodPut, "/beta/identity/b2cUserFlows/B2C_1_SignUpSignIn/apiConnectorConfiguration/preTokenIssuance/$ref",
		`{"@odata.id":"https://graph.microsoft.com/beta/identity/apiConnectors/`+id+`"}`)
	if r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	flow := g.do(http.MethodGet, "/beta/identity/b2cUserFlows/B2C_1_SignUpSignIn", nil).json(t)
	if flow["userFlowTypeVersion"] != 3.0 || flow["isLanguageCustomizationEnabled"] != false {
		t.Errorf("flow %v", flow)
	}
	step := g.do(http.MethodGet, "/beta/identity/b2cUserFlows/B2C_1_SignUpSignIn/apiConnectorConfiguration/preTokenIssuance", nil)
	if step.status != http.StatusOK || step.json(t)["id"] != id {
		t.Errorf("the step's connector: %d %s", step.status, step.body)
	}
}

func TestUserFlows_listPages(t *testing.T) {
	s, _ := newTestServer(t, Options{PageSize: 2})
	for _, id := range []string{"B2X_1_A", "B2X_1_B", "B2C_1_C", "B2X_1_D"} {
		if _, err := s.PutUserFlow(UserFlow{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	g := newGraph(t, s)
	var ids []any
	next := "/v1.0/identity/b2xUserFlows"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("the next links do not end")
		}
		page := g.do(http.MethodGet, next, nil).json(t)
		values, _ := page["value"].([]any)
		for _, v := range values {
			ids = append(ids, v.(map[string]any)["id"])
		}
		next, _ = page["@odata.nextLink"].(string)
	}
	if len(ids) != 3 || ids[0] != "B2X_1_A" || ids[1] != "B2X_1_B" || ids[2] != "B2X_1_D" {
		t.Errorf("listed %v, want the three b2x flows in order", ids)
	}
}

func TestUserFlows_aDeletedConnectorIsNoLongerCalled(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	id := seedUserFlows(t, s)
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", APIConnectors: map[string]string{StepPostFederationSignup: id}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)

	// The reference documents no precondition on deleting a connector a flow calls.
	if r := g.do(http.MethodDelete, connectorsPath+"/"+id, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}

	body := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration?$expand=postFederationSignup", nil).json(t)
	if v, ok := body["postFederationSignup"]; !ok || v != nil {
		t.Errorf("postFederationSignup is %v, want null", v)
	}
}

func TestPutUserFlow_prefixesAndRefuses(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	f, err := s.PutUserFlow(UserFlow{Kind: B2CUserFlow, ID: "SignIn"})
	if err != nil || f.ID != "B2C_1_SignIn" || f.UserFlowType != "signUpOrSignIn" || f.UserFlowTypeVersion != 1 {
		t.Errorf("got %+v, %v", f, err)
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "SignIn"}); err == nil {
		t.Error("a flow without kind or prefix was stored")
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_A", APIConnectors: map[string]string{StepPreTokenIssuance: "x"}}); err == nil {
		t.Error("a b2x flow with a token step was stored")
	}
}

func TestUserFlows_replicationLagShowsAStepAsItWas(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	id := seedUserFlows(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: 2 * time.Second})
	read := func() any {
		return g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration?$expand=postAttributeCollection", nil).json(t)["postAttributeCollection"]
	}

	g.do(http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref",
		`{"@odata.id":"https://graph.microsoft.com/v1.0/identity/apiConnectors/`+id+`"}`)

	if v := read(); v != nil {
		t.Errorf("right after the write the step reads %v, want null as before", v)
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); f.APIConnectors[StepPostAttributeCollection] != id {
		t.Errorf("the stored flow calls %v: the write was not kept", f.APIConnectors)
	}
	clock.Advance(2 * time.Second)
	if v, _ := read().(map[string]any); v["id"] != id {
		t.Errorf("after the lag the step reads %v, want the connector", v)
	}
	if got := staleMarks(s); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("the request log marks the reads stale: %v, want the first", got)
	}
}

// Every list of user flows as code pages with @odata.nextLink, as the connector list does.
func TestUserFlowsAsCode_everyListPages(t *testing.T) {
	s, _ := newTestServer(t, Options{PageSize: 2})
	for _, p := range []string{"Google", "Facebook"} {
		if _, err := s.PutIdentityProvider(IdentityProvider{Type: p}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp",
		IdentityProviders:    []string{"AADSignup-OAUTH", "Google-OAUTH", "Facebook-OAUTH"},
		AttributeAssignments: []AttributeAssignment{{ID: "City"}, {ID: "Email"}, {ID: "Surname"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	tests := []struct {
		path string
		want int
	}{
		{partnerAssignments, 3},
		{partnerProviders, 3},
		{b2xFlowsPath + "/B2X_1_PartnerSignUp/identityProviders", 3},
		{"/v1.0/identity/identityProviders", 5},
		{attributesPath, 10},
		{attributesPath + "?$filter=" + url.QueryEscape("dataType eq 'string'") + "&$select=id", 10},
	}
	for _, tt := range tests {
		var got []string
		next := tt.path
		for pages := 0; next != ""; pages++ {
			if pages > tt.want {
				t.Fatalf("%s: the next links do not end", tt.path)
			}
			r := g.do(http.MethodGet, next, nil)
			got = append(got, ids(t, r)...)
			if len(ids(t, r)) > 2 {
				t.Errorf("%s: a page of %d", tt.path, len(ids(t, r)))
			}
			next, _ = r.json(t)["@odata.nextLink"].(string)
		}
		if len(got) != tt.want {
			t.Errorf("%s: %d items over every page, want %d", tt.path, len(got), tt.want)
		}
	}
}

func TestUserFlowsAsCode_lostResponsesCommitTheWrite(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{LostResponseRatio: 1, Seed: 7})
	req := g.request(http.MethodPost, b2xFlowsPath, `{"id": "Lost", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`)
	if resp, err := testClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("an answer came: %d", resp.StatusCode)
	}
	if _, ok := s.UserFlow("B2X_1_Lost"); !ok {
		t.Error("the create was not committed")
	}
	if log := s.Requests(); log[len(log)-1].Status != 0 {
		t.Errorf("the request log records status %d, want 0 for a lost answer", log[len(log)-1].Status)
	}
}

// OData's key syntax names a flow as well as a path segment does.
func TestUserFlows_keySyntax(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	if r := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows('B2X_1_PartnerSignUp')/userAttributeAssignments", nil); r.status != http.StatusOK {
		t.Errorf("%d %s", r.status, r.body)
	}
}
