package tf_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/tf"
)

func TestNameRule_acceptsRealNames(t *testing.T) {
	for _, tc := range acctest.RealNames {
		t.Run(tc.What, func(t *testing.T) {
			if !norm.NFC.IsNormalString(tc.Name) {
				t.Fatalf("%q is not NFC: the CLI would send %q", tc.Name, norm.NFC.String(tc.Name))
			}
			if problem := tf.CheckName(tc.Name); problem != "" {
				t.Errorf("%q refused: %s", tc.Name, problem)
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
			if got := tf.CheckName(tc.value); !strings.Contains(got, tc.want) {
				t.Errorf("%q: got %q, want one saying %q", tc.value, got, tc.want)
			}
		})
	}
}
