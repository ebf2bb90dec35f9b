package apiconnector

import (
	"strings"
	"testing"
)

func TestCheckTargetURL(t *testing.T) {
	for url, want := range map[string]string{
		"https://api.contoso.com/validate":               "",
		"https://api.contoso.com:8443/validate?x=1":      "",
		"https://api.contoso.com:1/":                     "",
		"https://api.contoso.com:65535/":                 "",
		"https://api.contoso.com./validate":              "",
		"https://10.0.0.1/validate":                      "",
		"https://[2001:db8::1]:443/validate":             "",
		"https://bücher.example/validate":                "",
		"https://xn--bcher-kva.example/validate":         "",
		"https://contoso-fn.azurewebsites.net/api/V":     "",
		"http://api.contoso.com/validate":                `got scheme "http"`,
		"/validate":                                      `got scheme ""`,
		"api.contoso.com/validate":                       `got scheme ""`,
		"https:///validate":                              "must name a host",
		"https://:443/validate":                          "must name a host",
		"https://api.contoso.com:0/validate":             "has the port 0",
		"https://api.contoso.com:65536/validate":         "has the port 65536",
		"https://api.contoso.com:99999999999999999999/x": "has the port 99999999999999999999",
		"https://api.contoso.com:/validate":              "a colon after the host but no port",
		"https://api contoso.com/validate":               "must not contain spaces",
		"https://api%20contoso.com/validate":             "is not a URL",
		"https://api..contoso.com/validate":              `host "api..contoso.com"`,
		"https://-api.contoso.com/validate":              `host "-api.contoso.com"`,
		"https://api_v2.contoso.com/validate":            `host "api_v2.contoso.com"`,
		"https://.":                                      `host "."`,
		"https://" + strings.Repeat("a", 64) + ".com/x":  "is not a host name",
		"https://user:pass@api.contoso.com/x":            "must not hold credentials",
		"https://api.contoso.com/x#frag":                 "must not have a #fragment",
		"https://api.contoso.com/a b":                    "must not contain spaces",
		"https://api.contoso.com/a\tb":                   "must not contain spaces or control characters",
		"https://api.contoso.com/%zz":                    "is not a URL",
	} {
		got := checkTargetURL(url)
		switch {
		case want == "" && got != "":
			t.Errorf("checkTargetURL(%q) = %q, want no problem", url, got)
		case want != "" && !strings.Contains(got, want):
			t.Errorf("checkTargetURL(%q) = %q, want one saying %q", url, got, want)
		}
	}
}

// problemOf is the first problem a list of checks finds in value, or "".
func problemOf(checks []func(string) string, value string) string {
	for _, check := range checks {
		if problem := check(value); problem != "" {
			return problem
		}
	}
	return ""
}

func TestCredentialChecks(t *testing.T) {
	for _, tc := range []struct {
		what   string
		checks []func(string) string
		value  string
		want   string
	}{
		{"username", usernameText, "b2c-user@contoso.com", ""},
		{"username with a colon", usernameText, "b2c:user", "colon (at byte 3)"},
		{"username in Persian with ZWNJ", usernameText, "ثبت\u200cنام", ""},
		{"username with a zero-width space", usernameText, "b2c\u200buser", "U+200B ZERO WIDTH SPACE"},
		{"username with a trailing space", usernameText, "b2c ", "white space at its start or end"},
		{"password with colons and spaces", credentialText, " pa:ss word ", ""},
		{"password with a control character", credentialText, "pa\x07ss", "control character U+0007"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			got := problemOf(tc.checks, tc.value)
			switch {
			case tc.want == "" && got != "":
				t.Errorf("%q: got %q, want no problem", tc.value, got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("%q: got %q, want one saying %q", tc.value, got, tc.want)
			}
		})
	}
}
