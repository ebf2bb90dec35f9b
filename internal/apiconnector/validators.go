package apiconnector

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

// noControl refuses control characters, which Graph stores but no portal or log shows faithfully, and
// which RFC 7617 does not allow in basic authentication's credentials.
func noControl(s string) string {
	for i, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("contains the control character %U at byte %d; remove it.", r, i)
		}
	}
	return ""
}

// noColon refuses a colon in a basic authentication username: RFC 7617 sends "user-id:password" and the
// user-id cannot contain one, so the API would split every request's credentials at the wrong place.
func noColon(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return fmt.Sprintf("contains a colon (at byte %d), which HTTP basic authentication (RFC 7617) cannot carry in a username; "+
			"choose a username without one (the password may contain colons).", i)
	}
	return ""
}

var (
	// usernameText is a basic authentication username: a name without a colon.
	usernameText = []func(string) string{tf.CheckName, noColon}
	// credentialText is a basic authentication password: RFC 7617 allows any character but controls.
	credentialText = []func(string) string{noControl}
)

// targetURLExample is the form every target_url message suggests.
const targetURLExample = "https://api.contoso.com/validate"

// checkTargetURL returns why s cannot be an API connector's target URL, or "". Entra calls the API with
// an HTTPS request, so the URL must be one a client can call: an absolute https URL (RFC 3986) with a
// host name or IP address, a port from 1 to 65535 if any, no credentials (they would end up in the
// state), no fragment (never sent), and no spaces or control characters. net/url accepts several URLs
// that no client can call (port 0 or 99999, a host of "%20", "a..b"), so the host and port are checked
// here.
func checkTargetURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }):
		return "must not contain spaces or control characters; percent-encode them in the path or query."
	case err != nil:
		return fmt.Sprintf("is not a URL (%v); use a form such as %s.", err, targetURLExample)
	case u.Scheme != "https":
		return fmt.Sprintf("must be an absolute https URL such as %s; got scheme %q.", targetURLExample, u.Scheme)
	case u.User != nil:
		return "must not hold credentials (user:password@); put them in the basic_auth block."
	case strings.Contains(s, "#"):
		return "must not have a #fragment, which is never sent to the API."
	case u.Hostname() == "":
		return fmt.Sprintf("must name a host, as in %s.", targetURLExample)
	case strings.HasSuffix(u.Host, ":"):
		return "has a colon after the host but no port; remove it or give a port, as in https://api.contoso.com:8443/validate."
	}
	if n, err := strconv.Atoi(cmp.Or(u.Port(), "443")); err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("has the port %s; a port is a number from 1 to 65535 (https uses 443 when none is given).", u.Port())
	}
	return checkHost(u.Hostname())
}

// checkHost accepts an IP address or a DNS name (RFC 1123): dot-separated labels of letters, digits and
// hyphens, 1 to 63 characters each, not starting or ending with a hyphen, at most 253 in all, with an
// optional final dot. Letters may be non-ASCII (internationalized names).
func checkHost(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	name := strings.TrimSuffix(host, ".")
	if name == "" || len(name) > 253 {
		return fmt.Sprintf("has the host %q, which is not a host name; use a form such as %s.", host, targetURLExample)
	}
	for _, label := range strings.Split(name, ".") {
		invalid := strings.ContainsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
		if invalid || label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return fmt.Sprintf("has the host %q, which is not a host name: each dot-separated part must be 1 to 63 letters, digits "+
				"or hyphens, not starting or ending with a hyphen. Use a form such as %s.", host, targetURLExample)
		}
	}
	return ""
}

// credentialInQuery warns when target_url's query carries a parameter that looks like a credential, such
// as the `?code=` key of an Azure Function: unlike the auth blocks' write-only secrets, target_url is
// stored in the state and shown in every plan. The provider masks query values in its own logs and errors.
type credentialInQuery struct{}

func (credentialInQuery) Description(context.Context) string {
	return "warns when the query holds a parameter that looks like a credential"
}

func (v credentialInQuery) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (credentialInQuery) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil {
		return
	}
	var names []string
	for name := range u.Query() {
		if redact.CredentialParameter(name) {
			names = append(names, strconv.Quote(name))
		}
	}
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	resp.Diagnostics.AddAttributeWarning(req.Path, "Credential in the target_url query",
		fmt.Sprintf("%s: the query parameter %s looks like a credential. target_url is stored in the state and shown in plans "+
			"in clear text (the provider masks it only in its logs and errors). Have the API accept basic_auth or a client "+
			"certificate (pkcs12), whose secrets are write-only and never stored, and remove the key from the URL.",
			req.Path, strings.Join(names, ", ")))
}
