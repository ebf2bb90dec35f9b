package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
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
			"The provider signs in with the first method configured, in this order: client certificate, client secret, " +
			"OIDC (workload identity federation), managed identity, Azure CLI. The application needs the Graph application " +
			"permission `APIConnectors.ReadWrite.All`.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": str("tenant_id", "The Microsoft Entra tenant (directory) id to sign in to.", false),
			"client_id": str("client_id", "The application (client) id of the app registration or user-assigned managed identity.", false),
			"client_id_file_path": str("client_id_file_path",
				"A file holding the client id. When `client_id` is set too, both must agree.", false),
			"client_secret": str("client_secret", "A client secret of the app registration.", true),
			"client_secret_file_path": str("client_secret_file_path",
				"A file holding the client secret. When `client_secret` is set too, both must agree.", false),
			"client_certificate": str("client_certificate",
				"A client certificate of the app registration: the base64 encoding of a PKCS#12 (PFX) file, as `filebase64()` gives. "+
					"Conflicts with `client_certificate_path`.", true),
			"client_certificate_path": str("client_certificate_path",
				"Path to a client certificate: a PKCS#12 (PFX) file, or a PEM file holding the certificate and its unencrypted private key.", false),
			"client_certificate_password": str("client_certificate_password", "The password of the PKCS#12 file, if it has one.", true),
			"use_oidc": boolean("use_oidc",
				"Sign in with an OIDC token through workload identity federation (GitHub Actions, Azure DevOps, Kubernetes). Defaults to `false`."),
			"oidc_token": str("oidc_token", "An OIDC ID token to exchange for an access token.", true),
			"oidc_token_file_path": str("oidc_token_file_path",
				"A file holding the OIDC ID token, read again for every token request so that a rotated token is picked up.", false),
			"oidc_request_url": str("oidc_request_url",
				"The URL from which GitHub Actions hands out OIDC tokens, with `oidc_request_token`.", false),
			"oidc_request_token": str("oidc_request_token", "The bearer token for `oidc_request_url`.", true),
			"use_cli": boolean("use_cli",
				"Sign in with the Azure CLI's account (`az login`) when no other method is configured. Defaults to `true`."),
			"use_msi": boolean("use_msi",
				"Sign in with the managed identity of the machine. Set `client_id` to pick a user-assigned identity. Defaults to `false`."),
			"msi_endpoint": str("msi_endpoint",
				"The managed identity token endpoint. Defaults to the instance metadata service, `http://169.254.169.254/metadata/identity/oauth2/token`.", false),
			"environment": str("environment",
				fmt.Sprintf("The Microsoft cloud: one of %s. Defaults to `global`. It chooses the Graph and sign-in hosts; in `usgovernment` and `dod` "+
					"Graph serves API connectors only in `beta`, which is then the default `api_version`.", quotedNames(cloudNames())), false),
			"api_version": str("api_version", "The Graph version: `v1.0` (the default where the cloud serves it) or `beta`.", false),
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

func quotedNames(names []string) string {
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = "`" + name + "`"
	}
	return strings.Join(quoted, ", ")
}
