package acctest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// AccessToken is a token the emulator issued, as the Azure CLI would hand it out.
type AccessToken struct {
	Token   string
	Expires time.Time
}

// MintAccessToken asks the emulator for an access token as a workload with a federated credential would,
// so that it works whether or not the emulator accepts a client secret. It counts as one token request
// in server.TokenRequests.
func MintAccessToken(t testing.TB, server *fakegraph.Server) AccessToken {
	t.Helper()
	opts := server.Options()
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_id":             {opts.ClientID},
		"scope":                 {server.URL() + "/.default"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {server.IssueFederatedToken(fakegraph.GitHubSubject, opts.FederatedAudience, 0)},
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		server.URL()+"/"+opts.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := server.Client().Do(req)
	if err != nil {
		t.Fatalf("minting an access token: %v", err)
	}
	defer resp.Body.Close()
	var answer struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != http.StatusOK || answer.AccessToken == "" {
		t.Fatalf("minting an access token: HTTP %d, %v", resp.StatusCode, err)
	}
	return AccessToken{Token: answer.AccessToken, Expires: time.Now().Add(time.Duration(answer.ExpiresIn) * time.Second)}
}

// FakeAzureCLI is an `az` shell script first on PATH for the rest of a test. It records the arguments of
// its last run.
type FakeAzureCLI struct {
	dir string
}

// InstallFakeAzureCLI puts on PATH an `az` that prints token as `az account get-access-token --output json`
// does. It uses t.Setenv, so the test must not be parallel.
func InstallFakeAzureCLI(t testing.TB, token AccessToken) FakeAzureCLI {
	t.Helper()
	answer, err := json.Marshal(map[string]any{
		"accessToken": token.Token,
		"expiresOn":   token.Expires.Local().Format("2006-01-02 15:04:05.000000"),
		"expires_on":  token.Expires.Unix(),
		"tokenType":   "Bearer",
	})
	if err != nil {
		t.Fatal(err)
	}
	return installAz(t, "cat <<'EOF'\n"+string(answer)+"\nEOF\n")
}

// InstallManagedIdentityAzureCLI puts on PATH an `az` signed in as a managed identity (`az login --identity`)
// by a CLI version that refuses any --tenant for such an account, and otherwise prints token.
func InstallManagedIdentityAzureCLI(t testing.TB, token AccessToken) FakeAzureCLI {
	t.Helper()
	fake := InstallFakeAzureCLI(t, token)
	script, err := os.ReadFile(filepath.Join(fake.dir, "az"))
	if err != nil {
		t.Fatal(err)
	}
	refuse := "case \"$*\" in *--tenant*) echo \"ERROR: Tenant shouldn't be specified for managed identity account\" >&2; exit 1;; esac\n"
	withRefusal := strings.Replace(string(script), "cat <<'EOF'", refuse+"cat <<'EOF'", 1)
	//nolint:gosec // The fake CLI must be executable to stand in for az.
	if err := os.WriteFile(filepath.Join(fake.dir, "az"), []byte(withRefusal), 0o755); err != nil {
		t.Fatal(err)
	}
	return fake
}

// InstallSignedOutAzureCLI puts on PATH an `az` that fails as the CLI does before `az login`.
func InstallSignedOutAzureCLI(t testing.TB) FakeAzureCLI {
	t.Helper()
	return installAz(t, "echo \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n")
}

func installAz(t testing.TB, body string) FakeAzureCLI {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + strconv.Quote(filepath.Join(dir, "args")) + "\n" + body
	//nolint:gosec // The fake CLI must be executable to stand in for az; it holds only a token the test minted.
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return FakeAzureCLI{dir: dir}
}

// Args returns the arguments of the script's last run, joined by spaces, or an error when it never ran.
func (az FakeAzureCLI) Args() (string, error) {
	data, err := os.ReadFile(filepath.Join(az.dir, "args"))
	if err != nil {
		return "", fmt.Errorf("the fake az never ran: %w", err)
	}
	return strings.Join(strings.Fields(string(data)), " "), nil
}
