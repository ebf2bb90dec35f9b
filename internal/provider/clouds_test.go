package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
)

func TestResolveEndpoints(t *testing.T) {
	tests := []struct {
		name string
		s    settings
		want endpoints
	}{
		{"global by default", settings{Environment: "global"},
			endpoints{"https://graph.microsoft.com", "https://login.microsoftonline.com", "v1.0", "api://AzureADTokenExchange"}},
		{"global beta", settings{Environment: "global", APIVersion: "beta"},
			endpoints{"https://graph.microsoft.com", "https://login.microsoftonline.com", "beta", "api://AzureADTokenExchange"}},
		{"US Government picks beta", settings{Environment: "usgovernment"},
			endpoints{"https://graph.microsoft.us", "https://login.microsoftonline.us", "beta", "api://AzureADTokenExchangeUSGov"}},
		{"DoD picks beta", settings{Environment: "dod"},
			endpoints{"https://dod-graph.microsoft.us", "https://login.microsoftonline.us", "beta", "api://AzureADTokenExchangeUSGov"}},
		{"China serves v1.0", settings{Environment: "china"},
			endpoints{"https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn", "v1.0", "api://AzureADTokenExchangeChina"}},
		{"an alias and another case", settings{Environment: " AzureChinaCloud "},
			endpoints{"https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn", "v1.0", "api://AzureADTokenExchangeChina"}},
		{"overrides lose their trailing slash", settings{Environment: "global", GraphEndpoint: "http://127.0.0.1:9/", Config: credentials.Config{AuthorityHost: "http://127.0.0.1:9/"}},
			endpoints{"http://127.0.0.1:9", "http://127.0.0.1:9", "v1.0", "api://AzureADTokenExchange"}},
		{"overrides keep the cloud's version", settings{Environment: "usgovernment", GraphEndpoint: "http://127.0.0.1:9"},
			endpoints{"http://127.0.0.1:9", "https://login.microsoftonline.us", "beta", "api://AzureADTokenExchangeUSGov"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := resolveEndpoints(tt.s)
			if problem != nil {
				t.Fatal(problem)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveEndpoints_refusals(t *testing.T) {
	tests := []struct {
		name      string
		s         settings
		attribute string
		wants     []string
	}{
		{"v1.0 in US Government", settings{Environment: "usgovernment", APIVersion: "v1.0"}, "api_version",
			[]string{"does not serve API connectors in the usgovernment cloud", `api_version = "beta"`}},
		{"v1.0 in DoD", settings{Environment: "dod", APIVersion: "v1.0"}, "api_version", []string{"dod cloud", "beta"}},
		{"an unknown version", settings{Environment: "global", APIVersion: "v2.0"}, "api_version", []string{`"v2.0"`, "v1.0, beta"}},
		{"an unknown cloud", settings{Environment: "mars"}, "environment", []string{`"mars"`, "china, dod, global, usgovernment", "usgovernmentl5 for dod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problem := resolveEndpoints(tt.s)
			if problem == nil || problem.attribute != tt.attribute {
				t.Fatalf("problem = %+v, want one for %s", problem, tt.attribute)
			}
			for _, want := range tt.wants {
				if !strings.Contains(problem.detail, want) {
					t.Errorf("detail %q does not contain %q", problem.detail, want)
				}
			}
		})
	}
}

func TestClouds_tableIsConsistent(t *testing.T) {
	for name, c := range clouds {
		if len(c.apiVersions) == 0 {
			t.Errorf("%s serves no version", name)
		}
		for _, v := range c.apiVersions {
			if !slices.Contains(apiVersions, v) {
				t.Errorf("%s serves %s, which the provider does not speak", name, v)
			}
		}
		for _, endpoint := range []string{c.graphEndpoint, c.authorityHost} {
			if !strings.HasPrefix(endpoint, "https://") || strings.HasSuffix(endpoint, "/") {
				t.Errorf("%s: endpoint %q must be https without a trailing slash", name, endpoint)
			}
		}
	}
	for alias, name := range cloudAliases {
		if _, ok := clouds[name]; !ok || alias != strings.ToLower(alias) {
			t.Errorf("alias %s names %s, which is no cloud (or the alias is not lower case)", alias, name)
		}
	}
	if got := betaOnlyClouds(); !slices.Equal(got, []string{"dod", "usgovernment"}) {
		t.Errorf("beta-only clouds = %v", got)
	}
	description := providerSchema().Attributes["api_version"].GetMarkdownDescription()
	for _, want := range []string{"`dod`", "`usgovernment`", "`ENTRA_API_VERSION`"} {
		if !strings.Contains(description, want) {
			t.Errorf("api_version's description does not name %s: %s", want, description)
		}
	}
}

// TestCloudsDocumentation_rowPerCloud checks the generated clouds table against the clouds table: a row per
// cloud, the default first, with its hosts, default version and aliases; and the provider's description
// holds it after the heading the documentation's template splits at.
func TestCloudsDocumentation_rowPerCloud(t *testing.T) {
	var rows []string
	for _, line := range strings.Split(cloudsDocumentation(), "\n") {
		if strings.HasPrefix(line, "| `") && !strings.HasPrefix(line, "| `environment`") {
			rows = append(rows, line)
		}
	}
	if len(rows) != len(clouds) || !strings.HasPrefix(rows[0], "| `global` (default") {
		t.Fatalf("rows %q: want one per cloud, global first", rows)
	}
	for _, name := range cloudNames() {
		i := slices.IndexFunc(rows, func(row string) bool { return strings.HasPrefix(row, "| `"+name+"`") })
		if i < 0 {
			t.Errorf("no row for %s", name)
			continue
		}
		c := clouds[name]
		for _, want := range []string{c.graphEndpoint, c.authorityHost, "`" + c.apiVersions[0] + "` |"} {
			if !strings.Contains(rows[i], want) {
				t.Errorf("the %s row %q does not hold %s", name, rows[i], want)
			}
		}
		for alias, target := range cloudAliases {
			if target == name && !strings.Contains(rows[i], "`"+alias+"`") {
				t.Errorf("the %s row does not name its alias %s", name, alias)
			}
		}
	}
	sections := strings.Split(providerSchema().MarkdownDescription, cloudsHeading)
	if len(sections) != 2 || !strings.Contains(sections[1], rows[0]) {
		t.Errorf("the description does not split into the sign-in section and the clouds section at %q", cloudsHeading)
	}
}
