package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
)

// providerSchema describes the provider block. Each description names its environment variables; the
// registry documentation is generated from them.
func providerSchema() schema.Schema {
	str := func(attribute, description string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:            true,
			Sensitive:           sensitive,
			MarkdownDescription: withEnv(attribute, description),
		}
	}
	boolean := func(attribute, description string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: withEnv(attribute, description)}
	}
	return schema.Schema{
		MarkdownDescription: "Manages Microsoft Entra (Azure AD B2C and External ID) API connectors through Microsoft Graph. " +
			"Secrets given to resources are write-only: they are sent to Graph and never stored in plan or state.\n\n" +
			"Every argument can also be set by its environment variable, named as in the azuread and msgraph providers; " +
			"an argument in the provider block wins over its environment variable.\n\n" +
			"The provider signs in with the first method configured, in this order:\n\n" +
			"1. **Client certificate**: `client_certificate` or `client_certificate_path`, with `client_certificate_password`.\n" +
			"2. **Client secret**: `client_secret` or `client_secret_file_path`.\n" +
			"3. **OIDC** (workload identity federation from GitHub Actions, Azure DevOps or Kubernetes): `use_oidc = true` with " +
			"`oidc_token`, `oidc_token_file_path`, or `oidc_request_url` and `oidc_request_token`.\n" +
			"4. **Managed identity**: `use_msi = true`, and `client_id` for a user-assigned identity.\n" +
			"5. **Azure CLI**: `use_cli`, on by default, after `az login`.\n\n" +
			"The first three sign in as an app registration and need `tenant_id` and `client_id`. When no method is configured " +
			"and `use_cli` is `false`, the error lists every option. The application needs the Graph application " +
			"permission `APIConnectors.ReadWrite.All`.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": str("tenant_id",
				"The Microsoft Entra tenant (directory) id to sign in to. Needed by the certificate, secret and OIDC methods; for the Azure CLI it picks the tenant.", false),
			"client_id": str("client_id",
				"The application (client) id of the app registration, or of the user-assigned managed identity to use.", false),
			"client_id_file_path": str("client_id_file_path",
				"A file holding the client id. When `client_id` is set too, both must agree.", false),
			"client_secret": str("client_secret",
				"A client secret of the app registration. Prefer the environment variable to the provider block, which is copied into saved plans.", true),
			"client_secret_file_path": str("client_secret_file_path",
				"A file holding the client secret. When `client_secret` is set too, both must agree.", false),
			"client_certificate": str("client_certificate",
				"A client certificate of the app registration: the base64 encoding of a PKCS#12 (PFX) file with its private key, as `filebase64()` gives. "+
					"Conflicts with `client_certificate_path`. Takes precedence over every other sign-in method.", true),
			"client_certificate_path": str("client_certificate_path",
				"Path to a client certificate of the app registration: a PKCS#12 (PFX) file, or a PEM file holding the certificate and its unencrypted private key.", false),
			"client_certificate_password": str("client_certificate_password", "The password of the PKCS#12 file, if it has one.", true),
			"use_oidc": boolean("use_oidc",
				"Sign in with an OIDC token through workload identity federation (GitHub Actions, Azure DevOps, Kubernetes), "+
					"from `oidc_token`, `oidc_token_file_path`, or `oidc_request_url` with `oidc_request_token`. "+
					"Setting it without any of those is an error. Defaults to `false`."),
			"oidc_token": str("oidc_token", "An OIDC ID token to exchange for an access token.", true),
			"oidc_token_file_path": str("oidc_token_file_path",
				"A file holding the OIDC ID token, read again for every token request so that a rotated token (as Kubernetes projects it) is picked up.", false),
			"oidc_request_url": str("oidc_request_url",
				"The URL from which GitHub Actions hands out OIDC tokens, with `oidc_request_token`; GitHub sets it when the job has "+
					"`permissions: id-token: write`. The token is asked for with the audience `api://AzureADTokenExchange`. Must be https unless the host is loopback.", false),
			"oidc_request_token": str("oidc_request_token", "The bearer token for `oidc_request_url`.", true),
			"use_cli": boolean("use_cli",
				"Sign in with the Azure CLI's account (`az login`) when no other method is configured. Defaults to `true`."),
			"use_msi": boolean("use_msi",
				"Sign in with the managed identity of the Azure host, through the instance metadata service. Set `client_id` to pick a user-assigned identity. Defaults to `false`."),
			"msi_endpoint": str("msi_endpoint",
				"The managed identity token endpoint. Defaults to the instance metadata service, `"+credentials.DefaultMSIEndpoint+"`. "+
					"Must be https unless the host is loopback or link-local.", false),
			"environment": str("environment",
				fmt.Sprintf("The Microsoft cloud: one of %s (other Azure tools' names are accepted too: %s). Defaults to `global`. "+
					"It chooses the Graph and sign-in hosts and the default `api_version`.",
					quotedNames(cloudNames(), "or"), strings.Join(aliasNames(), ", ")), false),
			"api_version": str("api_version",
				fmt.Sprintf("The Graph version: %s. Defaults to `v1.0`, except in %s, where Graph serves API connectors only in `beta`: "+
					"there the default is `beta` and `v1.0` is an error.", quotedNames(apiVersions, "or"), quotedNames(betaOnlyClouds(), "and")), false),
			"graph_endpoint": str("graph_endpoint",
				"Overrides the cloud's Graph endpoint, such as `https://graph.microsoft.com`. Must be https unless the host is loopback.", false),
			"authority_host": str("authority_host",
				"Overrides the cloud's sign-in host, such as `https://login.microsoftonline.com`. Must be https unless the host is loopback.", false),
		},
	}
}

// withEnv appends the environment variables of an argument to its description.
func withEnv(attribute, description string) string {
	if env := envList(attribute); env != "" {
		return description + " Environment variable: " + env + "."
	}
	return description
}

// quotedNames lists names in backquotes, the last one joined by conjunction: "`a`, `b` or `c`".
func quotedNames(names []string, conjunction string) string {
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = "`" + name + "`"
	}
	if len(quoted) < 2 {
		return strings.Join(quoted, "")
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " " + conjunction + " " + quoted[len(quoted)-1]
}
