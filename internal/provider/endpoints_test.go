package provider

import (
	"strings"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
)

func TestCheckEndpoints(t *testing.T) {
	tests := []struct {
		name    string
		s       settings
		problem string // the attribute and a phrase of its detail; empty when the settings are fine
		want    string
	}{
		{name: "https endpoints", s: settings{GraphEndpoint: "https://graph.microsoft.com", Config: credentials.Config{AuthorityHost: "https://login.microsoftonline.com/"}}},
		{name: "plain http Graph on 127.0.0.1", s: settings{GraphEndpoint: "http://127.0.0.1:8080", Config: credentials.Config{AuthorityHost: "https://127.0.0.1:8443"}}},
		{name: "plain http on ::1", s: settings{GraphEndpoint: "http://[::1]:8080"}},
		{name: "plain http Graph on localhost", s: settings{GraphEndpoint: "http://localhost:8080"}},
		{name: "plain http sign-in even on loopback", s: settings{Config: credentials.Config{AuthorityHost: "http://localhost:8080"}},
			problem: "authority_host", want: "even on a loopback host"},
		{name: "plain http to another host", s: settings{GraphEndpoint: "http://graph.example.com"},
			problem: "graph_endpoint", want: `must use https`},
		{name: "plain http sign-in", s: settings{Config: credentials.Config{AuthorityHost: "http://login.example.com"}},
			problem: "authority_host", want: `use "https://login.example.com"`},
		{name: "link-local is not loopback for Graph", s: settings{GraphEndpoint: "http://169.254.169.254"},
			problem: "graph_endpoint", want: "must use https"},
		{name: "Graph endpoint with a path", s: settings{GraphEndpoint: "https://graph.microsoft.com/v1.0"},
			problem: "graph_endpoint", want: "without a path"},
		{name: "not a URL", s: settings{GraphEndpoint: "graph.microsoft.com"},
			problem: "graph_endpoint", want: "absolute URL"},
		{name: "another scheme", s: settings{Config: credentials.Config{AuthorityHost: "ftp://login.example.com"}},
			problem: "authority_host", want: "absolute URL"},
		{name: "metadata service on its link-local address", s: settings{Config: credentials.Config{MSIEndpoint: "http://169.254.169.254/metadata/identity/oauth2/token"}}},
		{name: "metadata service on loopback", s: settings{Config: credentials.Config{MSIEndpoint: "http://127.0.0.1:40342/metadata/identity/oauth2/token"}}},
		{name: "metadata service over plain http elsewhere", s: settings{Config: credentials.Config{MSIEndpoint: "http://imds.example.com/metadata/identity/oauth2/token"}},
			problem: "msi_endpoint", want: "link-local"},
		{name: "GitHub request URL over https", s: settings{Config: credentials.Config{OIDCRequestURL: "https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0"}}},
		{name: "GitHub request URL over plain http", s: settings{Config: credentials.Config{OIDCRequestURL: "http://pipelines.example.com/abc/idtoken?api-version=2.0&sig=request-secret"}},
			problem: "oidc_request_url", want: "must use https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := checkEndpoints(tt.s)
			if tt.problem == "" {
				if len(problems) > 0 {
					t.Fatalf("unexpected problems: %v", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].attribute != tt.problem || !strings.Contains(problems[0].detail, tt.want) {
				t.Fatalf("problems = %+v, want one for %s containing %q", problems, tt.problem, tt.want)
			}
			if strings.Contains(problems[0].detail, "request-secret") {
				t.Errorf("the detail quotes the URL's query: %s", problems[0].detail)
			}
		})
	}
}
