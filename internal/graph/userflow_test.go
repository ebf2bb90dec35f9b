package graph

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestUserFlowKindOf(t *testing.T) {
	tests := map[string]struct {
		kind UserFlowKind
		ok   bool
	}{
		"B2X_1_PartnerSignUp": {B2XUserFlow, true},
		"b2x_1_partnersignup": {B2XUserFlow, true},
		"B2C_1_SignUpSignIn":  {B2CUserFlow, true},
		"B2X_1_":              {"", false},
		"B2X_2_Partner":       {"", false},
		"PartnerSignUp":       {"", false},
		"":                    {"", false},
	}
	for id, want := range tests {
		kind, ok := UserFlowKindOf(id)
		if kind != want.kind || ok != want.ok {
			t.Errorf("UserFlowKindOf(%q) = %q, %v; want %q, %v", id, kind, ok, want.kind, want.ok)
		}
	}
}

// TestClient_sendsEachUserFlowCallAsGraphsReferenceShows checks method, path, query and body of every
// user-flow call against the examples of Graph's reference pages, on both versions.
func TestClient_sendsEachUserFlowCallAsGraphsReferenceShows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		clientVersion string
		call          func(c *Client) error
		wantMethod    string
		wantPath      string
		wantQuery     string
		// wantBody is the exact body; {graph} stands for the stub's URL. "" means none.
		wantBody string
	}{
		{
			name: "list b2x flows", clientVersion: "v1.0",
			call:       func(c *Client) error { _, err := c.ListUserFlows(t.Context(), B2XUserFlow); return err },
			wantMethod: "GET", wantPath: "/v1.0/identity/b2xUserFlows",
		},
		{
			name: "list B2C flows on beta whatever the client's version", clientVersion: "v1.0",
			call:       func(c *Client) error { _, err := c.ListUserFlows(t.Context(), B2CUserFlow); return err },
			wantMethod: "GET", wantPath: "/beta/identity/b2cUserFlows",
		},
		{
			name: "get a b2x flow", clientVersion: "v1.0",
			call:       func(c *Client) error { _, err := c.GetUserFlow(t.Context(), "B2X_1_PartnerSignUp"); return err },
			wantMethod: "GET", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp",
		},
		{
			name: "get a b2x flow on beta", clientVersion: "beta",
			call:       func(c *Client) error { _, err := c.GetUserFlow(t.Context(), "B2X_1_PartnerSignUp"); return err },
			wantMethod: "GET", wantPath: "/beta/identity/b2xUserFlows/B2X_1_PartnerSignUp",
		},
		{
			name: "get a b2x flow's connectors", clientVersion: "v1.0",
			call: func(c *Client) error {
				_, err := c.GetAPIConnectorConfiguration(t.Context(), "B2X_1_testuserflow")
				return err
			},
			wantMethod: "GET", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_testuserflow/apiConnectorConfiguration",
			wantQuery: "$expand=postFederationSignup,postAttributeCollection",
		},
		{
			name: "get a B2C flow's connectors, every step expanded", clientVersion: "v1.0",
			call: func(c *Client) error {
				_, err := c.GetAPIConnectorConfiguration(t.Context(), "B2C_1_testuserflow")
				return err
			},
			wantMethod: "GET", wantPath: "/beta/identity/b2cUserFlows/B2C_1_testuserflow/apiConnectorConfiguration",
			wantQuery: "$expand=postFederationSignup,postAttributeCollection,preTokenIssuance",
		},
		{
			name: "enable a connector for postFederationSignup (b2x example 1)", clientVersion: "v1.0",
			call: func(c *Client) error {
				return c.SetUserFlowStep(t.Context(), "B2X_1_testuserflow", PostFederationSignup, connectorID)
			},
			wantMethod: "PUT", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_testuserflow/apiConnectorConfiguration/postFederationSignup/$ref",
			wantBody: `{"@odata.id":"{graph}/v1.0/identity/apiConnectors/` + connectorID + `"}`,
		},
		{
			name: "enable a connector for postAttributeCollection on beta", clientVersion: "beta",
			call: func(c *Client) error {
				return c.SetUserFlowStep(t.Context(), "B2X_1_testuserflow", PostAttributeCollection, connectorID)
			},
			wantMethod: "PUT", wantPath: "/beta/identity/b2xUserFlows/B2X_1_testuserflow/apiConnectorConfiguration/postAttributeCollection/$ref",
			wantBody: `{"@odata.id":"{graph}/beta/identity/apiConnectors/` + connectorID + `"}`,
		},
		{
			name: "enable a connector in a B2C flow: beta, and a beta @odata.id", clientVersion: "v1.0",
			call: func(c *Client) error {
				return c.SetUserFlowStep(t.Context(), "B2C_1_testuserflow", PreTokenIssuance, connectorID)
			},
			wantMethod: "PUT", wantPath: "/beta/identity/b2cUserFlows/B2C_1_testuserflow/apiConnectorConfiguration/preTokenIssuance/$ref",
			wantBody: `{"@odata.id":"{graph}/beta/identity/apiConnectors/` + connectorID + `"}`,
		},
		{
			name: "disable the connector of a step (example 3)", clientVersion: "v1.0",
			call: func(c *Client) error {
				return c.SetUserFlowStep(t.Context(), "B2X_1_testuserflow", PostAttributeCollection, "")
			},
			wantMethod: "PUT", wantPath: "/v1.0/identity/b2xUserFlows/B2X_1_testuserflow/apiConnectorConfiguration/postAttributeCollection/$ref",
			wantBody: `{}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPut:
					w.WriteHeader(http.StatusNoContent)
				case strings.HasSuffix(r.URL.Path, "UserFlows"):
					writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{}})
				default:
					writeJSONAnswer(w, http.StatusOK, map[string]any{"id": "B2X_1_testuserflow"})
				}
			}, func(cfg *Config) { cfg.APIVersion = tt.clientVersion })

			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}

			got := s.requests()
			if len(got) != 1 {
				t.Fatalf("sent %d requests, want 1", len(got))
			}
			r := got[0]
			if r.Method != tt.wantMethod || r.Path != tt.wantPath || r.RawQuery != tt.wantQuery {
				t.Errorf("sent %s %s?%s, want %s %s?%s", r.Method, r.Path, r.RawQuery, tt.wantMethod, tt.wantPath, tt.wantQuery)
			}
			wantBody := strings.ReplaceAll(tt.wantBody, "{graph}", s.URL)
			if string(r.Body) != wantBody {
				t.Errorf("body %s, want %s", r.Body, wantBody)
			}
			if wantBody != "" && r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q, want application/json", r.Header.Get("Content-Type"))
			}
		})
	}
}

func TestClient_readsTheConnectorOfEachStep(t *testing.T) {
	t.Parallel()
	// The answer of the reference's example, with one step null and one absent as Graph writes unset ones.
	answer := `{
		"@odata.context": "https://graph.microsoft.com/beta/$metadata#identity/b2cUserFlows('B2C_1_testuserflow')/apiConnectorConfiguration(postFederationSignup(),postAttributeCollection(),preTokenIssuance())",
		"postFederationSignup@odata.context": "https://graph.microsoft.com/beta/$metadata#identity/b2cUserFlows('B2C_1_testuserflow')/apiConnectorConfiguration/postFederationSignup/$entity",
		"postFederationSignup": {
			"id": "74d13179-2c02-4ae7-bff3-82842d4e2f1f",
			"displayName": "Test API Connector 1",
			"targetUrl": "https://someapi.com/api/endpoint",
			"authenticationConfiguration": {"@odata.type": "#microsoft.graph.basicAuthentication", "username": "apiAccount", "password": "******"}
		},
		"postAttributeCollection": null
	}`
	_, c := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer))
	})

	got, err := c.GetAPIConnectorConfiguration(t.Context(), "B2C_1_testuserflow")

	if err != nil {
		t.Fatal(err)
	}
	want := APIConnectorConfiguration{PostFederationSignup: "74d13179-2c02-4ae7-bff3-82842d4e2f1f"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read %v, want %v", got, want)
	}
}

func TestClient_listsUserFlowsAcrossPages(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		page := map[string]any{"value": []any{
			map[string]any{"id": "B2C_1_SignUpSignIn", "userFlowType": "signUpOrSignIn", "userFlowTypeVersion": 3, "isLanguageCustomizationEnabled": false},
		}}
		if r.URL.RawQuery == "" {
			page["@odata.nextLink"] = "http://" + r.Host + "/beta/identity/b2cUserFlows?$skiptoken=2"
		} else {
			page["value"] = []any{map[string]any{"id": "B2C_1_PasswordReset", "userFlowType": "passwordReset", "userFlowTypeVersion": 1.5}}
		}
		writeJSONAnswer(w, http.StatusOK, page)
	})

	flows, err := c.ListUserFlows(t.Context(), B2CUserFlow)

	if err != nil {
		t.Fatal(err)
	}
	want := []UserFlow{
		{ID: "B2C_1_SignUpSignIn", Kind: B2CUserFlow, UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 3},
		{ID: "B2C_1_PasswordReset", Kind: B2CUserFlow, UserFlowType: "passwordReset", UserFlowTypeVersion: 1.5},
	}
	if !reflect.DeepEqual(flows, want) {
		t.Errorf("listed %+v, want %+v", flows, want)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("read %d pages, want 2", n)
	}
}

func TestClient_refusesBadUserFlowCallsBeforeSendingAnything(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	calls := map[string]func() error{
		"a flow id without a kind prefix": func() error { _, err := c.GetUserFlow(t.Context(), "PartnerSignUp"); return err },
		"a flow id with a slash": func() error {
			_, err := c.GetAPIConnectorConfiguration(t.Context(), "B2X_1_a/../../apiConnectors")
			return err
		},
		"a step a b2x flow does not have": func() error {
			return c.SetUserFlowStep(t.Context(), "B2X_1_PartnerSignUp", PreTokenIssuance, connectorID)
		},
		"a connector id with a slash": func() error {
			return c.SetUserFlowStep(t.Context(), "B2X_1_PartnerSignUp", PostAttributeCollection, "a/b")
		},
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

func TestClient_userFlowErrorsAreGraphErrors(t *testing.T) {
	t.Parallel()
	_, c := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
		writeODataError(w, http.StatusNotFound, "Request_ResourceNotFound", "Resource 'B2X_1_Gone' does not exist.", "req-1")
	})

	_, err := c.GetAPIConnectorConfiguration(t.Context(), "B2X_1_Gone")

	if !IsNotFound(err) {
		t.Fatalf("error %v, want a not-found Graph error", err)
	}
}

func TestClient_waitForUserFlowStepsReadsUntilGraphShowsTheWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var reads atomic.Int32
		_, c := newMemoryStub(t, func(w http.ResponseWriter, _ *http.Request) {
			// Two replicas still answer with the step as it was.
			step := any(nil)
			if reads.Add(1) > 2 {
				step = map[string]any{"id": strings.ToUpper(connectorID)}
			}
			writeJSONAnswer(w, http.StatusOK, map[string]any{"postFederationSignup": nil, "postAttributeCollection": step})
		})

		got, err := c.WaitForUserFlowSteps(t.Context(), "B2X_1_PartnerSignUp",
			APIConnectorConfiguration{PostAttributeCollection: connectorID, PostFederationSignup: ""})

		if err != nil {
			t.Fatal(err)
		}
		if reads.Load() != 3 || !strings.EqualFold(got[PostAttributeCollection], connectorID) {
			t.Errorf("read %d times and got %v; want 3 reads ending with the connector", reads.Load(), got)
		}
	})
}

// TestClient_waitForUserFlowStepsFailsWhenTheDeadlineComesFirst: a step Graph acknowledged but never shows
// is read until the operation's deadline, not a wait of the client's, and is then an error naming the step,
// what was sent and what Graph shows.
func TestClient_waitForUserFlowStepsFailsWhenTheDeadlineComesFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := newMemoryStub(t, func(w http.ResponseWriter, _ *http.Request) {
			writeJSONAnswer(w, http.StatusOK, map[string]any{"postAttributeCollection": nil})
		}, func(cfg *Config) { cfg.ConsistencyWait = 10 * time.Second })
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
		defer cancel()
		start := time.Now()

		got, err := c.WaitForUserFlowSteps(ctx, "B2X_1_PartnerSignUp", APIConnectorConfiguration{PostAttributeCollection: connectorID})

		var notShown *NotShownError
		if !errors.As(err, &notShown) || len(got) != 0 ||
			!slices.Equal(notShown.Pending, []Pending{{Property: "postAttributeCollection", Sent: connectorID}}) {
			t.Fatalf("got %v, %v; want what Graph last answered and the step it does not show", got, err)
		}
		if waited := time.Since(start); waited != 3*time.Minute {
			t.Errorf("waited %s, want the operation's 3m", waited)
		}
	})
}
