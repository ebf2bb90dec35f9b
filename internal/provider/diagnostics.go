package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// report turns configuration problems into diagnostics a new user can act on: each is reported against the
// argument at fault, says how else that argument can be set and where its value came from, and never quotes a
// secret.
type report struct {
	settings settings
	secrets  []string
	diags    *diag.Diagnostics
}

// newReport collects the secrets to mask: every sensitive argument, and any secret read from a file.
func newReport(s settings, diags *diag.Diagnostics, fromFiles ...string) report {
	r := report{settings: s, diags: diags}
	for _, a := range arguments {
		if value, ok := a.value(&s).(*string); ok && a.sensitive {
			r.secrets = append(r.secrets, *value)
		}
	}
	r.secrets = append(r.secrets, fromFiles...)
	return r
}

// argument reports a problem with one argument.
func (r report) argument(problem settingError) {
	detail := problem.detail
	if hint := r.howToSet(problem.attribute); hint != "" {
		detail += "\n\n" + hint
	}
	r.diags.AddAttributeError(path.Root(problem.attribute), r.mask(problem.summary), r.mask(detail))
}

// signIn reports an error from choosing or preparing a sign-in method. When nothing is configured, or the Azure
// CLI (the last resort) is missing, the user may have meant another method: the error lists them all.
func (r report) signIn(err error) {
	switch {
	case errors.Is(err, credentials.ErrNoMethod):
		r.argument(settingError{"use_cli", "No sign-in method configured",
			"No sign-in method is configured, and use_cli is false, so the Azure CLI is not tried either. " +
				"Set one of these (the first one set wins):" + signInOptions(allMethodsBut()...)})
		return
	case errors.Is(err, credentials.ErrNoFederatedToken):
		err = &credentials.ArgumentError{Argument: "use_oidc", Summary: "No OIDC token configured",
			Err: fmt.Errorf("%w. Set one of these:%s", err, signInOptions(credentials.Federated()...))}
	case credentials.IsAzureCLINotFound(err):
		err = &credentials.ArgumentError{Argument: "use_cli", Summary: "Azure CLI not found",
			Err: fmt.Errorf("%w. Other ways to sign in:%s", err, signInOptions(allMethodsBut(credentials.AzureCLI)...))}
	}
	named := credentials.ArgumentErrors(err)
	if len(named) == 0 {
		r.diags.AddError("Cannot sign in to Microsoft Entra", r.mask(err.Error()))
		return
	}
	for _, e := range named {
		attribute := r.settings.attributeFor(e.Argument)
		summary := e.Summary
		if summary == "" {
			summary = "Invalid " + attribute
		}
		r.argument(settingError{attribute, summary, e.Error()})
	}
}

// howToSet names the argument's environment variables, and where the value in use came from when that was not
// the provider block, since a forgotten variable is the hardest mistake to see.
func (r report) howToSet(attribute string) string {
	a := argumentNamed(attribute)
	if a == nil {
		return ""
	}
	hint := fmt.Sprintf("Set %s in the provider block or with the environment variable %s.", attribute, strings.Join(a.env, " or "))
	if source := r.settings.sources[attribute]; strings.HasPrefix(source, "the environment") {
		hint += fmt.Sprintf(" The value in use comes from %s.", source)
	}
	return hint
}

// mask applies the provider's redaction rule to a message: the configured secrets, and the query values of
// every URL.
func (r report) mask(text string) string {
	return redact.Text(text, r.secrets...)
}

// alternatives are arguments that another argument stands in for: a diagnostic about the first goes to the
// second when only the second is set.
var alternatives = map[string]string{
	"client_certificate": "client_certificate_path",
	"client_secret":      "client_secret_file_path",
	"client_id":          "client_id_file_path",
}

// attributeFor is the argument the user actually set for what the credentials package calls argument.
func (s settings) attributeFor(argument string) string {
	alternative, ok := alternatives[argument]
	if ok && s.stringValue(argument) == "" && s.stringValue(alternative) != "" {
		return alternative
	}
	return argument
}

// stringValue is the value of a string argument, or "" for an unknown or non-string one.
func (s settings) stringValue(attribute string) string {
	if a := argumentNamed(attribute); a != nil {
		if value, ok := a.value(&s).(*string); ok {
			return *value
		}
	}
	return ""
}
