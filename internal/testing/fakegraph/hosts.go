package fakegraph

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The token services an Azure host and Azure Pipelines run beside a workload, on loopback as the real ones
// do: App Service's managed-identity endpoint and Azure DevOps' OIDC request endpoint. (The instance metadata
// service is serveManagedIdentity.)

const (
	// appServicePath is where the App Service managed-identity endpoint listens (IDENTITY_ENDPOINT).
	appServicePath = "/msi/token"
	// appServiceAPIVersion is the version of the protocol the endpoint speaks.
	appServiceAPIVersion = "2019-08-01"

	// azureDevOpsPath is the OIDC request endpoint of a pipeline job, as SYSTEM_OIDCREQUESTURI names it.
	azureDevOpsPath = "/entra/_apis/distributedtask/hubs/build/plans/{plan}/jobs/{job}/oidctoken"

	// ServiceConnectionID is the ID of the one Azure DevOps service connection the emulator knows.
	ServiceConnectionID = "00000000-0000-0000-0000-0000000000c0"
	// ServiceConnectionSubject is the subject of its federated tokens, as Azure DevOps names it.
	ServiceConnectionSubject = "sc://entra/provider/entra-test"
)

// AppServiceIdentityEndpoint is the App Service managed-identity endpoint (IDENTITY_ENDPOINT), and
// IdentityHeader the secret it requires in X-IDENTITY-HEADER (IDENTITY_HEADER).
func (s *Server) AppServiceIdentityEndpoint() string { return s.URL() + appServicePath }

// IdentityHeader is the value the App Service endpoint requires in X-IDENTITY-HEADER.
func (s *Server) IdentityHeader() string { return s.identityHeader }

// AzureDevOpsOIDCRequestURI is the OIDC request endpoint of a pipeline job (SYSTEM_OIDCREQUESTURI).
func (s *Server) AzureDevOpsOIDCRequestURI() string {
	return s.URL() + strings.NewReplacer("{plan}", "4b6a1d52-0000-0000-0000-000000000001", "{job}", "12f1170f-0000-0000-0000-000000000002").Replace(azureDevOpsPath)
}

// SystemAccessToken is the job's access token the OIDC request endpoint requires (SYSTEM_ACCESSTOKEN).
func (s *Server) SystemAccessToken() string { return s.systemAccessToken }

// serveAppServiceIdentity is App Service's (and Functions', Container Apps') managed-identity endpoint:
// GET with api-version 2019-08-01, the resource, optionally client_id, principal_id or mi_res_id of a
// user-assigned identity, and the host's secret in X-IDENTITY-HEADER. The token's expires_on is a string
// of Unix seconds. https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
func (s *Server) serveAppServiceIdentity(ex *exchange) {
	fail := func(status int, message string) {
		writeJSON(ex.out, status, plainJSON, jsonObject{{"statusCode", status}, {"message", message}, {"correlationId", ex.requestID}})
	}
	q := ex.r.URL.Query()
	switch {
	case ex.r.Method != http.MethodGet:
		fail(http.StatusMethodNotAllowed, "Only GET is supported.")
		return
	case subtle.ConstantTimeCompare([]byte(ex.r.Header.Get("X-IDENTITY-HEADER")), []byte(s.identityHeader)) != 1:
		fail(http.StatusUnauthorized, "The X-IDENTITY-HEADER header is missing or wrong.")
		return
	case q.Get("api-version") != appServiceAPIVersion:
		fail(http.StatusBadRequest, fmt.Sprintf("The api-version %q is not supported; use %s.", q.Get("api-version"), appServiceAPIVersion))
		return
	case strings.TrimSuffix(q.Get("resource"), "/") != ex.base:
		fail(http.StatusBadRequest, fmt.Sprintf("AADSTS500011: The resource principal named %s was not found in the tenant named %s.", q.Get("resource"), s.opts.TenantID))
		return
	}
	clientID := q.Get("client_id")
	switch {
	case q.Get("principal_id") != "" || q.Get("mi_res_id") != "":
		fail(http.StatusBadRequest, "No user-assigned identity with that principal_id or mi_res_id is assigned to this app.")
		return
	case clientID == "":
		clientID = s.opts.ClientID
	case clientID != s.opts.ClientID && clientID != UserAssignedClientID:
		fail(http.StatusBadRequest, "Unable to load the proper Managed Identity: no identity with client_id "+clientID+" is assigned to this app.")
		return
	}
	token, lifetime := s.issueAccessToken(clientID)
	writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
		{"access_token", token},
		{"expires_on", strconv.FormatInt(s.now().Add(lifetime).Unix(), 10)},
		{"resource", q.Get("resource")},
		{"token_type", "Bearer"},
		{"client_id", clientID},
	})
}

// serveAzureDevOpsOIDCToken is the OIDC request endpoint of an Azure Pipelines job: POST with the job's
// access token as bearer and the service connection in serviceConnectionId, answered with
// {"oidcToken": "<jwt>"}, a federated token for that connection with the audience api://AzureADTokenExchange.
// Without "X-TFS-FedAuthRedirect: Suppress" Azure DevOps answers a bad token with a redirect to its sign-in page.
func (s *Server) serveAzureDevOpsOIDCToken(ex *exchange) {
	fail := func(status int, message string) {
		writeJSON(ex.out, status, plainJSON, jsonObject{{"$id", "1"}, {"message", message}, {"typeKey", "InvalidRequestException"}})
	}
	scheme, bearer, _ := strings.Cut(ex.r.Header.Get("Authorization"), " ")
	switch {
	case ex.r.Method != http.MethodPost:
		fail(http.StatusMethodNotAllowed, "The requested resource does not support http method '"+ex.r.Method+"'.")
	case !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(bearer), []byte(s.systemAccessToken)) != 1:
		if ex.r.Header.Get("X-TFS-FedAuthRedirect") != "Suppress" {
			ex.out.Header().Set("Location", "https://spsprodweu5.vssps.visualstudio.com/_signin")
			ex.out.WriteHeader(http.StatusFound)
			return
		}
		fail(http.StatusUnauthorized, "TF400813: The user is not authorized to access this resource.")
	case ex.r.URL.Query().Get("api-version") == "":
		fail(http.StatusBadRequest, "No api-version was supplied for the POST request.")
	case ex.r.URL.Query().Get("serviceConnectionId") != ServiceConnectionID:
		fail(http.StatusNotFound, fmt.Sprintf("Service connection %q is not found, or this pipeline is not authorized to use it.",
			ex.r.URL.Query().Get("serviceConnectionId")))
	default:
		writeJSON(ex.out, http.StatusOK, plainJSON, jsonObject{
			{"oidcToken", s.issueFederatedToken(ex.base+"/oidc", ServiceConnectionSubject, FederatedTokenAudience, 10*time.Minute)},
		})
	}
}
