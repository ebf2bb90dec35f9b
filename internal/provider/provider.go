// Package provider is the entra provider: its schema, how it reads its configuration and the environment,
// how it chooses a way to sign in, and the resources and data sources it serves.
package provider

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/entra-iac/terraform-provider-entra/internal/apiconnector"
	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/userflow"
	"github.com/entra-iac/terraform-provider-entra/internal/userflowattribute"
)

var (
	_ provider.Provider              = (*entraProvider)(nil)
	_ provider.ProviderWithFunctions = (*entraProvider)(nil)
)

// New returns a function that builds the provider, as providerserver expects. version is set by the
// release build.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &entraProvider{version: version, lookupEnv: os.LookupEnv}
	}
}

type entraProvider struct {
	version   string
	lookupEnv func(string) (string, bool)
}

func (p *entraProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "entra"
	resp.Version = p.version
}

func (p *entraProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func (p *entraProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	b := block{}
	for _, a := range arguments {
		var v attr.Value
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(a.name), &v)...)
		b[a.name] = v
	}
	if resp.Diagnostics.HasError() {
		return
	}
	client, _, diags := p.configure(ctx, b, req.TerraformVersion)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = client
	resp.DataSourceData = client
}

// configure turns the provider block and the environment into a Graph client, and says which sign-in method
// it chose. It makes no network request: the first token is fetched by the first Graph call.
func (p *entraProvider) configure(ctx context.Context, b block, cliVersion string) (*graph.Client, credentials.Method, diag.Diagnostics) {
	var diags diag.Diagnostics
	s, problems := resolveSettings(b, p.lookupEnv)
	cfg, endpoints, more := buildCredentials(s)
	problems = append(problems, more...)
	report := newReport(s, &diags, cfg.ClientSecret)
	for _, problem := range problems {
		report.argument(problem)
	}
	if diags.HasError() {
		return nil, "", diags
	}

	tokens, method, err := credentials.NewTokenSource(cfg)
	if err != nil {
		report.signIn(err)
		return nil, "", diags
	}
	client, err := graph.New(graph.Config{
		Endpoint:   endpoints.graph,
		APIVersion: endpoints.apiVersion,
		Tokens:     attribute(tokens, method, s.sources),
		UserAgent:  userAgent(p.version, cliVersion),
	})
	if err != nil {
		diags.AddError("Cannot configure the Graph client", report.mask(err.Error()))
		return nil, "", diags
	}
	tflog.Info(ctx, "Configured the entra provider", map[string]any{
		"auth_method": string(method), "graph_endpoint": endpoints.graph, "api_version": endpoints.apiVersion,
	})
	return client, method, diags
}

func (p *entraProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		apiconnector.NewResource,
		userflow.NewResource,
		userflow.NewFlowResource,
		userflowattribute.NewResource,
	}
}

func (p *entraProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		apiconnector.NewDataSource,
		apiconnector.NewListDataSource,
		userflow.NewDataSource,
		userflow.NewListDataSource,
		userflowattribute.NewListDataSource,
	}
}

func (p *entraProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		apiconnector.NewPKCS12CertificateFunction,
	}
}

// userAgent names the provider and the CLI running it, as Microsoft asks of Graph clients.
func userAgent(providerVersion, cliVersion string) string {
	return fmt.Sprintf("terraform-provider-entra/%s (+https://registry.terraform.io/providers/entra-iac/entra) Terraform/%s",
		providerVersion, cmp.Or(cliVersion, "unknown"))
}

// buildCredentials turns settings into what the credentials package needs, reading the files that
// arguments point to. It reports every problem it finds, not only the first.
func buildCredentials(s settings) (credentials.Config, endpoints, []settingError) {
	problems := checkEndpoints(s)
	note := func(problem *settingError) {
		if problem != nil {
			problems = append(problems, *problem)
		}
	}
	e, problem := resolveEndpoints(s)
	note(problem)
	// The argument table filled the sign-in's configuration; what remains is reading files and applying the cloud.
	cfg := s.Config
	cfg.ClientID, problem = readFileSetting(cfg.ClientID, s.ClientIDFilePath, "client_id", "client_id_file_path")
	note(problem)
	cfg.ClientSecret, problem = readFileSetting(cfg.ClientSecret, s.ClientSecretFilePath, "client_secret", "client_secret_file_path")
	note(problem)
	cfg.ClientCertificate, problem = readCertificate(s)
	note(problem)
	cfg.OIDCAudience = cmp.Or(cfg.OIDCAudience, e.oidcAudience)
	cfg.AuthorityHost, cfg.Resource = e.authority, e.graph
	return cfg, e, problems
}

// readCertificate returns the PKCS#12 or PEM bytes from client_certificate (base64) or
// client_certificate_path; setting both is a contradiction.
func readCertificate(s settings) ([]byte, *settingError) {
	switch {
	case s.ClientCertificateBase64 != "" && s.ClientCertificatePath != "":
		return nil, &settingError{"client_certificate_path", "Contradictory provider arguments",
			"client_certificate and client_certificate_path are both set. Set only one: client_certificate to the base64 of a PKCS#12 file, or client_certificate_path to the file."}
	case s.ClientCertificateBase64 != "":
		// Line breaks are dropped, since `base64` without -w0 wraps its output.
		decoded, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s.ClientCertificateBase64), ""))
		if err != nil {
			return nil, &settingError{"client_certificate", "Invalid client_certificate",
				"client_certificate is not base64. It must be the base64 encoding of a PKCS#12 (PFX) file, as filebase64(\"cert.pfx\") or `base64 -w0 cert.pfx` gives; " +
					"to use a file as it is, set client_certificate_path instead."}
		}
		return decoded, nil
	case s.ClientCertificatePath != "":
		content, err := os.ReadFile(s.ClientCertificatePath)
		if err != nil {
			return nil, &settingError{"client_certificate_path", "Cannot read client_certificate_path",
				fmt.Sprintf("%v. Check the path and the file's permissions.", err)}
		}
		return content, nil
	}
	return nil, nil
}
