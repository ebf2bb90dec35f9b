package tf

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// guidPattern is the form of a Graph object id, in any case: Graph matches GUIDs without regard to case and
// answers with its own lowercase spelling.
var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// CheckConnectorID returns why id is not an API connector id, or "".
func CheckConnectorID(id string) string {
	if guidPattern.MatchString(id) {
		return ""
	}
	return fmt.Sprintf("%q is not an API connector id. Ids are Graph object ids (GUIDs) such as be1f769b-9b13-437e-b540-79a905c4932c; "+
		"find one with the entra_identity_api_connectors data source or `az rest --url https://graph.microsoft.com/v1.0/identity/apiConnectors`.", id)
}

// ConnectorIDValidator checks that a value has the form of an API connector id (a GUID), for every argument
// that names a connector. Unknown and null values pass.
func ConnectorIDValidator() validator.String {
	return StringCheck{Rule: "must be an API connector id (a GUID)", Checks: []func(string) string{CheckConnectorID}}
}

// StringCheck is a string validator made from functions that each return a problem with a value (to follow
// the attribute's name), or "". The first problem found is reported against the attribute. It checks a
// write-only value just the same: the configuration, where validators look, holds it.
type StringCheck struct {
	// Rule is what the checks accept, as the validator describes itself.
	Rule   string
	Checks []func(string) string
}

func (v StringCheck) Description(context.Context) string         { return v.Rule }
func (v StringCheck) MarkdownDescription(context.Context) string { return v.Rule }

func (v StringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, check := range v.Checks {
		if problem := check(req.ConfigValue.ValueString()); problem != "" {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), req.Path.String()+" "+problem)
			return
		}
	}
}
