package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/oauth2"

	"github.com/entra-iac/terraform-provider-entra/internal/credentials"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

// The provider's description and the error given when nothing is configured both list the sign-in methods in
// their precedence (credentials.Methods) with the arguments of each (the arguments table), so neither can drift
// from the code that chooses.

// methodArguments are the arguments a method reads; for an app-registration method, besides those every such
// method reads.
func methodArguments(m credentials.Method) []argument {
	var out []argument
	for _, a := range arguments {
		if slices.Contains(a.methods, m) && !(slices.Contains(applicationMethods, m) && readByEveryApplicationMethod(a)) {
			out = append(out, a)
		}
	}
	return out
}

func readByEveryApplicationMethod(a argument) bool {
	for _, m := range applicationMethods {
		if !slices.Contains(a.methods, m) {
			return false
		}
	}
	return true
}

// signInDocumentation is the provider's description: the sign-in table and how arguments are looked up.
func signInDocumentation() string {
	var b strings.Builder
	b.WriteString("The provider signs in with the **first** method configured, in this order:\n\n" +
		"| # | method | arguments | environment variables |\n|---|---|---|---|\n")
	for i, m := range credentials.Methods() {
		var names, env []string
		for _, a := range methodArguments(m.Name) {
			names = append(names, "`"+a.name+"`")
			env = append(env, quotedNames(a.env, "or"))
		}
		label := m.Label
		if m.Application {
			label += " †"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", i+1, label, strings.Join(names, ", "), strings.Join(env, "; "))
	}
	var common []string
	for _, a := range arguments {
		if readByEveryApplicationMethod(a) {
			common = append(common, fmt.Sprintf("`%s` (%s)", a.name, quotedNames(a.env, "or")))
		}
	}
	fmt.Fprintf(&b, "\n† signs in as an app registration, and also reads %s; `tenant_id` and `client_id` are required.\n\n", strings.Join(common, ", "))
	b.WriteString("Each argument is taken from the provider block when it is set there, and otherwise from the first of its " +
		"environment variables that is set; the names are those of the azuread and azurerm providers. A method counts as " +
		"configured as soon as its arguments are present, so a client secret in the environment wins even though `use_cli` " +
		"defaults to `true`. When nothing is configured and `use_cli` is `false`, the error lists every option. The identity " +
		"needs the Graph application permission `" + tf.APIConnectors.Permission + "`, and `" + tf.UserFlows.Permission +
		"` for user flows.")
	return b.String()
}

// signInOptions lists the methods include accepts, one a line, with their arguments and environment variables,
// for the error of a configuration that chose none of them.
func signInOptions(include func(credentials.Method) bool) string {
	var b strings.Builder
	for _, m := range credentials.Methods() {
		if !include(m.Name) {
			continue
		}
		var parts []string
		for _, a := range methodArguments(m.Name) {
			parts = append(parts, fmt.Sprintf("%s (%s)", a.name, strings.Join(a.env, " or ")))
		}
		fmt.Fprintf(&b, "\n  - %s: %s", m.Label, strings.Join(parts, ", "))
		if m.Application {
			var ids []string
			for _, name := range []string{"tenant_id", "client_id"} {
				ids = append(ids, fmt.Sprintf("%s (%s)", name, strings.Join(argumentNamed(name).env, " or ")))
			}
			b.WriteString("; with " + strings.Join(ids, " and "))
		}
	}
	return b.String()
}

// attributedTokens is the chosen method's token source, whose failures also say where the method's arguments
// came from, as the errors of a wrong configuration do: a wrong secret in an environment variable someone
// forgot is found by its name.
type attributedTokens struct {
	*credentials.TokenSource
	origins string
}

// attribute wraps tokens with the origins of the arguments method reads, such as "client_secret from the
// environment variable ARM_CLIENT_SECRET". Arguments left at their default are not named.
func attribute(tokens *credentials.TokenSource, method credentials.Method, sources map[string]string) oauth2.TokenSource {
	var origins []string
	for _, a := range arguments {
		if source, ok := sources[a.name]; ok && source != "the default" && slices.Contains(a.methods, method) {
			origins = append(origins, a.name+" from "+source)
		}
	}
	if len(origins) == 0 {
		return tokens
	}
	return attributedTokens{TokenSource: tokens, origins: strings.Join(origins, ", ")}
}

func (t attributedTokens) Token() (*oauth2.Token, error) { return t.TokenContext(context.Background()) }

func (t attributedTokens) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	token, err := t.TokenSource.TokenContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w (the values in use: %s)", err, t.origins)
	}
	return token, nil
}
