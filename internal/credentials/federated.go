package credentials

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Workload identity federation: Entra exchanges a token from another issuer (Kubernetes, GitHub Actions, Azure
// DevOps) for an access token, through a federated credential on the app registration. azidentity's
// ClientAssertionCredential asks for the federated token again whenever it needs a new access token, so a
// rotated token file or a fresh GitHub token is always what gets sent.

// newAssertionCredential makes a ClientAssertionCredential that gets its federated token from assertion.
func newAssertionCredential(c Config, options azcore.ClientOptions, assertion func(context.Context) (string, error)) (azcore.TokenCredential, error) {
	return azidentity.NewClientAssertionCredential(c.TenantID, c.ClientID, assertion,
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: options, DisableInstanceDiscovery: disableInstanceDiscovery(options)})
}

func newInlineTokenCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	credential, err := newAssertionCredential(c, options, func(context.Context) (string, error) { return c.OIDCToken, nil })
	return credential, "inline:" + digest(c.OIDCToken), err
}

func newTokenFileCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	read := func(context.Context) (string, error) {
		data, err := os.ReadFile(c.OIDCTokenFilePath)
		if err != nil {
			return "", fmt.Errorf("reading the federated token file: %w", err)
		}
		token := strings.TrimSpace(string(data))
		if token == "" {
			return "", fmt.Errorf("the federated token file %s is empty", c.OIDCTokenFilePath)
		}
		return token, nil
	}
	// Reading the file once now turns a wrong path into a configure-time error.
	if _, err := read(context.Background()); err != nil {
		return nil, "", err
	}
	credential, err := newAssertionCredential(c, options, read)
	return credential, "file:" + c.OIDCTokenFilePath, err
}

// newAzureDevOpsCredential signs in through an Azure DevOps service connection. azidentity's
// AzurePipelinesCredential reads the request URL from SYSTEM_OIDCREQUESTURI itself, so a different
// oidc_request_url cannot be honoured and is refused rather than ignored.
func newAzureDevOpsCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	fromPipeline := os.Getenv("SYSTEM_OIDCREQUESTURI")
	switch {
	case c.OIDCRequestToken == "":
		return nil, "", &ArgumentError{Argument: "oidc_request_token", Summary: "Missing oidc_request_token",
			Err: errors.New("the Azure DevOps sign-in needs the pipeline's access token: map it into the step's environment as SYSTEM_ACCESSTOKEN: $(System.AccessToken)")}
	case fromPipeline == "":
		return nil, "", &ArgumentError{Argument: "oidc_request_url", Summary: "Not in Azure Pipelines",
			Err: errors.New("the Azure DevOps sign-in asks Azure Pipelines for a token at SYSTEM_OIDCREQUESTURI, which is not set: run in an Azure Pipelines job, or unset ado_pipeline_service_connection_id")}
	case c.OIDCRequestURL != "" && c.OIDCRequestURL != fromPipeline:
		return nil, "", &ArgumentError{Argument: "oidc_request_url", Summary: "oidc_request_url differs from SYSTEM_OIDCREQUESTURI",
			Err: errors.New("the Azure DevOps sign-in always asks the URL Azure Pipelines sets in SYSTEM_OIDCREQUESTURI: unset oidc_request_url")}
	}
	credential, err := azidentity.NewAzurePipelinesCredential(c.TenantID, c.ClientID, c.ADOServiceConnectionID, c.OIDCRequestToken,
		&azidentity.AzurePipelinesCredentialOptions{ClientOptions: options, DisableInstanceDiscovery: disableInstanceDiscovery(options)})
	return credential, "ado:" + c.ADOServiceConnectionID + ":" + digest(c.OIDCRequestToken), err
}

// newGitHubActionsCredential asks GitHub Actions for an ID token for every access token.
func newGitHubActionsCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	const pair = "in GitHub Actions, ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN come together when the job has `permissions: id-token: write`"
	switch {
	case c.OIDCRequestURL != "" && c.OIDCRequestURL == os.Getenv("SYSTEM_OIDCREQUESTURI"):
		return nil, "", &ArgumentError{Argument: "ado_pipeline_service_connection_id", Summary: "Missing ado_pipeline_service_connection_id",
			Err: errors.New("this is an Azure Pipelines job (SYSTEM_OIDCREQUESTURI is set): name the service connection to sign in with in ado_pipeline_service_connection_id")}
	case c.OIDCRequestToken == "":
		return nil, "", &ArgumentError{Argument: "oidc_request_token", Summary: "Missing oidc_request_token",
			Err: errors.New("oidc_request_url is set but oidc_request_token is not: set both (" + pair + ")")}
	case c.OIDCRequestURL == "":
		return nil, "", &ArgumentError{Argument: "oidc_request_url", Summary: "Missing oidc_request_url",
			Err: errors.New("oidc_request_token is set but oidc_request_url is not: set both (" + pair + ")")}
	}
	requestURL, err := url.Parse(c.OIDCRequestURL)
	if err != nil || requestURL.Host == "" {
		return nil, "", &ArgumentError{Argument: "oidc_request_url", Summary: "Invalid oidc_request_url",
			Err: fmt.Errorf("oidc_request_url %q is not an absolute URL", withoutQuery(c.OIDCRequestURL))}
	}
	// GitHub's URL carries a query of its own, so the audience is added to it rather than replacing it.
	query := requestURL.Query()
	query.Set("audience", c.OIDCAudience)
	requestURL.RawQuery = query.Encode()
	request := func(ctx context.Context) (string, error) {
		return requestGitHubToken(ctx, cmp.Or(c.HTTPClient, http.DefaultClient), requestURL.String(), c.OIDCRequestToken)
	}
	credential, err := newAssertionCredential(c, options, request)
	return credential, "github:" + c.OIDCRequestURL + ":" + c.OIDCAudience + ":" + digest(c.OIDCRequestToken), err
}

// maxResponseBody bounds what is read of an answer; real ones are a few kilobytes.
const maxResponseBody = 1 << 20

// requestGitHubToken asks GitHub Actions' token service for an ID token (GET with the request token as a
// bearer token; the answer is {"value": "<jwt>"}).
func requestGitHubToken(ctx context.Context, client *http.Client, requestURL, bearer string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, requestURL, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", fmt.Errorf("asking GitHub Actions at %s for an ID token: %w", withoutQuery(requestURL), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return "", fmt.Errorf("reading GitHub Actions' ID token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GitHub Actions refused the ID token request to %s with HTTP %d (%s); does the job have `permissions: id-token: write`?",
			withoutQuery(requestURL), resp.StatusCode, quote(body, bearer))
	}
	var answer struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &answer); err != nil || answer.Value == "" {
		return "", errors.New(`GitHub Actions answered without an ID token in "value"`)
	}
	return answer.Value, nil
}
