package credentials

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/managedidentity"
)

// The methods that take the identity of the host they run on: its managed identity, or the Azure CLI's account.

// IMDSTokenEndpoint is where the instance metadata service (IMDS) hands out managed-identity tokens. The
// library asks only this address; msi_endpoint moves its requests elsewhere.
const IMDSTokenEndpoint = "http://169.254.169.254/metadata/identity/oauth2/token" //nolint:gosec // An address, not a credential.

// newManagedIdentityCredential uses whatever managed identity the host offers: azidentity finds App Service,
// Functions and Container Apps (IDENTITY_ENDPOINT with IDENTITY_HEADER), Azure Arc, Cloud Shell and Service
// Fabric from their environment variables, and the instance metadata service otherwise. client_id picks a
// user-assigned identity.
func newManagedIdentityCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	source, err := managedidentity.GetSource()
	if err != nil {
		return nil, "", err
	}
	if c.MSIEndpoint != "" {
		if source != managedidentity.DefaultToIMDS {
			return nil, "", &ArgumentError{Argument: "msi_endpoint", Summary: "msi_endpoint does not apply on this host",
				Err: fmt.Errorf("msi_endpoint replaces the instance metadata service's address, but this host offers its managed identity through %s, which is used as it is: unset msi_endpoint", hostNames[source])}
		}
		endpoint, err := url.Parse(c.MSIEndpoint)
		if err != nil || endpoint.Host == "" {
			return nil, "", &ArgumentError{Argument: "msi_endpoint", Summary: "Invalid msi_endpoint",
				Err: fmt.Errorf("msi_endpoint %q is not an absolute URL", withoutQuery(c.MSIEndpoint))}
		}
		options.Transport = imdsAt{endpoint: endpoint, next: cmp.Or(c.HTTPClient, http.DefaultClient)}
	}
	miOptions := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: options}
	if c.ClientID != "" {
		miOptions.ID = azidentity.ClientID(c.ClientID)
	}
	credential, err := azidentity.NewManagedIdentityCredential(miOptions)
	return credential, fmt.Sprintf("%s:%s:%s", source, c.MSIEndpoint, c.ClientID), err
}

// hostNames say how the library recognised a managed-identity host.
var hostNames = map[managedidentity.Source]string{
	managedidentity.AppService:    "App Service, Functions or Container Apps (IDENTITY_ENDPOINT and IDENTITY_HEADER are set)",
	managedidentity.ServiceFabric: "Service Fabric (IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT are set)",
	managedidentity.AzureArc:      "Azure Arc (IDENTITY_ENDPOINT and IMDS_ENDPOINT are set, or the Arc agent is installed)",
	managedidentity.CloudShell:    "Cloud Shell (MSI_ENDPOINT is set)",
	managedidentity.AzureML:       "Azure Machine Learning (MSI_ENDPOINT and MSI_SECRET are set)",
}

// imdsAt sends the requests meant for the instance metadata service's token endpoint to another address, with
// their query; every other request goes where it was meant to.
type imdsAt struct {
	endpoint *url.URL
	next     policy.Transporter
}

func (t imdsAt) Do(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme+"://"+req.URL.Host+req.URL.Path != IMDSTokenEndpoint {
		return t.next.Do(req)
	}
	moved := req.Clone(req.Context())
	target := *t.endpoint
	query := target.Query()
	maps.Copy(query, req.URL.Query())
	target.RawQuery = query.Encode()
	moved.URL, moved.Host = &target, target.Host
	return t.next.Do(moved)
}

// newAzureCLICredential runs `az account get-access-token` for each token, so the CLI's own login, cache and
// refresh are used. The CLI is looked up now, so that its absence is a configure-time error.
func newAzureCLICredential(c Config, _ azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	path, err := exec.LookPath("az")
	if err != nil {
		return nil, "", &ArgumentError{Argument: "use_cli", Summary: "Azure CLI not found",
			Err: fmt.Errorf("%w: install it (https://aka.ms/installazurecli) and run `az login`, or choose another sign-in method", errAzureCLINotFound)}
	}
	withTenant, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: c.TenantID})
	if err != nil {
		return nil, "", &ArgumentError{Argument: "tenant_id", Summary: "Invalid tenant_id", Err: err}
	}
	cli := &azureCLI{tenantID: c.TenantID, withTenant: withTenant}
	if c.TenantID != "" {
		if cli.withoutTenant, err = azidentity.NewAzureCLICredential(nil); err != nil {
			return nil, "", err
		}
	}
	return cli, "az:" + path + ":" + c.TenantID, nil
}

// errAzureCLINotFound marks a CLI that is not installed, so that the caller can add the other ways to sign in.
var errAzureCLINotFound = errors.New("the Azure CLI (az) was not found on PATH")

// IsAzureCLINotFound reports whether err says the Azure CLI is not installed.
func IsAzureCLINotFound(err error) bool { return errors.Is(err, errAzureCLINotFound) }

// azureCLI asks the CLI for a token in tenant_id's tenant. A CLI signed in as a managed identity (on an Azure
// VM, or in Cloud Shell) only has its own tenant, and older CLI versions refuse any --tenant for it ("Tenant
// shouldn't be specified for managed identity account"): then the token is asked for without one, from then on.
type azureCLI struct {
	tenantID                  string
	withTenant, withoutTenant azcore.TokenCredential
	tenantRefused             atomic.Bool
}

func (a *azureCLI) GetToken(ctx context.Context, options policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if a.withoutTenant == nil || !a.tenantRefused.Load() {
		token, err := a.withTenant.GetToken(ctx, options)
		if err == nil || a.withoutTenant == nil || !strings.Contains(err.Error(), "shouldn't be specified") {
			return token, a.explain(err)
		}
		a.tenantRefused.Store(true)
	}
	token, err := a.withoutTenant.GetToken(ctx, options)
	return token, a.explain(err)
}

// azureCLIFailures recognise why the CLI failed from what it printed; the first match explains it, with {tenant}
// standing for tenant_id.
var azureCLIFailures = []struct {
	signs   []string
	explain string
}{
	{[]string{"az login", "AADSTS", "No subscription found", "refresh token", "expired"},
		"the Azure CLI is not signed in to this tenant, or its sign-in expired: run `az login --tenant {tenant}` " +
			"(add --allow-no-subscriptions if the tenant has no Azure subscription), or choose another sign-in method"},
	{[]string{"managed identity", "Cloud Shell"},
		"the Azure CLI is signed in as a managed identity, which only has its own tenant: unset tenant_id, or sign in with use_msi = true instead of the CLI"},
}

func (a *azureCLI) explain(err error) error {
	if err == nil {
		return nil
	}
	said := plainMessage(err.Error())
	for _, failure := range azureCLIFailures {
		if slices.ContainsFunc(failure.signs, func(sign string) bool { return strings.Contains(said, sign) }) {
			explanation := strings.ReplaceAll(failure.explain, "{tenant}", cmp.Or(a.tenantID, "<tenant-id>"))
			return fmt.Errorf("%s. The Azure CLI said: %s", explanation, said)
		}
	}
	return fmt.Errorf("`az account get-access-token` failed: %s", said)
}
