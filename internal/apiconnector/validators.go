package apiconnector

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// guidPattern is the form of a Graph object id.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkID returns why id is not an API connector id, or "".
func checkID(id string) string {
	if guidPattern.MatchString(id) {
		return ""
	}
	return fmt.Sprintf("%q is not an API connector id. Ids are Graph object ids (GUIDs) such as be1f769b-9b13-437e-b540-79a905c4932c; "+
		"find one with the entra_identity_api_connectors data source or `az rest --url https://graph.microsoft.com/v1.0/identity/apiConnectors`.", id)
}

// stringCheck is a string validator made from a function that returns a problem, or "".
type stringCheck struct {
	description string
	check       func(string) string
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := v.check(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), req.Path.String()+" "+problem)
	}
}

// printableText refuses control characters, which Graph stores but no portal or log shows faithfully.
func printableText() validator.String {
	return stringCheck{
		description: "must not contain control characters",
		check: func(s string) string {
			for i, r := range s {
				if unicode.IsControl(r) {
					return fmt.Sprintf("contains the control character %U at byte %d; remove it.", r, i)
				}
			}
			return ""
		},
	}
}

// httpsURL requires an absolute https URL with a host and without credentials: Graph only calls https
// APIs, and a password in the URL would end up in the state.
func httpsURL() validator.String {
	return stringCheck{
		description: "must be an absolute https URL",
		check: func(s string) string {
			u, err := url.Parse(s)
			switch {
			case err != nil:
				return fmt.Sprintf("is not a URL (%v); use a form such as https://api.contoso.com/validate.", err)
			case u.Scheme != "https":
				return fmt.Sprintf("must be an absolute https URL such as https://api.contoso.com/validate; got scheme %q.", u.Scheme)
			case u.Host == "" || u.Hostname() == "":
				return "must name a host, as in https://api.contoso.com/validate."
			case u.User != nil:
				return "must not hold credentials (user:password@); put them in the basic_auth block."
			case u.Fragment != "":
				return "must not have a #fragment, which is never sent to the API."
			}
			for _, r := range s {
				if unicode.IsControl(r) || unicode.IsSpace(r) {
					return "must not contain spaces or control characters; percent-encode them."
				}
			}
			return ""
		},
	}
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
