package provider

import (
	"slices"
	"strings"
	"testing"
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
		{"overrides lose their trailing slash", settings{Environment: "global", GraphEndpoint: "http://127.0.0.1:9/", AuthorityHost: "http://127.0.0.1:9/"},
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
