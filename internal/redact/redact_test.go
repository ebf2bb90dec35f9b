package redact_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://f.example/api/Validate?code=abc==", "https://f.example/api/Validate?code=***"},
		{"https://s.example/c/b?sv=2022&sig=a%2Bb&se=x", "https://s.example/c/b?sv=***&sig=***&se=***"},
		{"https://a.example/x?ABCDEF123", "https://a.example/x?***"},
		{"https://a.example/x?empty=&&flag", "https://a.example/x?empty=&&***"},
		{"https://a.example/cb#access_token=t0k&state=s", "https://a.example/cb#access_token=***&state=***"},
		{"https://user:pa:ss@a.example/x?k=v", "https://user:***@a.example/x?k=***"},
		{"https://user@a.example/x", "https://user@a.example/x"},
		{"https://a.example/path", "https://a.example/path"},
		{"/v1.0/identity/apiConnectors?$skiptoken=abc", "/v1.0/identity/apiConnectors?$skiptoken=***"},
		{"", ""},
	} {
		if got := redact.URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"a URL in a sentence", "The targetUrl 'https://f.example/api?code=K3y' is not valid.", nil, "The targetUrl 'https://f.example/api?code=***' is not valid."},
		{"URLs in quotes", `calling "https://a.example/?k=1" then <http://b.example/p?t=2>`, nil, `calling "https://a.example/?k=***" then <http://b.example/p?t=***>`},
		{"longer secrets first", "pass and password", []string{"pass", "password"}, "*** and ***"},
		{"empty secrets are ignored", "text", []string{""}, "text"},
		{"a secret inside a URL", "https://a.example/s3cr3t/x", []string{"s3cr3t"}, "https://a.example/***/x"},
		{"no URL", "Graph answered 404", nil, "Graph answered 404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := redact.Text(tc.in, tc.secrets...); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		secrets    []string
		want       string
	}{
		{
			name: "create request",
			body: `{"displayName":"x","targetUrl":"https://a.example/v?code=1&y=2","authenticationConfiguration":{"@odata.type":"#microsoft.graph.basicAuthentication","username":"b2c","password":"p@ss"}}`,
			want: `{"authenticationConfiguration":{"@odata.type":"#microsoft.graph.basicAuthentication","password":"***","username":"b2c"},"displayName":"x","targetUrl":"https://a.example/v?code=***&y=***"}`,
		},
		{
			name: "certificate upload without a password",
			body: `{"pkcs12Value":"MIIKPFX","password":""}`,
			want: `{"password":"***","pkcs12Value":"***"}`,
		},
		{
			name: "members in another case",
			body: `{"Password":"a","PKCS12VALUE":"b","Access_Token":"c","client_secret":"d"}`,
			want: `{"Access_Token":"***","PKCS12VALUE":"***","Password":"***","client_secret":"***"}`,
		},
		{name: "secret arrays", body: `{"password":["a","b"]}`, want: `{"password":["***","***"]}`},
		{
			name:    "an answer repeating the request's secrets",
			body:    `{"error":{"code":"invalidRequest","message":"password p<ss&w0rd is weak; value MIIKPFX is bad"}}`,
			secrets: []string{"p<ss&w0rd", "MIIKPFX"},
			want:    `{"error":{"code":"invalidRequest","message":"password *** is weak; value *** is bad"}}`,
		},
		{
			name: "a next link",
			body: `{"value":[],"@odata.nextLink":"https://graph.example/v1.0/identity/apiConnectors?$skiptoken=X1"}`,
			want: `{"@odata.nextLink":"https://graph.example/v1.0/identity/apiConnectors?$skiptoken=***","value":[]}`,
		},
		{
			name: "numbers as written",
			body: `{"certificateList":[{"notBefore":1700000000,"notAfter":17000000000000000001}]}`,
			want: `{"certificateList":[{"notAfter":17000000000000000001,"notBefore":1700000000}]}`,
		},
		{name: "not JSON", body: `password=p@ss`, want: "(a body that is not JSON, not logged)"},
		{name: "empty", body: ``, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := redact.JSON([]byte(tc.body), tc.secrets...); got != tc.want {
				t.Errorf("JSON\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSecrets_listsEachSecretOnce(t *testing.T) {
	body := `{"password":"short","authenticationConfiguration":{"pkcs12Value":"longer-value","password":"short"},"other":{"password":""},"username":"not-secret"}`
	got := redact.Secrets([]byte(body))
	if len(got) != 2 || !strings.Contains(strings.Join(got, ","), "longer-value") || !strings.Contains(strings.Join(got, ","), "short") {
		t.Errorf("Secrets = %q, want short and longer-value", got)
	}
	if got := redact.Secrets([]byte("not json")); !reflect.DeepEqual(got, []string(nil)) {
		t.Errorf("Secrets(not json) = %q, want nil", got)
	}
}

func TestCredentialParameter(t *testing.T) {
	for name, want := range map[string]bool{
		"code": true, "Code": true, "sig": true, "key": true, "api-key": true, "api_key": true, "apiKey": true,
		"APIKEY": true, "x-functions-key": true, "subscription-key": true, "Ocp-Apim-Subscription-Key": true,
		"token": true, "access_token": true, "accessToken": true, "sessionToken": true, "secret": true,
		"client_secret": true, "password": true, "pwd": true, "signature": true, "auth": true, "sas": true,
		"country_code": false, "zipcode": false, "monkey": false, "token_type": false, "code_challenge": false,
		"sv": false, "se": false, "page": false, "debug": false, "": false, "-": false, "keyId": false,
	} {
		if got := redact.CredentialParameter(name); got != want {
			t.Errorf("CredentialParameter(%q) = %v, want %v", name, got, want)
		}
	}
}

func BenchmarkJSON(b *testing.B) {
	body := []byte(`{"displayName":"Sign-up validation","targetUrl":"https://api.contoso.com/validate?code=1&b=2",` +
		`"authenticationConfiguration":{"@odata.type":"#microsoft.graph.pkcs12Certificate","pkcs12Value":"` +
		strings.Repeat("MIIKPFXbase64+/", 400) + `","password":"secret"}}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if masked := redact.JSON(body, "secret"); !strings.Contains(masked, redact.Mask) {
			b.Fatalf("JSON = %s", masked)
		}
	}
}
