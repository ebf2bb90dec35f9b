package credentials

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

const (
	// azureCLITimeout bounds one `az account get-access-token`. The CLI is a Python program that may refresh its
	// own token first, which can take several seconds, but should never take this long.
	azureCLITimeout = 30 * time.Second
	// azureCLIExpiresOnLayout is the local-time format of "expiresOn", which older CLIs give without expires_on.
	azureCLIExpiresOnLayout = "2006-01-02 15:04:05.999999999"
	// maxStderrInError bounds how much of the CLI's complaint an error quotes.
	maxStderrInError = 600
)

// azureCLISource runs the Azure CLI for each token, so the CLI's own login, cache and refresh are used and this
// package never sees a refresh token.
type azureCLISource struct {
	ctx      context.Context
	command  string
	resource string
	tenantID string
}

func newAzureCLISource(s signIn) (oauth2.TokenSource, string, error) {
	command := s.cfg.AzCommand
	if command == "" {
		command = "az"
	}
	// Looking the CLI up now makes its absence a configure-time error rather than a failure at the first Graph call.
	path, err := exec.LookPath(command)
	if err != nil {
		return nil, "", azureCLIMissing(command)
	}
	src := &azureCLISource{ctx: s.ctx, command: path, resource: s.resource, tenantID: s.cfg.TenantID}
	return src, "az:" + path + ":" + s.cfg.TenantID, nil
}

// errAzureCLINotFound marks a CLI that is not installed, so that NewTokenSource can add the other ways to sign in.
var errAzureCLINotFound = errors.New("the Azure CLI was not found")

func azureCLIMissing(command string) error {
	return fmt.Errorf("%s: %w (looked for %q on PATH): install it (https://aka.ms/installazurecli) and run `az login`, or choose another sign-in method",
		AzureCLI, errAzureCLINotFound, command)
}

func (a *azureCLISource) Token() (*oauth2.Token, error) {
	args := []string{"account", "get-access-token", "--resource", a.resource}
	if a.tenantID != "" {
		args = append(args, "--tenant", a.tenantID)
	}
	args = append(args, "--output", "json")

	ctx, cancel := context.WithTimeout(a.ctx, azureCLITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.command, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A child the CLI leaves behind could hold the pipes open; WaitDelay stops Run from waiting on it for ever.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		return nil, a.failure(ctx, err, stderr.String())
	}
	return readAzureCLIToken(stdout.Bytes())
}

// azureCLIFailures recognise why the CLI failed from what it printed, in order; the first match explains it.
var azureCLIFailures = []struct {
	signs   []string
	explain func(tenantID string) string
}{
	{
		signs: []string{"az login", "AADSTS", "No subscription found", "refresh token"},
		explain: func(tenantID string) string {
			if tenantID == "" {
				tenantID = "<tenant-id>"
			}
			return fmt.Sprintf("the Azure CLI is not signed in to this tenant, or its sign-in expired: run `az login --tenant %s` "+
				"(add --allow-no-subscriptions if the tenant has no Azure subscription), or choose another sign-in method", tenantID)
		},
	},
}

// failure explains a failed run. Only stderr is quoted: stdout is where a token would be.
func (a *azureCLISource) failure(ctx context.Context, err error, stderr string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: `az account get-access-token` did not finish within %s", AzureCLI, azureCLITimeout)
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		// The CLI was found at configure time; not being able to start it now means it was removed or broken.
		return fmt.Errorf("%w (%w)", azureCLIMissing(a.command), err)
	}
	said := strings.Join(strings.Fields(stderr), " ")
	if len(said) > maxStderrInError {
		said = said[:maxStderrInError] + "…"
	}
	for _, failure := range azureCLIFailures {
		for _, sign := range failure.signs {
			if strings.Contains(stderr, sign) {
				return fmt.Errorf("%s: %s. The Azure CLI said: %s", AzureCLI, failure.explain(a.tenantID), said)
			}
		}
	}
	return fmt.Errorf("%s: `az account get-access-token` failed (%w): %s", AzureCLI, exitErr, said)
}

// azureCLIToken is the CLI's answer. Newer versions give expires_on in Unix seconds; older ones give only expiresOn,
// in local time.
type azureCLIToken struct {
	AccessToken   string          `json:"accessToken"`
	TokenType     string          `json:"tokenType"`
	ExpiresOn     string          `json:"expiresOn"`
	ExpiresOnUnix flexibleSeconds `json:"expires_on"`
}

func readAzureCLIToken(stdout []byte) (*oauth2.Token, error) {
	var answer azureCLIToken
	if err := json.Unmarshal(stdout, &answer); err != nil {
		// The JSON error names a position or a type, never the text around it, so it cannot quote a token.
		return nil, fmt.Errorf("%s: the output of `az account get-access-token` is not the expected JSON: %w", AzureCLI, err)
	}
	if answer.AccessToken == "" {
		return nil, fmt.Errorf("%s: the output of `az account get-access-token` has no accessToken", AzureCLI)
	}
	tok := &oauth2.Token{AccessToken: answer.AccessToken, TokenType: "Bearer"}
	if answer.TokenType != "" {
		tok.TokenType = answer.TokenType
	}
	if answer.ExpiresOnUnix > 0 {
		tok.Expiry = time.Unix(int64(answer.ExpiresOnUnix), 0)
		return tok, nil
	}
	expiry, err := time.ParseInLocation(azureCLIExpiresOnLayout, answer.ExpiresOn, time.Local)
	if err != nil {
		return nil, fmt.Errorf("%s: the expiresOn %q given by `az account get-access-token` is not a time", AzureCLI, answer.ExpiresOn)
	}
	tok.Expiry = expiry
	return tok, nil
}
