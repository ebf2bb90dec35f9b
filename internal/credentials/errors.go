package credentials

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// ArgumentError is a sign-in setting that is missing or wrong, found before any request is made. Argument names
// the provider argument at fault (such as client_certificate or tenant_id) so that the caller can point the user
// at it; Summary, when set, says in a few words what is wrong with it.
type ArgumentError struct {
	Argument string
	Summary  string
	Err      error
}

func (e *ArgumentError) Error() string { return e.Err.Error() }
func (e *ArgumentError) Unwrap() error { return e.Err }

// blame attributes err to argument, unless err (or an error it wraps) already names an argument of its own.
func blame(argument, summary string, err error) error {
	var named *ArgumentError
	if err == nil || errors.As(err, &named) {
		return err
	}
	return &ArgumentError{Argument: argument, Summary: summary, Err: err}
}

// ArgumentErrors returns every ArgumentError in err, which may join several (a tenant ID and a client ID can both
// be missing). It returns nil when err names no argument.
func ArgumentErrors(err error) []*ArgumentError {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var all []*ArgumentError
		for _, part := range joined.Unwrap() {
			all = append(all, ArgumentErrors(part)...)
		}
		return all
	}
	var named *ArgumentError
	if errors.As(err, &named) {
		return []*ArgumentError{named}
	}
	return nil
}

// SignInError is a token request that failed. It carries what a user needs to act on it or to quote it in a
// support case: the endpoint that answered, the OAuth error code, Entra's AADSTS description, the trace and
// correlation IDs, and the next step. It never holds a request, so it never holds a secret.
type SignInError struct {
	Method        Method
	Endpoint      string // the URL asked, without its query; empty when no answer came
	StatusCode    int
	Code          string // the OAuth "error", such as invalid_client
	Description   string // such as "AADSTS7000215: Invalid client secret provided."
	TraceID       string
	CorrelationID string
	NextStep      string
	cause         error
}

func (e *SignInError) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Method) + ": ")
	switch {
	case e.Endpoint != "" && e.StatusCode != 0:
		fmt.Fprintf(&b, "the request to %s failed with HTTP %d", e.Endpoint, e.StatusCode)
		if e.Code != "" {
			fmt.Fprintf(&b, " (%s)", e.Code)
		}
		if e.Description != "" {
			b.WriteString(": " + e.Description)
		}
	default:
		b.WriteString(e.Description)
	}
	var ids []string
	if e.TraceID != "" {
		ids = append(ids, "trace ID "+e.TraceID)
	}
	if e.CorrelationID != "" {
		ids = append(ids, "correlation ID "+e.CorrelationID)
	}
	if len(ids) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(ids, ", "))
	}
	if e.NextStep != "" {
		b.WriteString(". Next step: " + e.NextStep)
	}
	return b.String()
}

// Unwrap returns the context's error when the operation's deadline ended the sign-in, so that callers can tell.
func (e *SignInError) Unwrap() error { return e.cause }

// signInError turns what a credential returned into a SignInError, with the configured secrets masked.
func (s *TokenSource) signInError(ctx context.Context, err error) error {
	e := &SignInError{Method: s.method}
	var failed *azidentity.AuthenticationFailedError
	switch {
	case ctx.Err() != nil:
		e.cause = context.Cause(ctx)
		e.Description = fmt.Sprintf("signing in did not finish before the operation's deadline (%v)", e.cause)
		e.NextStep = "check that " + s.authority + " answers from this machine, or give the operation more time in its timeouts block"
	case errors.As(err, &failed) && failed.RawResponse != nil:
		readAnswer(e, failed.RawResponse, s.secrets)
	default:
		e.Description = maskSecrets(plainMessage(err.Error()), s.secrets...)
	}
	if e.NextStep == "" {
		e.NextStep = nextStep(e, s)
	}
	return e
}

// readAnswer fills e from an error response: OAuth JSON from Entra (and the managed-identity endpoints), or the
// start of whatever else answered.
func readAnswer(e *SignInError, resp *http.Response, secrets []string) {
	e.StatusCode = resp.StatusCode
	if resp.Request != nil {
		e.Endpoint = withoutQuery(resp.Request.URL.String())
	}
	body, _ := runtime.Payload(resp)
	var parsed struct {
		Error         string `json:"error"`
		Description   string `json:"error_description"`
		Message       string `json:"message"`
		TraceID       string `json:"trace_id"`
		CorrelationID string `json:"correlation_id"`
	}
	e.TraceID = resp.Header.Get("x-ms-request-id")
	if json.Unmarshal(body, &parsed) != nil || parsed.Error == "" && parsed.Message == "" {
		e.Description = quote(body, secrets...)
		return
	}
	e.Code, e.TraceID, e.CorrelationID = parsed.Error, cmp.Or(parsed.TraceID, e.TraceID), parsed.CorrelationID
	// Entra ends error_description with lines giving the trace ID, correlation ID and time, which the fields hold.
	description, _, _ := strings.Cut(maskSecrets(parsed.Description+parsed.Message, secrets...), "Trace ID:")
	e.Description = strings.Join(strings.Fields(description), " ")
}

// nextSteps turn a failure into what to do about it. The first row that matches wins; Entra's AADSTS codes
// are documented at https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
var nextSteps = []struct {
	method Method // empty for any method
	status int    // zero for any status
	sign   string // text the description holds; empty for any
	step   string // what to do; {audience} stands for the audience asked of the federated token's issuer
}{
	{sign: "AADSTS700212", step: "the federated token's audience is not the one the app registration's federated credential expects: " +
		"set oidc_audience to the audience of that credential (this configuration asked for {audience})"},
	{sign: "AADSTS70021", step: "no federated credential on the app registration matches the token's issuer and subject: add one for this workload (Certificates & secrets → Federated credentials)"},
	{sign: "AADSTS7000215", step: "the client secret is wrong: use the secret's Value, shown once when it was created, not its Secret ID"},
	{sign: "AADSTS7000222", step: "the client secret has expired: create a new one on the app registration and use it here"},
	{sign: "AADSTS700016", step: "no application with this client_id exists in the tenant: check client_id and tenant_id, and that environment names the tenant's cloud"},
	{sign: "AADSTS90002", step: "the tenant was not found: check tenant_id, and that environment names the tenant's cloud"},
	{sign: "AADSTS700027", step: "the certificate is not registered on the app registration: upload its public part under Certificates & secrets"},
	{sign: "AADSTS700024", step: "the assertion is outside its valid time range: check this machine's clock, and that the federated token has not expired"},
	{sign: "AADSTS500011", step: "the tenant does not know the Graph endpoint asked for: check graph_endpoint and environment"},
	{method: ManagedIdentity, status: http.StatusUnauthorized,
		step: "the managed identity endpoint refused the X-IDENTITY-HEADER: IDENTITY_HEADER must hold the value the host set (App Service, Functions and Container Apps set it with IDENTITY_ENDPOINT)"},
	{method: ManagedIdentity, status: http.StatusBadRequest,
		step: "the host has no managed identity of that kind: assign one to it, or set client_id to the client ID of a user-assigned identity it has"},
	{method: AzureDevOps, status: http.StatusUnauthorized,
		step: "Azure Pipelines refused the access token: map it into the step's environment as SYSTEM_ACCESSTOKEN: $(System.AccessToken)"},
	{method: AzureDevOps,
		step: "check ado_pipeline_service_connection_id: the service connection must exist, use workload identity federation, and allow this pipeline"},
	{sign: "x509:",
		step: "this machine does not trust the certificate of the sign-in host: add its CA to the system's trusted roots, or name a file holding it in SSL_CERT_FILE"},
}

func nextStep(e *SignInError, s *TokenSource) string {
	for _, row := range nextSteps {
		if (row.method == "" || row.method == e.Method) && (row.status == 0 || row.status == e.StatusCode) &&
			strings.Contains(e.Description, row.sign) {
			return strings.ReplaceAll(row.step, "{audience}", s.audience)
		}
	}
	return ""
}

// maxBodyInError bounds how much of an answer that is not OAuth JSON an error quotes: such a body is usually an
// HTML page from a proxy, and only its start says anything.
const maxBodyInError = 300

// quote is the start of an unexpected answer, with the secrets masked before it is cut, since a cut made first
// could leave part of one that no longer matches.
func quote(body []byte, secrets ...string) string {
	text := strings.Join(strings.Fields(maskSecrets(string(body), secrets...)), " ")
	if len(text) > maxBodyInError {
		text = strings.ToValidUTF8(text[:maxBodyInError], "") + "…"
	}
	if text == "" {
		return "(empty response)"
	}
	return `unexpected response "` + text + `"`
}

// withoutQuery drops the query from a URL for a message, since a query may carry a token.
func withoutQuery(u string) string {
	before, _, _ := strings.Cut(u, "?")
	return before
}

// plainMessage drops what azidentity wraps its messages in: the credential type they start with
// ("ClientSecretCredential: "), which the method says in the provider's words, and the troubleshooting link they
// end with, which the next step replaces.
func plainMessage(message string) string {
	message, _, _ = strings.Cut(message, "To troubleshoot, visit")
	if name, rest, ok := strings.Cut(message, ": "); ok && strings.HasSuffix(name, "Credential") && !strings.Contains(name, " ") {
		message = rest
	}
	return strings.TrimSpace(message)
}

// withoutSecrets returns err unchanged when its message holds none of the secrets, and otherwise a new error with
// them masked. The new error keeps an *ArgumentError's argument but does not wrap err: unwrapping it would hand
// the secret back.
func withoutSecrets(err error, secrets ...string) error {
	message := maskSecrets(err.Error(), secrets...)
	if message == err.Error() {
		return err
	}
	var named *ArgumentError
	if errors.As(err, &named) {
		return &ArgumentError{Argument: named.Argument, Summary: named.Summary, Err: errors.New(message)}
	}
	return errors.New(message)
}

// maskSecrets applies the provider's redaction rule (internal/redact) to text: every secret, as it is and
// form-encoded as a request body echoes it, and every URL's query values.
func maskSecrets(text string, secrets ...string) string {
	var spellings []string
	for _, secret := range secrets {
		spellings = append(spellings, secret, url.QueryEscape(secret))
	}
	return redact.Text(text, spellings...)
}
