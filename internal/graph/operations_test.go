package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

const connectorID = "be1f769b-9b13-437e-b540-79a905c4932c"

// connectorAnswer is a connector as Graph returns it.
var connectorAnswer = map[string]any{
	"id": connectorID, "displayName": "Test API", "targetUrl": "https://someapi.com/api/endpoint",
	"authenticationConfiguration": map[string]any{
		"@odata.type": "#microsoft.graph.basicAuthentication", "username": "<USERNAME>", "password": "******",
	},
}

// referenceConnector is the connector the reference's create example sends.
func referenceConnector() APIConnector {
	return APIConnector{
		DisplayName: "Test API", TargetURL: "https://someapi.com/api/endpoint",
		AuthenticationConfiguration: &BasicAuthentication{Username: "<USERNAME>", Password: "<PASSWORD>"},
	}
}

// graphReference answers every operation of the six as Graph's reference does.
func graphReference(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/uploadClientCertificate"):
		writeJSONAnswer(w, http.StatusOK, connectorAnswer)
	case r.Method == http.MethodPost:
		writeJSONAnswer(w, http.StatusCreated, connectorAnswer)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/apiConnectors"):
		writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{connectorAnswer}})
	case r.Method == http.MethodGet:
		writeJSONAnswer(w, http.StatusOK, connectorAnswer)
	case r.Method == http.MethodPatch:
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	}
}

// compactJSON is text as JSON without white space, keeping the order of members.
func compactJSON(t *testing.T, text string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(text)); err != nil {
		t.Fatalf("%v in %s", err, text)
	}
	return buf.String()
}

func TestClient_sendsEachOperationAsGraphsReferenceShows(t *testing.T) {
	t.Parallel()
	newName, newTarget := "New Test API", "https://otherapi.com/api/endpoint"
	tests := []struct {
		name       string
		call       func(ctx context.Context, c *Client) error
		wantMethod string
		wantPath   string
		// wantBody is the request body, member order included; "" means none.
		wantBody string
	}{
		{
			name: "create",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateAPIConnector(ctx, referenceConnector())
				return err
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/apiConnectors",
			wantBody: `{
				"displayName": "Test API",
				"targetUrl": "https://someapi.com/api/endpoint",
				"authenticationConfiguration": {
					"@odata.type": "#microsoft.graph.basicAuthentication",
					"username": "<USERNAME>",
					"password": "<PASSWORD>"
				}
			}`,
		},
		{
			name:       "get",
			call:       func(ctx context.Context, c *Client) error { _, err := c.GetAPIConnector(ctx, connectorID); return err },
			wantMethod: "GET", wantPath: "/v1.0/identity/apiConnectors/" + connectorID,
		},
		{
			name:       "list",
			call:       func(ctx context.Context, c *Client) error { _, err := c.ListAPIConnectors(ctx); return err },
			wantMethod: "GET", wantPath: "/v1.0/identity/apiConnectors",
		},
		{
			name: "update name, URL and basic authentication (reference example 1)",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateAPIConnector(ctx, connectorID, APIConnectorUpdate{
					DisplayName: &newName, TargetURL: &newTarget,
					AuthenticationConfiguration: &BasicAuthentication{Username: "<NEW_USERNAME>", Password: "<NEW_PASSWORD>"},
				})
				return err
			},
			wantMethod: "PATCH", wantPath: "/v1.0/identity/apiConnectors/" + connectorID,
			wantBody: `{
				"displayName": "New Test API",
				"targetUrl": "https://otherapi.com/api/endpoint",
				"authenticationConfiguration": {
					"@odata.type": "#microsoft.graph.basicAuthentication",
					"username":"<NEW_USERNAME>",
					"password":"<NEW_PASSWORD>"
				}
			}`,
		},
		{
			name: "update to a client certificate (reference example 2)",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateAPIConnector(ctx, connectorID, APIConnectorUpdate{
					AuthenticationConfiguration: &PKCS12Certificate{
						Value:    "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ...kDJ04sJShkkgjL9Bm49plA",
						Password: "secret", Thumbprint: "never-sent",
					},
				})
				return err
			},
			wantMethod: "PATCH", wantPath: "/v1.0/identity/apiConnectors/" + connectorID,
			wantBody: `{
				"authenticationConfiguration": {
					"@odata.type": "#microsoft.graph.pkcs12Certificate",
					"pkcs12Value": "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ...kDJ04sJShkkgjL9Bm49plA",
					"password": "secret"
				}
			}`,
		},
		{
			name: "update the name only",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateAPIConnector(ctx, connectorID, APIConnectorUpdate{DisplayName: &newName})
				return err
			},
			wantMethod: "PATCH", wantPath: "/v1.0/identity/apiConnectors/" + connectorID,
			wantBody: `{"displayName": "New Test API"}`,
		},
		{
			name:       "delete",
			call:       func(ctx context.Context, c *Client) error { return c.DeleteAPIConnector(ctx, connectorID) },
			wantMethod: "DELETE", wantPath: "/v1.0/identity/apiConnectors/" + connectorID,
		},
		{
			name: "upload a client certificate without a password",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UploadClientCertificate(ctx, connectorID, PKCS12Certificate{Value: "MIIKPFX", Thumbprint: "never-sent"})
				return err
			},
			wantMethod: "POST", wantPath: "/v1.0/identity/apiConnectors/" + connectorID + "/uploadClientCertificate",
			wantBody: `{"pkcs12Value": "MIIKPFX", "password": ""}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var deleted atomic.Bool
			s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) {
				// After the delete, the read that waits for it finds nothing.
				if deleted.Load() && r.Method == http.MethodGet {
					writeODataError(w, http.StatusNotFound, "Request_ResourceNotFound", "Gone.", "rid")
					return
				}
				if r.Method == http.MethodDelete {
					deleted.Store(true)
				}
				graphReference(w, r)
			}, func(cfg *Config) { cfg.ConsistencyWait = 50 * time.Millisecond })
			// The reference's connector never shows an update: its read-back ends with the deadline.
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()

			var notShown *NotShownError
			if err := tt.call(ctx, c); err != nil && !errors.As(err, &notShown) {
				t.Fatal(err)
			}

			first := s.requests()[0]
			if first.Method != tt.wantMethod || first.Path != tt.wantPath {
				t.Errorf("sent %s %s, want %s %s", first.Method, first.Path, tt.wantMethod, tt.wantPath)
			}
			want := ""
			if tt.wantBody != "" {
				want = compactJSON(t, tt.wantBody)
			}
			if string(first.Body) != want {
				t.Errorf("body\n got %s\nwant %s", first.Body, want)
			}
			if got := first.Header.Get("Authorization"); got != "Bearer test-access-token" {
				t.Errorf("Authorization %q", got)
			}
			if got := first.Header.Get("User-Agent"); got != testUserAgent {
				t.Errorf("User-Agent %q, want %q", got, testUserAgent)
			}
			if tt.wantBody != "" && first.Header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", first.Header.Get("Content-Type"))
			}
		})
	}
}

func TestClient_emptyUpdateSendsNothing(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, graphReference)
	if got, err := c.UpdateAPIConnector(t.Context(), connectorID, APIConnectorUpdate{}); err != nil || got != nil {
		t.Fatal(got, err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("sent %d requests for an empty update", n)
	}
}

func TestClient_listFollowsNextLinkAcrossPages(t *testing.T) {
	t.Parallel()
	s, c := newFakeGraph(t, fakegraph.Options{PageSize: 2})
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		s.PutConnector(fakegraph.Connector{DisplayName: name, TargetURL: "https://" + name + ".example",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: name, Password: "p"}})
	}

	all, err := c.ListAPIConnectors(t.Context())

	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, connector := range all {
		names = append(names, connector.DisplayName)
	}
	if got := strings.Join(names, ","); got != "a,b,c,d,e" {
		t.Errorf("listed %s, want a,b,c,d,e", got)
	}
	if n := countRequests(s, http.MethodGet); n != 3 {
		t.Errorf("read %d pages, want 3", n)
	}
}

func TestClient_listRefusesBadNextLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// nextLink is the link Graph answers with, given the host it was called at.
		nextLink func(host string) string
		wantErr  string
	}{
		{
			name:     "another host",
			nextLink: func(string) string { return "https://evil.example/v1.0/identity/apiConnectors?$skiptoken=x" },
			wantErr:  "Graph returned a link to https://evil.example, which is not the configured Graph endpoint",
		},
		{
			name:     "another scheme",
			nextLink: func(host string) string { return "https://" + host + "/v1.0/identity/apiConnectors?$skiptoken=x" },
			wantErr:  "which is not the configured Graph endpoint",
		},
		{
			name:     "a page already read",
			nextLink: func(host string) string { return "http://" + host + "/v1.0/identity/apiConnectors?$skiptoken=again" },
			wantErr:  "Graph returned a next link to a page it answered already",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{connectorAnswer}, "@odata.nextLink": tt.nextLink(r.Host)})
			})

			_, err := c.ListAPIConnectors(t.Context())

			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one saying %q", err, tt.wantErr)
			}
			if n := len(s.requests()); n > 2 {
				t.Errorf("followed the link %d times", n-1)
			}
		})
	}
}

func TestConnectorPath(t *testing.T) {
	tests := []struct {
		id   string
		want string
	}{
		{connectorID, "identity/apiConnectors/" + connectorID},
		{"with space", "identity/apiConnectors/with%20space"},
		{"a..b", "identity/apiConnectors/a..b"},
		{"", ""},
		{".", ""},
		{"..", ""},
		{"../secrets", ""},
		{"a/b", ""},
		{`a\b`, ""},
		{"a?$select=id", ""},
		{"a#b", ""},
		{"%2e%2e", ""},
		{"a%2Fb", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, err := connectorPath(tt.id)
			if tt.want == "" {
				if err == nil {
					t.Errorf("connectorPath(%q) = %q, want an error", tt.id, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("connectorPath(%q) = %q, %v; want %q", tt.id, got, err, tt.want)
			}
		})
	}
}

func TestClient_refusesABadIDBeforeSendingAnything(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, graphReference)
	calls := map[string]func(id string) error{
		"get": func(id string) error { _, err := c.GetAPIConnector(t.Context(), id); return err },
		"update": func(id string) error {
			name := "x"
			_, err := c.UpdateAPIConnector(t.Context(), id, APIConnectorUpdate{DisplayName: &name})
			return err
		},
		"delete": func(id string) error { return c.DeleteAPIConnector(t.Context(), id) },
		"upload": func(id string) error {
			_, err := c.UploadClientCertificate(t.Context(), id, PKCS12Certificate{Value: "v"})
			return err
		},
	}
	for name, call := range calls {
		if err := call("../../users"); err == nil {
			t.Errorf("%s accepted ../../users", name)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}

func TestClient_createAdoptsTheConnectorWhoseAnswerWasLost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		lag  time.Duration
	}{
		{"consistent Graph", 0},
		{"Graph that lists the new connector only after a while", 600 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				var s *fakegraph.Server
				s, c := newMemoryFakeGraph(t, fakegraph.Options{OnRequest: func(r fakegraph.Request) {
					if r.Status == 0 {
						s.SetFaults(fakegraph.Faults{ReplicationLag: tt.lag})
					}
				}})
				s.SetFaults(fakegraph.Faults{LostResponseRatio: 1, ReplicationLag: tt.lag})

				got, err := c.CreateAPIConnector(t.Context(), APIConnector{
					DisplayName: "Sign-up", TargetURL: "https://api.contoso.com/validate",
					AuthenticationConfiguration: &BasicAuthentication{Username: "b2c", Password: "p@ss"},
				})

				if err != nil {
					t.Fatal(err)
				}
				stored := s.Connectors()
				if len(stored) != 1 {
					t.Fatalf("Graph holds %d connectors, want 1", len(stored))
				}
				if got.ID != stored[0].ID || got.DisplayName != "Sign-up" {
					t.Errorf("adopted %+v, want the stored %+v", got, stored[0])
				}
				if posts := countRequests(s, http.MethodPost); posts != 1 {
					t.Errorf("sent %d creates, want 1", posts)
				}
			})
		})
	}
}

func TestClient_createSendsAgainWhenTheLostCreateStoredNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var posts atomic.Int32
		s, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodPost && posts.Add(1) == 1:
				// The gateway drops the request before Graph sees it, but after the client sent it.
				dropConnection(t, w)
			case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/apiConnectors") && posts.Load() == 1:
				writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{}})
			default:
				graphReference(w, r)
			}
		}, func(cfg *Config) { cfg.ConsistencyWait = 400 * time.Millisecond })

		got, err := c.CreateAPIConnector(t.Context(), referenceConnector())

		if err != nil {
			t.Fatal(err)
		}
		if got.ID != connectorID || posts.Load() != 2 {
			t.Errorf("got %+v after %d creates, want %s after 2", got, posts.Load(), connectorID)
		}
		var lists int
		for _, r := range s.requests() {
			if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/apiConnectors") {
				lists++
			}
		}
		if lists < 2 {
			t.Errorf("looked for the connector %d times before creating it again; Graph may list it late", lists)
		}
	})
}

func TestClient_createKeepsLookingAndSendingWhileGraphFailsAndTheDeadlineAllows(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Graph answers 502 to the first creates without storing anything: under a few percent of 5xx, a
		// run of them on one create is routine when fifty are made at once.
		const failures = 5
		var posts atomic.Int32
		_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && posts.Add(1) <= failures {
				writeJSONAnswer(w, http.StatusBadGateway, map[string]any{"error": map[string]any{
					"code": "BadGateway", "message": "The gateway received an invalid response from the service.",
				}})
				return
			}
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/apiConnectors") && posts.Load() <= failures {
				writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{}})
				return
			}
			graphReference(w, r)
		}, func(cfg *Config) { cfg.ConsistencyWait = 400 * time.Millisecond })

		got, err := c.CreateAPIConnector(t.Context(), referenceConnector())

		if err != nil {
			t.Fatalf("gave up after %d creates: %v", posts.Load(), err)
		}
		if got.ID != connectorID || posts.Load() != failures+1 {
			t.Errorf("got %+v after %d creates, want %s after %d", got, posts.Load(), connectorID, failures+1)
		}
	})
}

// newFakeGraphLosingOneAnswer is an in-memory emulator whose faults, once set, lose one answer and are
// then cleared: a request Graph acted on, whose answer never came back.
func newFakeGraphLosingOneAnswer(t *testing.T) (*fakegraph.Server, *Client) {
	var s *fakegraph.Server
	s, c := newMemoryFakeGraph(t, fakegraph.Options{OnRequest: func(r fakegraph.Request) {
		if r.Status == 0 {
			s.SetFaults(fakegraph.Faults{})
		}
	}})
	return s, c
}

func TestClient_createGivesUpWhenSeveralConnectorsMatchTheLostCreate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newFakeGraphLosingOneAnswer(t)
		twin := fakegraph.Connector{DisplayName: "Twin", TargetURL: "https://twin.example", Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}}
		s.PutConnector(twin)
		s.SetFaults(fakegraph.Faults{LostResponseRatio: 1})

		_, err := c.CreateAPIConnector(t.Context(), APIConnector{DisplayName: twin.DisplayName, TargetURL: twin.TargetURL,
			AuthenticationConfiguration: &BasicAuthentication{Username: "u", Password: "p"}})

		if err == nil || !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "cannot tell which one the lost create made") {
			t.Errorf("error %v does not say which connectors match", err)
		}
	})
}

func TestClient_uploadRecoversFromALostAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newFakeGraphLosingOneAnswer(t)
		connector := s.PutConnector(fakegraph.Connector{DisplayName: "Cert", TargetURL: "https://cert.example",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
		pfx := testcert.New(t, testcert.Options{Password: new("pfx-password")})
		value, thumbprint := pfx.Base64, pfx.Thumbprint
		s.SetFaults(fakegraph.Faults{LostResponseRatio: 1})

		got, err := c.UploadClientCertificate(t.Context(), connector.ID, PKCS12Certificate{Value: value, Password: "pfx-password", Thumbprint: thumbprint})

		if err != nil {
			t.Fatal(err)
		}
		certs, ok := got.AuthenticationConfiguration.(*ClientCertificateAuthentication)
		if !ok || len(certs.CertificateList) != 1 || certs.CertificateList[0].Thumbprint != thumbprint {
			t.Errorf("got %#v, want the uploaded certificate", got.AuthenticationConfiguration)
		}
		stored, _ := s.Connector(connector.ID)
		if len(stored.Auth.Certificates) != 1 {
			t.Errorf("Graph holds %d certificates, want 1", len(stored.Auth.Certificates))
		}
		if posts := countRequests(s, http.MethodPost); posts != 1 {
			t.Errorf("uploaded %d times, want once", posts)
		}
	})
}

func TestClient_uploadWithoutAThumbprintReportsALostAnswer(t *testing.T) {
	t.Parallel()
	s, c := newFakeGraph(t, fakegraph.Options{})
	connector := s.PutConnector(fakegraph.Connector{DisplayName: "Cert", TargetURL: "https://cert.example",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
	value := testcert.New(t, testcert.Options{Password: new("")}).Base64
	s.SetFaults(fakegraph.Faults{LostResponseRatio: 1})

	_, err := c.UploadClientCertificate(t.Context(), connector.ID, PKCS12Certificate{Value: value})

	if !errors.Is(err, ErrOutcomeUnknown) {
		t.Errorf("error %v, want ErrOutcomeUnknown", err)
	}
	if posts := countRequests(s, http.MethodPost); posts != 1 {
		t.Errorf("uploaded %d times without a way to tell whether the first one worked", posts)
	}
}

func TestClient_createWaitsUntilGraphServesTheConnector(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		s.SetFaults(fakegraph.Faults{ReplicationLag: 500 * time.Millisecond})

		created, err := c.CreateAPIConnector(t.Context(), APIConnector{DisplayName: "Lagging", TargetURL: "https://lag.example",
			AuthenticationConfiguration: &BasicAuthentication{Username: "u", Password: "p"}})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := c.GetAPIConnector(t.Context(), created.ID); err != nil {
			t.Errorf("reading the connector right after its create: %v", err)
		}
		if notFound := countStatus(s, http.MethodGet, http.StatusNotFound); notFound == 0 {
			t.Error("the create returned before Graph served the connector; the test proves nothing")
		}
	})
}

func TestClient_deleteWaitsUntilGraphNoLongerServesTheConnector(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		connector := s.PutConnector(fakegraph.Connector{DisplayName: "Doomed", TargetURL: "https://doomed.example",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
		s.SetFaults(fakegraph.Faults{ReplicationLag: 500 * time.Millisecond})

		if err := c.DeleteAPIConnector(t.Context(), connector.ID); err != nil {
			t.Fatal(err)
		}

		if _, err := c.GetAPIConnector(t.Context(), connector.ID); !IsNotFound(err) {
			t.Errorf("reading the connector right after its delete: %v, want a 404", err)
		}
		if stale := countStatus(s, http.MethodGet, http.StatusOK); stale == 0 {
			t.Error("the delete returned before any read saw the stale connector; the test proves nothing")
		}
	})
}

func TestClient_deleteOfAMissingConnectorSucceeds(t *testing.T) {
	t.Parallel()
	s, c := newFakeGraph(t, fakegraph.Options{})
	if err := c.DeleteAPIConnector(t.Context(), connectorID); err != nil {
		t.Errorf("deleting a connector that does not exist: %v", err)
	}
	if deletes := countRequests(s, http.MethodDelete); deletes != 1 {
		t.Errorf("sent %d deletes, want 1", deletes)
	}
}

func TestClient_deleteSucceedsWhenTheConfirmingReadFails(t *testing.T) {
	t.Parallel()
	// The DELETE is accepted; the read that should confirm it is refused. The connector is gone, so the
	// delete must not fail and keep it in the state.
	s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeODataError(w, http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges.", "denied")
	})
	if err := c.DeleteAPIConnector(t.Context(), connectorID); err != nil {
		t.Errorf("delete failed because its confirming read did: %v", err)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("sent %d requests, want the DELETE and one GET", n)
	}
}

// TestClient_updateNeverShownFailsAtTheDeadline: replicas keep answering with the connector as it was. The
// update reads it back until the operation's deadline, however long the client's consistency wait, and
// then fails naming what it sent and what Graph shows, with the connector as Graph last showed it.
func TestClient_updateNeverShownFailsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{}, func(cfg *Config) { cfg.ConsistencyWait = 300 * time.Millisecond })
		connector := s.PutConnector(fakegraph.Connector{DisplayName: "Stale", TargetURL: "https://stale.example",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "old", Password: "p"}})
		s.SetFaults(fakegraph.Faults{StaleReads: time.Hour})
		ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
		defer cancel()
		start := time.Now()

		got, err := c.UpdateAPIConnector(ctx, connector.ID, APIConnectorUpdate{
			AuthenticationConfiguration: &BasicAuthentication{Username: "new", Password: "p"}})

		var notShown *NotShownError
		if !errors.As(err, &notShown) || len(notShown.Pending) != 1 || notShown.Pending[0] !=
			(Pending{"authenticationConfiguration", "basic authentication as new", "basic authentication as old"}) {
			t.Fatalf("error %v, want Graph's not showing the username", err)
		}
		if !strings.Contains(err.Error(), "PATCH /v1.0/identity/apiConnectors/"+connector.ID) || strings.Contains(err.Error(), `"p"`) {
			t.Errorf("error %q: want the request named, and no password", err)
		}
		if basic, ok := got.AuthenticationConfiguration.(*BasicAuthentication); !ok || basic.Username != "old" {
			t.Errorf("got %#v, want what Graph last answered", got.AuthenticationConfiguration)
		}
		if waited := time.Since(start); waited < 85*time.Second {
			t.Errorf("gave up after %s, want the operation's 90s", waited)
		}
	})
}

// TestClient_updateReadsBackUntilGraphShowsIt: after a PATCH, replicas answer with the old values (and
// one with 404) for a while; the update returns only once Graph shows every property it wrote.
func TestClient_updateReadsBackUntilGraphShowsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		connector := s.PutConnector(fakegraph.Connector{DisplayName: "Old", TargetURL: "https://old.example/x",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
		s.SetFaults(fakegraph.Faults{StaleReads: 1500 * time.Millisecond, NotFoundFlaps: 1})
		name, target := "New", "https://new.example/x"

		got, err := c.UpdateAPIConnector(t.Context(), connector.ID, APIConnectorUpdate{DisplayName: &name, TargetURL: &target})

		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.DisplayName != name || got.TargetURL != target {
			t.Fatalf("got %+v, want the connector as updated", got)
		}
		if gets := countRequests(s, http.MethodGet); gets < 3 {
			t.Errorf("read %d times; the first reads answer 404 and then the old values", gets)
		}
	})
}

// TestClient_getConfirmedReadsAgainAfterA404: a 404 from a lagging replica is read again, and a connector
// Graph then serves is returned; a connector that is gone is reported after at least three 404s spread
// over the confirmation window.
func TestClient_getConfirmedReadsAgainAfterA404(t *testing.T) {
	for name, tc := range map[string]struct {
		flaps     int
		deleted   bool
		wantFound bool
		wantReads int
	}{
		"one lagging replica":      {flaps: 1, wantFound: true, wantReads: 2},
		"three lagging replicas":   {flaps: 3, wantFound: true, wantReads: 4},
		"a connector that is gone": {deleted: true, wantReads: 5},
		"no lag":                   {wantFound: true, wantReads: 1},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, c := newMemoryFakeGraph(t, fakegraph.Options{})
				connector := s.PutConnector(fakegraph.Connector{DisplayName: "Read", TargetURL: "https://read.example",
					Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
				if tc.deleted {
					s.DeleteConnector(connector.ID)
				}
				s.SetFaults(fakegraph.Faults{NotFoundFlaps: tc.flaps})
				start := time.Now()

				got, err := c.GetAPIConnectorConfirmed(t.Context(), connector.ID)

				if tc.wantFound && (err != nil || got.ID != connector.ID) {
					t.Fatalf("got %+v, %v; want the connector", got, err)
				}
				if !tc.wantFound && !IsNotFound(err) {
					t.Fatalf("got %+v, %v; want a 404", got, err)
				}
				if reads := countRequests(s, http.MethodGet); reads != tc.wantReads {
					t.Errorf("read %d times, want %d", reads, tc.wantReads)
				}
				if waited := time.Since(start); tc.deleted && waited < 3*time.Second {
					t.Errorf("believed the 404 after %s", waited)
				}
			})
		})
	}
}

func TestClient_getConfirmedCutShortIsNotA404(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c := newMemoryFakeGraph(t, fakegraph.Options{})
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		_, err := c.GetAPIConnectorConfirmed(ctx, "0a1b2c3d-0000-4000-8000-000000000000")

		if err == nil || IsNotFound(err) {
			t.Errorf("got %v; a confirmation the deadline cut short must not report the connector gone", err)
		}
	})
}

// countRequests counts the Graph requests with method in the emulator's log.
func countRequests(s *fakegraph.Server, method string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && strings.Contains(r.Path, "/apiConnectors") {
			n++
		}
	}
	return n
}

// countStatus counts the Graph requests with method that were answered with status.
func countStatus(s *fakegraph.Server, method string, status int) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && r.Status == status && strings.Contains(r.Path, "/apiConnectors") {
			n++
		}
	}
	return n
}
