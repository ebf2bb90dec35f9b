package fakegraph

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// memberNames are the members of a JSON object, sorted.
func memberNames(v map[string]any) []string {
	var names []string
	for name := range v {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func TestSelect_connectorGetAnswersTheSelectedProperties(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("Alpha"))

	tests := []struct {
		query       string
		members     []string
		contextPart string
	}{
		{"?$select=displayName,targetUrl", []string{"@odata.context", "displayName", "targetUrl"}, "apiConnectors(displayName,targetUrl)/$entity"},
		// Property names are matched without case and written back in Graph's spelling; '$' may be left out.
		{"?select=DISPLAYNAME", []string{"@odata.context", "displayName"}, "apiConnectors(displayName)/$entity"},
		{"?%24select=id%2CauthenticationConfiguration", []string{"@odata.context", "authenticationConfiguration", "id"}, "apiConnectors(id,authenticationConfiguration)/$entity"},
		{"?$select=*", []string{"@odata.context", "authenticationConfiguration", "displayName", "id", "targetUrl"}, "apiConnectors/$entity"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := g.do(http.MethodGet, connectorsPath+"/"+id+tt.query, nil)
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			body := r.json(t)
			if got := memberNames(body); !slices.Equal(got, tt.members) {
				t.Errorf("members %v, want %v", got, tt.members)
			}
			if context, _ := body["@odata.context"].(string); context != s.URL()+"/v1.0/$metadata#identity/"+tt.contextPart {
				t.Errorf("@odata.context %s, want …#identity/%s", context, tt.contextPart)
			}
		})
	}
	// A selected authenticationConfiguration is still masked.
	auth, _ := g.do(http.MethodGet, connectorsPath+"/"+id+"?$select=authenticationConfiguration", nil).json(t)["authenticationConfiguration"].(map[string]any)
	if auth["password"] != "******" {
		t.Errorf("selected authenticationConfiguration %v", auth)
	}
}

func TestSelect_connectorListSelectsOnEveryPage(t *testing.T) {
	s, _ := newTestServer(t, Options{PageSize: 2})
	g := newGraph(t, s)
	for _, name := range []string{"A", "B", "C"} {
		g.create(basicBody(name))
	}
	var names []any
	next := connectorsPath + "?$select=displayName"
	for pages := 0; next != ""; pages++ {
		if pages > 2 {
			t.Fatal("the next links do not end")
		}
		page := g.do(http.MethodGet, next, nil).json(t)
		if context, _ := page["@odata.context"].(string); !strings.HasSuffix(context, "#identity/apiConnectors(displayName)") {
			t.Errorf("@odata.context %s", context)
		}
		for _, v := range page["value"].([]any) {
			item := v.(map[string]any)
			if got := memberNames(item); !slices.Equal(got, []string{"displayName"}) {
				t.Errorf("item members %v, want only displayName", got)
			}
			names = append(names, item["displayName"])
		}
		next, _ = page["@odata.nextLink"].(string)
	}
	if !slices.Equal(names, []any{"A", "B", "C"}) {
		t.Errorf("listed %v", names)
	}
}

// Graph refuses a $select or $expand that names a property the type does not have, and an $expand of a
// property that is not a navigation property.
func TestSelect_unknownPropertiesAreRefusedAsGraphRefusesThem(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutUserFlow(UserFlow{ID: "B2C_1_SignUpSignIn"}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	id := g.create(basicBody("Alpha"))
	tests := []struct{ path, message string }{
		{connectorsPath + "/" + id + "?$select=x", "Could not find a property named 'x' on type 'microsoft.graph.identityApiConnector'."},
		{connectorsPath + "?$select=id,password", "Could not find a property named 'password' on type 'microsoft.graph.identityApiConnector'."},
		{connectorsPath + "/" + id + "?$expand=owner", "Could not find a property named 'owner' on type 'microsoft.graph.identityApiConnector'."},
		{connectorsPath + "/" + id + "?$expand=authenticationConfiguration", "Only navigation properties can be expanded."},
		{"/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp?$select=isLanguageCustomizationEnabled",
			"Could not find a property named 'isLanguageCustomizationEnabled' on type 'microsoft.graph.b2xIdentityUserFlow'."},
		{"/beta/identity/b2cUserFlows?$select=name", "Could not find a property named 'name' on type 'microsoft.graph.b2cIdentityUserFlow'."},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := g.do(http.MethodGet, tt.path, nil)
			if r.status != http.StatusBadRequest || r.odataCode(t) != "BadRequest" || !strings.Contains(string(r.body), tt.message) {
				t.Errorf("%d %s, want 400 BadRequest saying %q", r.status, r.body, tt.message)
			}
		})
	}
}

func TestSelect_userFlowGetAndList(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	for _, id := range []string{"B2X_1_PartnerSignUp", "B2C_1_SignUpSignIn"} {
		if _, err := s.PutUserFlow(UserFlow{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	g := newGraph(t, s)

	flow := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp?$select=id,userFlowType", nil).json(t)
	if got := memberNames(flow); !slices.Equal(got, []string{"@odata.context", "id", "userFlowType"}) {
		t.Errorf("b2x get members %v", got)
	}
	if flow["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/b2xUserFlows(id,userFlowType)/$entity" {
		t.Errorf("@odata.context %v", flow["@odata.context"])
	}

	list := g.do(http.MethodGet, "/beta/identity/b2cUserFlows?$select=defaultLanguageTag,id&$top=5", nil).json(t)
	if list["@odata.context"] != s.URL()+"/beta/$metadata#identity/b2cUserFlows(defaultLanguageTag,id)" {
		t.Errorf("@odata.context %v", list["@odata.context"])
	}
	values, _ := list["value"].([]any)
	if len(values) != 1 {
		t.Fatalf("value %v", values)
	}
	item := values[0].(map[string]any)
	if got := memberNames(item); !slices.Equal(got, []string{"defaultLanguageTag", "id"}) || item["id"] != "B2C_1_SignUpSignIn" {
		t.Errorf("b2c list item %v", item)
	}

	// Without $select the whole flow comes back, apiConnectorConfiguration as the empty object Graph shows.
	whole := g.do(http.MethodGet, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp", nil).json(t)
	if got := memberNames(whole); !slices.Equal(got, []string{"@odata.context", "apiConnectorConfiguration", "id", "userFlowType", "userFlowTypeVersion"}) {
		t.Errorf("b2x get members %v", got)
	}
}
