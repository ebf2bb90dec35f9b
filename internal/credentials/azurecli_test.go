package credentials

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeAz writes a shell script named az into a new directory and returns that directory. The script records its
// arguments, one a line, in the file args next to it, then runs body.
func fakeAz(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + filepath.Join(dir, "args") + "'\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func recordedArgs(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(data)), " ")
}

func TestAzureCLI_runsGetAccessTokenFromPATH(t *testing.T) {
	expiresOn := time.Now().Add(time.Hour).Truncate(time.Second)
	dir := fakeAz(t, `cat <<'EOF'
{"accessToken": "cli-access-token", "expiresOn": "2000-01-01 00:00:00.000000", "expires_on": `+
		strconv.FormatInt(expiresOn.Unix(), 10)+`, "subscription": "s", "tenant": "`+testTenantID+`", "tokenType": "Bearer"}
EOF`)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	src, method, err := NewTokenSource(context.Background(), Config{UseCLI: true, TenantID: testTenantID, Resource: testResource})
	if err != nil {
		t.Fatal(err)
	}
	if method != AzureCLI {
		t.Errorf("method = %s, want %s", method, AzureCLI)
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "cli-access-token" || !tok.Expiry.Equal(expiresOn) {
		t.Errorf("token %q expires %s, want cli-access-token expiring %s (expires_on wins over expiresOn)", tok.AccessToken, tok.Expiry, expiresOn)
	}
	want := "account get-access-token --resource " + testResource + " --tenant " + testTenantID + " --output json"
	if got := recordedArgs(t, dir); got != want {
		t.Errorf("az was run with %q, want %q", got, want)
	}
}

func TestAzureCLI_readsLocalExpiresOnOfOlderCLIs(t *testing.T) {
	dir := fakeAz(t, `echo '{"accessToken": "cli-access-token", "expiresOn": "2031-11-25 21:00:00.123456", "tokenType": "Bearer"}'`)
	src, _, err := NewTokenSource(context.Background(), Config{UseCLI: true, Resource: testResource, AzCommand: filepath.Join(dir, "az")})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2031, 11, 25, 21, 0, 0, 123456000, time.Local)
	if !tok.Expiry.Equal(want) {
		t.Errorf("expiry = %s, want %s", tok.Expiry, want)
	}
	if got := recordedArgs(t, dir); strings.Contains(got, "--tenant") {
		t.Errorf("az was given a tenant though none is set: %q", got)
	}
}

func TestAzureCLI_missingSaysToInstallIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, _, err := NewTokenSource(context.Background(), Config{UseCLI: true, Resource: testResource})
	assertContains(t, err, "azure_cli", "Azure CLI", "not found", "install", "another sign-in method",
		"Other ways to sign in", "ARM_CLIENT_SECRET", "ARM_USE_MSI")
	assertBlames(t, err, "use_cli")

	_, _, err = NewTokenSource(context.Background(), Config{UseCLI: true, Resource: testResource, AzCommand: filepath.Join(t.TempDir(), "az")})
	assertContains(t, err, "not found", "install")
}

func TestAzureCLI_signedOutSaysToLogIn(t *testing.T) {
	complaints := map[string]string{
		"never logged in":  `ERROR: Please run 'az login' to setup account.`,
		"refresh expired":  `ERROR: AADSTS700082: The refresh token has expired due to inactivity. Trace ID: abc`,
		"wrong tenant":     `ERROR: AADSTS50020: User account from identity provider does not exist in tenant.`,
		"no subscriptions": `ERROR: No subscription found. Run 'az account set' to select a subscription.`,
	}
	for name, complaint := range complaints {
		t.Run(name, func(t *testing.T) {
			dir := fakeAz(t, "echo \""+complaint+"\" >&2\nexit 1")
			src, _, err := NewTokenSource(context.Background(), Config{UseCLI: true, TenantID: testTenantID, Resource: testResource, AzCommand: filepath.Join(dir, "az")})
			if err != nil {
				t.Fatal(err)
			}
			_, err = src.Token()
			assertContains(t, err, "az login --tenant "+testTenantID, "--allow-no-subscriptions", strings.TrimPrefix(complaint, "ERROR: ")[:20])
		})
	}
}

func TestAzureCLI_otherFailureQuotesStderrNotStdout(t *testing.T) {
	dir := fakeAz(t, `echo '{"accessToken": "leaked-cli-token"}'
echo "ERROR: The command failed with an unexpected error." >&2
exit 2`)
	src, _, err := NewTokenSource(context.Background(), Config{UseCLI: true, Resource: testResource, AzCommand: filepath.Join(dir, "az")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "exit status 2", "unexpected error")
	assertNoSecret(t, err, "leaked-cli-token")
}

func TestAzureCLI_unreadableOutputHidesIt(t *testing.T) {
	dir := fakeAz(t, `echo 'leaked-cli-token is not json'`)
	src, _, err := NewTokenSource(context.Background(), Config{UseCLI: true, Resource: testResource, AzCommand: filepath.Join(dir, "az")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "not the expected JSON")
	assertNoSecret(t, err, "leaked-cli-token")
}
