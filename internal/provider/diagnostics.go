package provider

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
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

// argument reports a problem with one argument, adding its environment variables, and where the value in use
// came from when that was not the provider block, since a forgotten variable is the hardest mistake to see.
func (r report) argument(problem settingError) {
	detail := problem.detail
	if a := argumentNamed(problem.attribute); a != nil {
		detail += fmt.Sprintf("\n\nSet %s in the provider block or with the environment variable %s.", a.name, strings.Join(a.env, " or "))
		if source := r.settings.sources[a.name]; strings.HasPrefix(source, "the environment") {
			detail += fmt.Sprintf(" The value in use comes from %s.", source)
		}
	}
	r.diags.AddAttributeError(path.Root(problem.attribute), r.mask(problem.summary), r.mask(detail))
}

// signIn reports an error from choosing or preparing a sign-in method against the argument it names.
func (r report) signIn(err error) {
	if errors.Is(err, credentials.ErrNoMethod) {
		err = &credentials.ArgumentError{Argument: "use_cli", Summary: "No sign-in method configured", Err: err}
	}
	named := credentials.ArgumentErrors(err)
	if len(named) == 0 {
		r.diags.AddError("Cannot sign in to Microsoft Entra", r.mask(err.Error()))
		return
	}
	for _, e := range named {
		attribute := r.settings.attributeFor(e.Argument)
		r.argument(settingError{attribute, cmp.Or(e.Summary, "Invalid "+attribute), e.Error() + otherMethods(e)})
	}
}

// otherMethods lists the methods the user may have meant, when nothing is configured, use_oidc finds no token or
// the Azure CLI (the last resort) is missing.
func otherMethods(err error) string {
	switch {
	case errors.Is(err, credentials.ErrNoMethod):
		return ". Set one of these (the first one set wins):" + signInOptions(func(credentials.Method) bool { return true })
	case errors.Is(err, credentials.ErrNoFederatedToken):
		return ". Set one of these:" + signInOptions(func(m credentials.Method) bool { return slices.Contains(credentials.Federated(), m) })
	case credentials.IsAzureCLINotFound(err):
		return ". Other ways to sign in:" + signInOptions(func(m credentials.Method) bool { return m != credentials.AzureCLI })
	}
	return ""
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
