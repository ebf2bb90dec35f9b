package provider

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// cloud is one Microsoft cloud: where Graph and sign-in live, and which Graph versions serve API
// connectors there.
type cloud struct {
	graphEndpoint string
	authorityHost string
	// apiVersions lists the versions that serve API connectors; the first is the default.
	apiVersions []string
	// oidcAudience is the audience Entra suggests there for the token of a federated credential.
	oidcAudience string
}

// clouds is every cloud the provider knows. Graph v1.0 serves API connectors in the global and China
// clouds; in the US Government clouds only beta does.
var clouds = map[string]cloud{
	"global": {
		graphEndpoint: "https://graph.microsoft.com",
		authorityHost: "https://login.microsoftonline.com",
		apiVersions:   []string{"v1.0", "beta"},
		oidcAudience:  "api://AzureADTokenExchange",
	},
	"usgovernment": {
		graphEndpoint: "https://graph.microsoft.us",
		authorityHost: "https://login.microsoftonline.us",
		apiVersions:   []string{"beta"},
		oidcAudience:  "api://AzureADTokenExchangeUSGov",
	},
	"dod": {
		graphEndpoint: "https://dod-graph.microsoft.us",
		authorityHost: "https://login.microsoftonline.us",
		apiVersions:   []string{"beta"},
		oidcAudience:  "api://AzureADTokenExchangeUSGov",
	},
	"china": {
		graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
		authorityHost: "https://login.chinacloudapi.cn",
		apiVersions:   []string{"v1.0", "beta"},
		oidcAudience:  "api://AzureADTokenExchangeChina",
	},
}

// cloudAliases accepts the names other Azure tools give the same clouds.
var cloudAliases = map[string]string{
	"public":          "global",
	"azurecloud":      "global",
	"usgovernmentl4":  "usgovernment",
	"usgovernmentl5":  "dod",
	"azurechinacloud": "china",
}

// apiVersions are the Graph versions the provider speaks.
var apiVersions = []string{"v1.0", "beta"}

// endpoints is where the provider sends its requests once the cloud and overrides are applied.
type endpoints struct {
	graph        string
	authority    string
	apiVersion   string
	oidcAudience string
}

// resolveEndpoints picks the cloud's hosts and version, applying graph_endpoint, authority_host and
// api_version when they are set. The endpoints themselves have been checked by checkEndpoints.
func resolveEndpoints(s settings) (endpoints, *settingError) {
	name := strings.ToLower(strings.TrimSpace(s.Environment))
	name = cmp.Or(cloudAliases[name], name)
	c, ok := clouds[name]
	if !ok {
		return endpoints{}, &settingError{"environment", "Unknown environment",
			fmt.Sprintf("environment is %q; it must be one of %s (or the alias %s).",
				s.Environment, strings.Join(cloudNames(), ", "), strings.Join(aliasNames(), ", "))}
	}
	version := cmp.Or(s.APIVersion, c.apiVersions[0])
	if !slices.Contains(apiVersions, version) {
		return endpoints{}, &settingError{"api_version", "Unknown api_version",
			fmt.Sprintf("api_version is %q; it must be one of %s.", version, strings.Join(apiVersions, ", "))}
	}
	if !slices.Contains(c.apiVersions, version) {
		return endpoints{}, &settingError{"api_version", "API version not served in this cloud",
			fmt.Sprintf("Microsoft Graph %s does not serve API connectors in the %s cloud; only %s does. Set api_version = %q, or leave api_version unset to get it.",
				version, name, strings.Join(c.apiVersions, " and "), c.apiVersions[0])}
	}
	return endpoints{
		graph:        strings.TrimSuffix(cmp.Or(s.GraphEndpoint, c.graphEndpoint), "/"),
		authority:    strings.TrimSuffix(cmp.Or(s.AuthorityHost, c.authorityHost), "/"),
		apiVersion:   version,
		oidcAudience: c.oidcAudience,
	}, nil
}

// cloudsHeading starts the Clouds section in the provider's description, where the documentation's
// template splits it from the sign-in section.
const cloudsHeading = "## Clouds"

// cloudsDocumentation is the Clouds section of the documentation: a row a cloud, the default first, with
// its aliases, hosts and default version, then what the overrides do.
func cloudsDocumentation() string {
	environment := argumentNamed("environment")
	fallback := environment.fallback
	var b strings.Builder
	fmt.Fprintf(&b, "`environment` (%s) picks the Graph and sign-in hosts:\n\n", quotedNames(environment.env, "or"))
	b.WriteString("| `environment` | Graph endpoint | sign-in host | default `api_version` |\n|---|---|---|---|\n")
	others := slices.DeleteFunc(cloudNames(), func(name string) bool { return name == fallback })
	for _, name := range append([]string{fallback}, others...) {
		var notes, aliases []string
		if name == fallback {
			notes = append(notes, "default")
		}
		for _, alias := range slices.Sorted(maps.Keys(cloudAliases)) {
			if cloudAliases[alias] == name {
				aliases = append(aliases, "`"+alias+"`")
			}
		}
		if len(aliases) > 0 {
			notes = append(notes, "also "+strings.Join(aliases, ", "))
		}
		label := "`" + name + "`"
		if len(notes) > 0 {
			label += " (" + strings.Join(notes, "; ") + ")"
		}
		c := clouds[name]
		fmt.Fprintf(&b, "| %s | `%s` | `%s` | `%s` |\n", label, c.graphEndpoint, c.authorityHost, c.apiVersions[0])
	}
	var overrides []string
	for _, name := range []string{"api_version", "graph_endpoint", "authority_host"} {
		overrides = append(overrides, fmt.Sprintf("`%s` (%s)", name, quotedNames(argumentNamed(name).env, "or")))
	}
	fmt.Fprintf(&b, "\nAliases are matched without regard to case. Graph serves API connectors only in `beta` in %s, so there `beta` "+
		"is the default and `v1.0` is an error. %s override the cloud's choices, for example for a proxy; endpoints must be "+
		"https (`graph_endpoint` may be plain http on a loopback host; `authority_host` never, since the sign-in library "+
		"talks to no plain-http authority).", quotedNames(betaOnlyClouds(), "and"), strings.Join(overrides[:len(overrides)-1], ", ")+" and "+overrides[len(overrides)-1])
	return b.String()
}

// betaOnlyClouds names the clouds whose only Graph version for API connectors is beta, for the documentation.
func betaOnlyClouds() []string {
	return slices.DeleteFunc(cloudNames(), func(name string) bool { return slices.Contains(clouds[name].apiVersions, "v1.0") })
}

// cloudAudiences lists each cloud's default federated-token audience, for the documentation.
func cloudAudiences() string {
	var parts []string
	for _, name := range cloudNames() {
		parts = append(parts, fmt.Sprintf("`%s` in %s", clouds[name].oidcAudience, name))
	}
	return strings.Join(parts, ", ")
}

// aliasNames lists the aliases as "public for global", in order.
func aliasNames() []string {
	var names []string
	for _, alias := range slices.Sorted(maps.Keys(cloudAliases)) {
		names = append(names, alias+" for "+cloudAliases[alias])
	}
	return names
}

func cloudNames() []string { return slices.Sorted(maps.Keys(clouds)) }
