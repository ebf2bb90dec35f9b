package provider

import (
	"fmt"
	"net"
	"net/url"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// endpointRule is an argument naming a URL that the provider sends a credential or a token to.
type endpointRule struct {
	attribute string
	example   string
	// baseOnly marks a base URL: a scheme and a host, with no path or query.
	baseOnly bool
	// linkLocal also allows plain http on a link-local address, where the instance metadata service answers.
	linkLocal bool
	// httpsOnly refuses plain http even on loopback: Microsoft's sign-in library only talks to an https
	// authority.
	httpsOnly bool
}

// endpointRules are every URL argument. They must be https, so that no credential or token crosses the network
// in the clear, except on a loopback host, where a local emulator or proxy serves plain http.
var endpointRules = []endpointRule{
	{attribute: "graph_endpoint", example: "https://graph.microsoft.com", baseOnly: true},
	{attribute: "authority_host", example: "https://login.microsoftonline.com", baseOnly: true, httpsOnly: true},
	{attribute: "msi_endpoint", example: credentials.IMDSTokenEndpoint, linkLocal: true},
	{attribute: "oidc_request_url", example: "https://pipelines.actions.githubusercontent.com/…/idtoken?api-version=2.0"},
}

// checkEndpoints returns a problem for each URL argument that is set and not acceptable.
func checkEndpoints(s settings) []settingError {
	var problems []settingError
	for _, rule := range endpointRules {
		if raw := s.stringValue(rule.attribute); raw != "" {
			if problem := rule.check(raw); problem != nil {
				problems = append(problems, *problem)
			}
		}
	}
	return problems
}

func (rule endpointRule) check(raw string) *settingError {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &settingError{rule.attribute, "Invalid " + rule.attribute,
			fmt.Sprintf("%s must be an absolute URL such as %s; it is %q.", rule.attribute, rule.example, redact.URL(raw))}
	}
	if rule.baseOnly && (u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "") {
		return &settingError{rule.attribute, "Invalid " + rule.attribute,
			fmt.Sprintf("%s must be a scheme and a host only, such as %s, without a path or query; it is %q.", rule.attribute, rule.example, redact.URL(raw))}
	}
	if u.Scheme == "https" || !rule.httpsOnly && plainHTTPAllowed(u.Hostname(), rule.linkLocal) {
		return nil
	}
	why := "since credentials and tokens go to it; plain http is only allowed for a loopback host (127.0.0.1, ::1 or localhost)"
	switch {
	case rule.httpsOnly:
		why = "even on a loopback host: the sign-in library reads the tenant's OpenID metadata from it and talks to no plain-http authority"
	case rule.linkLocal:
		why += " or a link-local address such as the instance metadata service's 169.254.169.254"
	}
	secure := *u
	secure.Scheme = "https"
	return &settingError{rule.attribute, "Insecure " + rule.attribute,
		fmt.Sprintf("%s must use https, %s. It is %q: use %q.", rule.attribute, why, redact.URL(raw), redact.URL(secure.String()))}
}

// plainHTTPAllowed reports whether host is loopback, or with linkLocal a link-local address.
func plainHTTPAllowed(host string, linkLocal bool) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && (ip.IsLoopback() || linkLocal && ip.IsLinkLocalUnicast())
}
