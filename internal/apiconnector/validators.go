package apiconnector

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"golang.org/x/text/unicode/runenames"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// Checks of text, each returning the problem with a value (to follow the attribute's name) or "".
// tf.StringCheck turns a list of them into a validator; the first problem found is reported.

// noControl refuses control characters, which Graph stores but no portal or log shows faithfully, and
// which RFC 7617 does not allow in basic authentication's credentials.
func noControl(s string) string {
	for i, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("contains the control character %U at byte %d; remove it.", r, i)
		}
	}
	return ""
}

// nameRule is checkName's rule in a sentence, for the descriptions of the names it checks.
const nameRule = "Any script and emoji sequence is accepted; refused is only what hides or reorders text: control characters, " +
	"line and paragraph separators, invisible characters (zero-width space, word joiner, byte order mark, soft hyphen, invisible " +
	"operators), bidirectional embedding, override and isolate controls, a zero-width joiner or non-joiner at either end or beside " +
	"white space, tag characters outside a flag, and white space at either end."

// Why checkName refuses a character, after "which".
const (
	hidden    = "which shows as nothing, so names that look equal differ. Remove it."
	reordered = "which reorders how the text around it is shown, so the name reads otherwise than it is (Trojan Source, " +
		"CVE-2021-42574). Remove it; to set the direction of neutral characters use U+200E LEFT-TO-RIGHT MARK or U+200F RIGHT-TO-LEFT MARK."
)

// refusedInNames are the characters a name may hold nowhere: those that hide or reorder text. Other
// format characters pass, for names need them: the joiners inside a word or an emoji sequence, variation
// selectors, emoji modifiers, regional indicators, the direction marks (LRM, RLM, ALM), which set the
// direction of neutral characters without moving text, the Arabic number signs, and the Egyptian,
// shorthand and musical format controls, which lay out the visible signs of their scripts. Refused beyond
// the zero-width space, word joiner, byte order mark, invisible operators and bidirectional controls: the
// soft hyphen (U+00AD), which shows only where a line breaks; the deprecated format controls
// (U+206A–U+206F), which change how the text after them is shown; the interlinear annotation controls
// (U+FFF9–U+FFFB), which hide or move the text they annotate; the deprecated language tag (U+E0001).
// U+180E MONGOLIAN VOWEL SEPARATOR shapes the letters of a Mongolian word and is treated as the joiners are.
var refusedInNames = []struct {
	first, last rune
	what, why   string
}{
	{0x0000, 0x001F, "the control character", "which no portal or log shows faithfully. Remove it."},
	{0x007F, 0x009F, "the control character", "which no portal or log shows faithfully. Remove it."},
	{0x00AD, 0x00AD, "the invisible character", "which shows only where a line breaks, so names that look equal differ. Remove it."},
	{0x200B, 0x200B, "the invisible character", hidden},
	{0x2028, 0x2029, "the separator", "which breaks the name over lines. Remove it."},
	{0x202A, 0x202E, "the bidirectional control", reordered},
	{0x2060, 0x2064, "the invisible character", hidden}, // the word joiner and the invisible operators
	{0x2066, 0x2069, "the bidirectional control", reordered},
	{0x206A, 0x206F, "the deprecated format control", "which changes how the text after it is shown. Remove it."},
	{0xFEFF, 0xFEFF, "the invisible character", hidden},
	{0xFFF9, 0xFFFB, "the interlinear annotation control", "which hides or moves the text it annotates. Remove it."},
	{0xE0001, 0xE0001, "the invisible character", hidden},
}

// joiners join or separate the letters beside them (U+180E MONGOLIAN VOWEL SEPARATOR, U+200C ZERO WIDTH
// NON-JOINER, U+200D ZERO WIDTH JOINER): Persian, Hindi, Sinhala and Mongolian words and emoji sequences
// need them inside. At either end of a name or beside white space they join nothing and only hide.
var joiners = []rune{0x180E, 0x200C, 0x200D}

// Tag characters spell a subdivision flag after an emoji, such as England's: U+1F3F4, the tag letters
// of "gbeng", U+E007F CANCEL TAG. Anywhere else they show as nothing and can hide a whole text.
const (
	firstTag  = 0xE0020
	cancelTag = 0xE007F
)

// edge stands for what is beyond either end of a name, for nameProblem.
const edge rune = -1

// checkName returns why s cannot be a name (display_name, a username), or "": it refuses refusedInNames,
// joiners where they join nothing, tag characters outside a flag and white space at either end, and
// accepts every other character of every script.
func checkName(s string) string {
	runes := []rune(s)
	at := 0
	for i, r := range runes {
		prev, next := edge, edge
		if i > 0 {
			prev = runes[i-1]
		}
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		if what, why := nameProblem(prev, r, next); what != "" {
			return fmt.Sprintf("contains %s at byte %d (code point %d)%s", what, at, i, why)
		}
		at += utf8.RuneLen(r)
	}
	if s != strings.TrimFunc(s, unicode.IsSpace) {
		return fmt.Sprintf("has white space at its start or end (%q); remove it.", s)
	}
	return ""
}

// nameProblem is what r is and why a name may not hold it between prev and next (either may be edge),
// or "" when it may.
func nameProblem(prev, r, next rune) (what, why string) {
	for _, refused := range refusedInNames {
		if refused.first <= r && r <= refused.last {
			return refused.what + " " + characterName(r), ", " + refused.why
		}
	}
	idle := func(c rune) bool { return c == edge || unicode.IsSpace(c) }
	isTagLetter := func(c rune) bool { return firstTag <= c && c < cancelTag }
	// An emoji ends in a symbol, an emoji presentation selector (U+FE0F) or a skin-tone modifier.
	isEmoji := func(c rune) bool { return unicode.Is(unicode.So, c) || c == 0xFE0F || (0x1F3FB <= c && c <= 0x1F3FF) }
	switch {
	case slices.Contains(joiners, r) && (idle(prev) || idle(next)):
		where := "beside white space"
		if prev == edge {
			where = "at the start of the name"
		} else if next == edge {
			where = "at the end of the name"
		}
		return characterName(r), " " + where + ", where it joins nothing and only hides. Keep joiners inside a word or an emoji sequence; remove this one."
	case isTagLetter(r) && ((!isTagLetter(prev) && !isEmoji(prev)) || (!isTagLetter(next) && next != cancelTag)),
		r == cancelTag && !isTagLetter(prev):
		return "the tag character " + characterName(r), " outside a flag, where it shows as nothing. Tag characters belong only in " +
			"a subdivision flag such as England's (U+1F3F4, tag letters, U+E007F CANCEL TAG); remove it."
	}
	return "", ""
}

// characterName is r's code point and Unicode name, such as "U+200B ZERO WIDTH SPACE"; controls have
// no name.
func characterName(r rune) string {
	if name := runenames.Name(r); name != "" && !strings.HasPrefix(name, "<") {
		return fmt.Sprintf("%U %s", r, name)
	}
	return fmt.Sprintf("%U", r)
}

// noColon refuses a colon in a basic authentication username: RFC 7617 sends "user-id:password" and the
// user-id cannot contain one, so the API would split every request's credentials at the wrong place.
func noColon(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return fmt.Sprintf("contains a colon (at byte %d), which HTTP basic authentication (RFC 7617) cannot carry in a username; "+
			"choose a username without one (the password may contain colons).", i)
	}
	return ""
}

// Validators of the text attributes.
var (
	// visibleName is display_name: what a person reads and looks up.
	visibleName = []func(string) string{checkName}
	// usernameText is a basic authentication username: a name without a colon.
	usernameText = []func(string) string{checkName, noColon}
	// credentialText is a basic authentication password: RFC 7617 allows any character but controls.
	credentialText = []func(string) string{noControl}
)

// targetURLExample is the form every target_url message suggests.
const targetURLExample = "https://api.contoso.com/validate"

// checkTargetURL returns why s cannot be an API connector's target URL, or "". Entra calls the API with
// an HTTPS request, so the URL must be one a client can call: an absolute https URL (RFC 3986) with a
// host name or IP address, a port from 1 to 65535 if any, no credentials (they would end up in the
// state), no fragment (never sent), and no spaces or control characters. net/url accepts several URLs
// that no client can call (port 0 or 99999, a host of "%20", "a..b"), so the host and port are checked
// here.
func checkTargetURL(s string) string {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return "must not contain spaces or control characters; percent-encode them in the path or query."
		}
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("is not a URL (%v); use a form such as %s.", err, targetURLExample)
	case u.Scheme != "https":
		return fmt.Sprintf("must be an absolute https URL such as %s; got scheme %q.", targetURLExample, u.Scheme)
	case u.User != nil:
		return "must not hold credentials (user:password@); put them in the basic_auth block."
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "must not have a #fragment, which is never sent to the API."
	case u.Host == "" || u.Hostname() == "":
		return fmt.Sprintf("must name a host, as in %s.", targetURLExample)
	}
	if problem := checkPort(u); problem != "" {
		return problem
	}
	return checkHost(u.Hostname())
}

// checkPort accepts no port or one from 1 to 65535.
func checkPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return fmt.Sprintf("has a colon after the host but no port; remove it or give a port, as in %s.", "https://api.contoso.com:8443/validate")
		}
		return ""
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Sprintf("has the port %s; a port is a number from 1 to 65535 (https uses 443 when none is given).", port)
	}
	return ""
}

// checkHost accepts an IP address or a DNS name (RFC 1123): dot-separated labels of letters, digits and
// hyphens, 1 to 63 characters each, not starting or ending with a hyphen, at most 253 in all, with an
// optional final dot. Letters may be non-ASCII (internationalized names).
func checkHost(host string) string {
	if net.ParseIP(host) != nil {
		return ""
	}
	name := strings.TrimSuffix(host, ".")
	if name == "" || len(name) > 253 {
		return fmt.Sprintf("has the host %q, which is not a host name; use a form such as %s.", host, targetURLExample)
	}
	for _, label := range strings.Split(name, ".") {
		valid := label != "" && len(label) <= 63 && !strings.HasPrefix(label, "-") && !strings.HasSuffix(label, "-")
		for _, r := range label {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				valid = false
			}
		}
		if !valid {
			return fmt.Sprintf("has the host %q, which is not a host name: each dot-separated part must be 1 to 63 letters, digits "+
				"or hyphens, not starting or ending with a hyphen. Use a form such as %s.", host, targetURLExample)
		}
	}
	return ""
}

// credentialInQuery warns when target_url's query carries a parameter that looks like a credential, such
// as the `?code=` key of an Azure Function: unlike the auth blocks' write-only secrets, target_url is
// stored in the state and shown in every plan. The provider masks query values in its own logs and errors.
type credentialInQuery struct{}

func (credentialInQuery) Description(context.Context) string {
	return "warns when the query holds a parameter that looks like a credential"
}

func (v credentialInQuery) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (credentialInQuery) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil {
		return
	}
	var names []string
	for name := range u.Query() {
		if redact.CredentialParameter(name) {
			names = append(names, strconv.Quote(name))
		}
	}
	if len(names) == 0 {
		return
	}
	slices.Sort(names)
	resp.Diagnostics.AddAttributeWarning(req.Path, "Credential in the target_url query",
		fmt.Sprintf("%s: the query parameter %s looks like a credential. target_url is stored in the state and shown in plans "+
			"in clear text (the provider masks it only in its logs and errors). Have the API accept basic_auth or a client "+
			"certificate (pkcs12), whose secrets are write-only and never stored, and remove the key from the URL.",
			req.Path, strings.Join(names, ", ")))
}
