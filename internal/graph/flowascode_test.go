package graph

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// flowAsCodeReference answers the calls of user flows as code as the reference's examples do.
func flowAsCodeReference(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(p, "/b2xUserFlows"):
		writeJSONAnswer(w, http.StatusCreated, map[string]any{"id": "B2X_1_Partner", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1})
	case r.Method == http.MethodPost && strings.HasSuffix(p, "/b2cUserFlows"):
		writeJSONAnswer(w, http.StatusCreated, map[string]any{"id": "B2C_1_Customer", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 3,
			"isLanguageCustomizationEnabled": false, "defaultLanguageTag": "en"})
	case r.Method == http.MethodPost && strings.HasSuffix(p, "/userAttributeAssignments"):
		writeJSONAnswer(w, http.StatusCreated, map[string]any{"id": "extension_guid_shoeSize", "isOptional": false, "requiresVerification": false,
			"userInputType": "TextBox", "displayName": "Shoe size", "userAttributeValues": []any{}})
	case r.Method == http.MethodPost && strings.HasSuffix(p, "/userFlowAttributes"):
		writeJSONAnswer(w, http.StatusCreated, map[string]any{"id": "extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby", "displayName": "Hobby",
			"description": "Your hobby", "userFlowAttributeType": "custom", "dataType": "string"})
	case r.Method != http.MethodGet:
		w.WriteHeader(http.StatusNoContent)
	case strings.HasSuffix(p, "/getOrder"):
		writeJSONAnswer(w, http.StatusOK, map[string]any{"order": []string{}})
	case strings.HasSuffix(p, "/userFlowIdentityProviders"), strings.HasSuffix(p, "/userAttributeAssignments"), strings.HasSuffix(p, "/userFlowAttributes"):
		writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{}})
	case strings.HasSuffix(p, "/userFlowAttributes/City"):
		writeJSONAnswer(w, http.StatusOK, map[string]any{"id": "City", "displayName": "City", "description": "Your city",
			"userFlowAttributeType": "builtIn", "dataType": "string"})
	default:
		writeODataError(w, http.StatusNotFound, "Request_ResourceNotFound", "Not here.", "rid")
	}
}

// TestClient_sendsEachFlowAsCodeCallAsGraphsReferenceShows checks method, path, query and body of the first
// request of every call of user flows as code against the examples of Graph's reference pages.
func TestClient_sendsEachFlowAsCodeCallAsGraphsReferenceShows(t *testing.T) {
	t.Parallel()
	yes, en := true, "en"
	shoeSize := AttributeAssignment{UserAttributeID: "extension_guid_shoeSize", DisplayName: "Shoe size", UserInputType: "TextBox"}
	tests := []struct {
		name          string
		clientVersion string
		call          func(ctx context.Context, c *Client) error
		wantMethod    string
		wantPath      string
		wantQuery     string
		// wantBody is the exact body, member order included; {graph} stands for the stub's URL. "" means none.
		wantBody string
	}{
		{
			name: "create a b2x flow (identitycontainer-post-b2xuserflows example 1)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: B2XUserFlow, Name: "Partner", UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 1})
				return err
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/b2xUserFlows",
			wantBody: `{"id": "Partner", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 1}`,
		},
		{
			name: "create a B2C flow on beta whatever the client's version", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: B2CUserFlow, Name: "Customer", UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 3})
				return err
			},
			wantMethod: "POST", wantPath: "/beta/identity/b2cUserFlows",
			wantBody: `{"id": "Customer", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 3}`,
		},
		{
			name: "create a B2C flow with its language settings", clientVersion: "beta",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: B2CUserFlow, Name: "Customer", UserFlowType: "passwordReset", UserFlowTypeVersion: 1.5,
					IsLanguageCustomizationEnabled: &yes, DefaultLanguageTag: &en})
				return err
			},
			wantMethod: "POST", wantPath: "/beta/identity/b2cUserFlows",
			wantBody: `{"id": "Customer", "userFlowType": "passwordReset", "userFlowTypeVersion": 1.5, "isLanguageCustomizationEnabled": true, "defaultLanguageTag": "en"}`,
		},
		{
			name: "update a B2C flow (b2cidentityuserflow-update)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateUserFlow(ctx, "B2C_1_Customer", UserFlowUpdate{IsLanguageCustomizationEnabled: &yes})
				return err
			},
			wantMethod: "PATCH", wantPath: "/beta/identity/b2cUserFlows/B2C_1_Customer",
			wantBody: `{"isLanguageCustomizationEnabled": true}`,
		},
		{
			name: "clear a B2C flow's default language", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				none := ""
				_, err := c.UpdateUserFlow(ctx, "B2C_1_Customer", UserFlowUpdate{DefaultLanguageTag: &none})
				return err
			},
			wantMethod: "PATCH", wantPath: "/beta/identity/b2cUserFlows/B2C_1_Customer",
			wantBody: `{"defaultLanguageTag": null}`,
		},
		{
			name: "delete a b2x flow (b2xidentityuserflow-delete)", clientVersion: "v1.0",
			call:       func(ctx context.Context, c *Client) error { return c.DeleteUserFlow(ctx, "B2X_1_Partner") },
			wantMethod: "DELETE", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner",
		},
		{
			name: "list a flow's identity providers through the current navigation, on v1.0", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListUserFlowIdentityProviders(ctx, "B2X_1_Partner")
				return err
			},
			wantMethod: "GET", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userFlowIdentityProviders",
		},
		{
			name: "add an identity provider (userflowidentityproviders-update)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.AddUserFlowIdentityProvider(ctx, "B2X_1_Partner", "Facebook-OAUTH")
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userFlowIdentityProviders/$ref",
			wantBody: `{"@odata.id": "{graph}/v1.0/identity/identityProviders/Facebook-OAUTH"}`,
		},
		{
			name: "add an identity provider to a B2C flow: beta, and a beta @odata.id", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.AddUserFlowIdentityProvider(ctx, "B2C_1_Customer", "Google-OAUTH")
			},
			wantMethod: "POST", wantPath: "/beta/identity/b2cUserFlows/B2C_1_Customer/userFlowIdentityProviders/$ref",
			wantBody: `{"@odata.id": "{graph}/beta/identity/identityProviders/Google-OAUTH"}`,
		},
		{
			name: "remove an identity provider (delete-userflowidentityproviders)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.RemoveUserFlowIdentityProvider(ctx, "B2X_1_Partner", "Facebook-OAUTH")
			},
			wantMethod: "DELETE", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userFlowIdentityProviders/Facebook-OAUTH/$ref",
		},
		{
			name: "list the assignments with their attributes", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListAttributeAssignments(ctx, "B2X_1_Partner")
				return err
			},
			wantMethod: "GET", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments", wantQuery: "$expand=userAttribute",
		},
		{
			name: "create an assignment (post-userattributeassignments), its input type in camelCase", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateAttributeAssignment(ctx, "B2X_1_Partner", shoeSize)
				return err
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments",
			wantBody: `{"displayName": "Shoe size", "isOptional": false, "requiresVerification": false, "userInputType": "textBox",
				"userAttributeValues": [], "userAttribute": {"id": "extension_guid_shoeSize"}}`,
		},
		{
			name: "create an assignment with choices in a B2C flow", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateAttributeAssignment(ctx, "B2C_1_Customer", AttributeAssignment{UserAttributeID: "extension_guid_size", DisplayName: "Size",
					IsOptional: true, UserInputType: "RadioSingleSelect", UserAttributeValues: []UserAttributeValue{{"Small", "S", true}, {"Large", "L", false}}})
				return err
			},
			wantMethod: "POST", wantPath: "/beta/identity/b2cUserFlows/B2C_1_Customer/userAttributeAssignments",
			wantBody: `{"displayName": "Size", "isOptional": true, "requiresVerification": false, "userInputType": "radioSingleSelect",
				"userAttributeValues": [{"name": "Small", "value": "S", "isDefault": true}, {"name": "Large", "value": "L", "isDefault": false}],
				"userAttribute": {"id": "extension_guid_size"}}`,
		},
		{
			name: "update an assignment (identityuserflowattributeassignment-update)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.UpdateAttributeAssignment(ctx, "B2X_1_Partner", "City", AttributeAssignment{UserAttributeID: "City", DisplayName: "Your city",
					IsOptional: true, UserInputType: "textBox"})
			},
			wantMethod: "PATCH", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments/City",
			wantBody: `{"displayName": "Your city", "isOptional": true, "requiresVerification": false, "userInputType": "textBox", "userAttributeValues": []}`,
		},
		{
			name: "delete an assignment", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.DeleteAttributeAssignment(ctx, "B2X_1_Partner", "City")
			},
			wantMethod: "DELETE", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments/City",
		},
		{
			name: "set the order (identityuserflowattributeassignment-setorder)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.SetAttributeAssignmentOrder(ctx, "B2X_1_Partner", []string{"City", "extension_guid_shoeSize"})
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments/setOrder",
			wantBody: `{"newAssignmentOrder": {"order": ["City", "extension_guid_shoeSize"]}}`,
		},
		{
			name: "list every user flow attribute (identityuserflowattribute-list)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListUserFlowAttributes(ctx, "")
				return err
			},
			wantMethod: "GET", wantPath: "/v1.0/identity/userFlowAttributes",
		},
		{
			name: "list the custom attributes", clientVersion: "beta",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListUserFlowAttributes(ctx, CustomAttribute)
				return err
			},
			wantMethod: "GET", wantPath: "/beta/identity/userFlowAttributes", wantQuery: "$filter=userFlowAttributeType eq 'custom'",
		},
		{
			name: "get an attribute", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.GetUserFlowAttribute(ctx, "City")
				return err
			},
			wantMethod: "GET", wantPath: "/v1.0/identity/userFlowAttributes/City",
		},
		{
			name: "create an attribute (identityuserflowattribute-post)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateUserFlowAttribute(ctx, UserFlowAttribute{DisplayName: "Hobby", Description: "Your hobby", DataType: "string"})
				return err
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/userFlowAttributes",
			wantBody: `{"displayName": "Hobby", "description": "Your hobby", "dataType": "string"}`,
		},
		{
			name: "update an attribute's description (identityuserflowattribute-update)", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateUserFlowAttribute(ctx, "extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby", "Your new hobby")
				return err
			},
			wantMethod: "PATCH", wantPath: "/v1.0/identity/userFlowAttributes/extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby",
			wantBody: `{"description": "Your new hobby"}`,
		},
		{
			name: "delete an attribute", clientVersion: "v1.0",
			call: func(ctx context.Context, c *Client) error {
				return c.DeleteUserFlowAttribute(ctx, "extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby")
			},
			wantMethod: "DELETE", wantPath: "/v1.0/identity/userFlowAttributes/extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newStub(t, flowAsCodeReference, func(cfg *Config) {
				cfg.APIVersion = tt.clientVersion
				cfg.ConsistencyWait = 50 * time.Millisecond
			})
			// The stub never shows a write: the read-backs end with the deadline.
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()

			var notShown *NotShownError
			if err := tt.call(ctx, c); err != nil && !errors.As(err, &notShown) {
				t.Fatal(err)
			}

			first := s.requests()[0]
			query, _ := url.QueryUnescape(first.RawQuery)
			if first.Method != tt.wantMethod || first.Path != tt.wantPath || query != tt.wantQuery {
				t.Errorf("sent %s %s?%s, want %s %s?%s", first.Method, first.Path, query, tt.wantMethod, tt.wantPath, tt.wantQuery)
			}
			want := ""
			if tt.wantBody != "" {
				want = strings.ReplaceAll(compactJSON(t, tt.wantBody), "{graph}", s.URL)
			}
			if string(first.Body) != want {
				t.Errorf("body\n got %s\nwant %s", first.Body, want)
			}
			if want != "" && first.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", first.Header.Get("Content-Type"))
			}
		})
	}
}

func TestClient_listsTheCustomAttributesWithAnEscapedFilter(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, flowAsCodeReference)

	if _, err := c.ListUserFlowAttributes(t.Context(), "it's"); err != nil {
		t.Fatal(err)
	}

	if got := s.requests()[0].RawQuery; got != "$filter=userFlowAttributeType%20eq%20%27it%27%27s%27" {
		t.Errorf("query %s: want the value quoted, its quote doubled, and spaces as %%20", got)
	}
}

func TestClient_filtersAttributesByKindInGraphsSpelling(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, flowAsCodeReference)

	for _, kind := range []string{"Custom", "BUILTIN"} {
		if _, err := c.ListUserFlowAttributes(t.Context(), kind); err != nil {
			t.Fatal(err)
		}
	}

	for i, want := range []string{"custom", "builtIn"} {
		if got := s.requests()[i].RawQuery; got != "$filter=userFlowAttributeType%20eq%20%27"+want+"%27" {
			t.Errorf("query %s: want the kind as Graph spells it, %s", got, want)
		}
	}
}

func TestIsPathID(t *testing.T) {
	for id, want := range map[string]bool{
		connectorID:     true,
		"B2X_1_Partner": true,
		"City":          true,
		"Google-OAUTH":  true,
		"extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby": true,
		"with space":   true,
		"a..b":         true,
		"":             false,
		".":            false,
		"..":           false,
		"../secrets":   false,
		"a/b":          false,
		`a\b`:          false,
		"a?$select=id": false,
		"a#b":          false,
		"%2e%2e":       false,
		"a\x00b":       false,
		"a\nb":         false,
	} {
		if got := isPathID(id); got != want {
			t.Errorf("isPathID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestClient_refusesBadFlowAsCodeCallsBeforeSendingAnything: every call that puts an id in a path checks it
// with the one rule, and the calls refuse what Graph would misread, without a request.
func TestClient_refusesBadFlowAsCodeCallsBeforeSendingAnything(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, flowAsCodeReference)
	ctx := t.Context()
	yes := true
	calls := map[string]func() error{
		"a flow name that carries its prefix": func() error {
			_, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: B2XUserFlow, Name: "b2x_1_Partner", UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 1})
			return err
		},
		"a flow name with a slash": func() error {
			_, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: B2CUserFlow, Name: "a/b", UserFlowType: "signIn", UserFlowTypeVersion: 1})
			return err
		},
		"language settings on a b2x flow": func() error {
			_, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: B2XUserFlow, Name: "Partner", UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 1,
				IsLanguageCustomizationEnabled: &yes})
			return err
		},
		"a kind that is none": func() error { _, err := c.CreateUserFlow(ctx, NewUserFlow{Kind: "b2b", Name: "Partner"}); return err },
		"an update of a b2x flow": func() error {
			_, err := c.UpdateUserFlow(ctx, "B2X_1_Partner", UserFlowUpdate{IsLanguageCustomizationEnabled: &yes})
			return err
		},
		"a flow id with a dot segment": func() error { return c.DeleteUserFlow(ctx, "B2X_1_a/../../apiConnectors") },
		"a provider id with a slash":   func() error { return c.AddUserFlowIdentityProvider(ctx, "B2X_1_Partner", "../Google-OAUTH") },
		"a provider id with a query":   func() error { return c.RemoveUserFlowIdentityProvider(ctx, "B2X_1_Partner", "Google?x=1") },
		"an assignment id with a slash": func() error {
			return c.DeleteAttributeAssignment(ctx, "B2X_1_Partner", "City/../../..")
		},
		"an assignment without an attribute": func() error {
			_, err := c.CreateAttributeAssignment(ctx, "B2X_1_Partner", AttributeAssignment{DisplayName: "City"})
			return err
		},
		"an attribute id with a dot segment": func() error { _, err := c.GetUserFlowAttribute(ctx, ".."); return err },
		"an attribute id with an escape": func() error {
			_, err := c.UpdateUserFlowAttribute(ctx, "extension_%2F", "x")
			return err
		},
		"an attribute id with a hash": func() error { return c.DeleteUserFlowAttribute(ctx, "City#x") },
	}
	for name, call := range calls {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}
