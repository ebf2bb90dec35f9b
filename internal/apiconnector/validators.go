package apiconnector

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
