package apiconnector

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
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

// realNames are names people give connectors, written as they are typed: in many scripts, with the
// joiners some scripts and every emoji sequence need. Each is NFC, as OpenTofu and Terraform hand every
// configuration string to the provider NFC-normalized (cty does it), so each reaches Graph as written here.
var realNames = []struct{ what, name string }{
	{"emoji family (ZWJ sequence)", "Family sign-up \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"},
	{"flag (regional indicators)", "Inscription France 🇫🇷"},
	{"subdivision flag (tag sequence)", "Sign-up England 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
	{"skin tones, one in a ZWJ sequence", "Welcome 👋🏽 👩🏿\u200d💻"},
	{"Persian with ZWNJ", "اعتبارسنجی ثبت\u200cنام"},
	{"Arabic with harakat", "التَّحَقُّقُ مِنَ التَّسْجِيلِ"},
	{"Hindi with conjuncts", "उपयोगकर्ता पंजीकरण सत्यापन"},
	{"Hindi half form with ZWJ", "लक्\u200dष्मी पंजीकरण"},
	{"Sinhala with ZWJ", "ශ්\u200dරී ලංකා ලියාපදිංචිය"},
	{"Bengali", "সদস্য নিবন্ধন যাচাইকরণ"},
	{"Thai", "ตรวจสอบการลงทะเบียน"},
	{"Hebrew with niqqud", "הַרְשָׁמָה לַמַּעֲרֶכֶת"},
	{"Hebrew and Latin with a right-to-left mark", "הרשמה Contoso\u200f"},
	{"Chinese", "注册验证"},
	{"Japanese", "会員登録の確認"},
	{"Korean", "회원가입 검증"},
	{"Mongolian with a vowel separator", "ᠬᠠᠷ\u180eᠠ"},
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

func TestNameRule_acceptsRealNames(t *testing.T) {
	for _, tc := range realNames {
		t.Run(tc.what, func(t *testing.T) {
			if !norm.NFC.IsNormalString(tc.name) {
				t.Fatalf("%q is not NFC: the CLI would send %q", tc.name, norm.NFC.String(tc.name))
			}
			if problem := problemOf(visibleName, tc.name); problem != "" {
				t.Errorf("display_name %q refused: %s", tc.name, problem)
			}
			// A username is a name too, under the same rule.
			if problem := problemOf(usernameText, tc.name); problem != "" {
				t.Errorf("username %q refused: %s", tc.name, problem)
			}
		})
	}
}

func TestNameRule_refusesHiddenOrReorderingText(t *testing.T) {
	for _, tc := range []struct {
		what, value, want string
	}{
		{"bell", "Sign-up\u0007", "the control character U+0007 at byte 7 (code point 7)"},
		{"trailing tab", "Sign-up\t", "the control character U+0009"},
		{"next line (C1 control)", "Sign\u0085up", "the control character U+0085"},
		{"line separator", "Sign\u2028up", "U+2028 LINE SEPARATOR at byte 4"},
		{"paragraph separator", "Sign\u2029up", "U+2029 PARAGRAPH SEPARATOR at byte 4"},
		{"zero-width space", "Sign\u200bup", "the invisible character U+200B ZERO WIDTH SPACE at byte 4 (code point 4)"},
		{"zero-width space after Persian", "ثبت\u200bنام", "U+200B ZERO WIDTH SPACE at byte 6 (code point 3)"},
		{"word joiner", "Sign\u2060up", "U+2060 WORD JOINER"},
		{"byte order mark", "\ufeffSign-up", "U+FEFF ZERO WIDTH NO-BREAK SPACE at byte 0"},
		{"invisible times", "a\u2062b", "U+2062 INVISIBLE TIMES"},
		{"invisible separator", "a\u2063b", "U+2063 INVISIBLE SEPARATOR"},
		{"soft hyphen", "Sign\u00adup", "U+00AD SOFT HYPHEN"},
		{"left-to-right embedding", "a\u202ab", "U+202A LEFT-TO-RIGHT EMBEDDING"},
		{"pop directional formatting", "a\u202cb", "U+202C POP DIRECTIONAL FORMATTING"},
		{"right-to-left override (Trojan Source)", "Sign-up \u202etset\u202c", "U+202E RIGHT-TO-LEFT OVERRIDE at byte 8 (code point 8), which reorders"},
		{"right-to-left isolate", "a\u2067b\u2069", "U+2067 RIGHT-TO-LEFT ISOLATE"},
		{"first strong isolate", "a\u2068b", "U+2068 FIRST STRONG ISOLATE"},
		{"pop directional isolate", "ab\u2069", "U+2069 POP DIRECTIONAL ISOLATE"},
		{"deprecated format control", "a\u206ab", "U+206A INHIBIT SYMMETRIC SWAPPING"},
		{"interlinear annotation", "a\ufff9b\ufffac\ufffb", "U+FFF9 INTERLINEAR ANNOTATION ANCHOR"},
		{"language tag", "a\U000E0001", "U+E0001 LANGUAGE TAG"},
		{"joiner at the start", "\u200dSign-up", "U+200D ZERO WIDTH JOINER at byte 0 (code point 0) at the start of the name"},
		{"joiner at the end", "Sign-up\u200d", "U+200D ZERO WIDTH JOINER at byte 7 (code point 7) at the end of the name"},
		{"non-joiner before a space", "ثبت\u200c نام", "U+200C ZERO WIDTH NON-JOINER at byte 6 (code point 3) beside white space"},
		{"non-joiner after a space", "Sign \u200cup", "U+200C ZERO WIDTH NON-JOINER at byte 5 (code point 5) beside white space"},
		{"vowel separator at the end", "ᠬᠠᠷ\u180e", "U+180E MONGOLIAN VOWEL SEPARATOR at byte 9 (code point 3) at the end of the name"},
		{"tag letters hiding text", "Sign-up\U000E0068\U000E0069\U000E007F", "U+E0068 TAG LATIN SMALL LETTER H at byte 7 (code point 7) outside a flag"},
		{"flag tag sequence without its end", "🏴\U000E0067\U000E0062", "U+E0062 TAG LATIN SMALL LETTER B at byte 8 (code point 2) outside a flag"},
		{"cancel tag alone", "Sign-up\U000E007F", "U+E007F CANCEL TAG at byte 7 (code point 7) outside a flag"},
		{"leading space", " Sign-up", "white space at its start or end"},
		{"trailing no-break space", "Sign-up\u00a0", "white space at its start or end"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			for _, checks := range [][]func(string) string{visibleName, usernameText} {
				if got := problemOf(checks, tc.value); !strings.Contains(got, tc.want) {
					t.Errorf("%q: got %q, want one saying %q", tc.value, got, tc.want)
				}
			}
		})
	}
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
