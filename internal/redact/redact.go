// Package redact is the provider's one rule for what must never reach a log line, an error or a
// diagnostic: the secrets a caller knows of, the members of a JSON body that hold secrets, and the values
// in the query (and fragment) of every URL, where APIs often take their keys: an Azure Functions key is
// `?code=…`, a storage SAS is `?sig=…`.
//
// Everything here works on text as written, so that what is left of a message reads as it was sent.
package redact

import (
	"bytes"
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Mask replaces every value this package removes.
const Mask = "***"

// shortestSecret is the length, in bytes, of the shortest secret Text masks: masking one or two letters
// would mangle every word holding them while hiding nothing an attacker could not guess.
const shortestSecret = 3

// Text returns text with every one of secrets (of at least three bytes) replaced by Mask, longest first so
// that no part of a longer secret that holds a shorter one survives, and with every URL in it passed through
// URL.
func Text(text string, secrets ...string) string {
	ordered := slices.Clone(secrets)
	slices.SortStableFunc(ordered, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, secret := range ordered {
		if len(secret) >= shortestSecret {
			text = strings.ReplaceAll(text, secret, Mask)
		}
	}
	return urlPattern.ReplaceAllStringFunc(text, URL)
}

// urlPattern finds absolute URLs (RFC 3986 scheme, "://", then anything up to white space, a quote or an
// angle bracket) in free text.
var urlPattern = regexp.MustCompile("[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s\"'<>`]+")

// URL returns a URL with the value of every query and fragment parameter, and the password of any
// userinfo, replaced by Mask: "https://f.example/api?code=abc&x=1" becomes
// "https://f.example/api?code=***&x=***". Parameter names stay, since they say what was there.
func URL(raw string) string {
	rest, fragment, hasFragment := strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	out := maskUserinfo(base)
	if hasQuery {
		out += "?" + Query(query)
	}
	if hasFragment {
		// OAuth's implicit grant returns access_token=… in the fragment.
		out += "#" + Query(fragment)
	}
	return out
}

// Query masks the values of a raw query string ("a=1&b" becomes "a=***&***"). A part without "=" is
// masked whole: some APIs take a bare key as the query.
func Query(rawQuery string) string {
	parts := strings.Split(rawQuery, "&")
	for i, part := range parts {
		name, value, hasValue := strings.Cut(part, "=")
		switch {
		case part == "":
		case !hasValue:
			parts[i] = Mask
		case value != "":
			parts[i] = name + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// maskUserinfo masks the password of "scheme://user:password@host/…".
func maskUserinfo(base string) string {
	_, rest, _ := strings.Cut(base, "://")
	authority, _, _ := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	user, _, hasPassword := strings.Cut(authority[:max(at, 0)], ":")
	if !hasPassword {
		return base
	}
	return base[:len(base)-len(rest)] + user + ":" + Mask + rest[at:]
}

// secretMembers are the JSON members whose values are secrets, in requests and answers alike, in lower
// case: members are matched whatever their case, since a service echoing a request may not keep it.
var secretMembers = []string{"password", "pkcs12value", "client_secret", "client_assertion", "access_token", "refresh_token", "id_token"}

// secretMember reports whether a JSON member by this name holds a secret.
func secretMember(name string) bool { return slices.Contains(secretMembers, strings.ToLower(name)) }

// JSON returns a JSON body fit for a log: the value of every secret member replaced by Mask, and every
// other string passed through Text with secrets (the request's, which an answer may repeat in a message).
// A body that is not JSON is not shown at all, since nothing can be said about what it holds.
func JSON(body []byte, secrets ...string) string {
	if len(body) == 0 {
		return ""
	}
	doc, ok := decodeJSON(body)
	if !ok {
		return "(a body that is not JSON, not logged)"
	}
	doc = walkStrings("", doc, func(member, value string) any {
		if secretMember(member) {
			return Mask
		}
		return Text(value, secrets...)
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "(not logged)"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// Secrets lists the non-empty values of the secret members of a JSON body, each once, so that what an
// answer repeats of them can be removed with Text.
func Secrets(body []byte) []string {
	doc, ok := decodeJSON(body)
	if !ok {
		return nil
	}
	var found []string
	walkStrings("", doc, func(member, value string) any {
		if secretMember(member) && value != "" && !slices.Contains(found, value) {
			found = append(found, value)
		}
		return value
	})
	return found
}

// decodeJSON reads one JSON value, keeping numbers as written so that a logged body shows them as they
// were sent.
func decodeJSON(body []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	return doc, true
}

// walkStrings calls replace for every string at any depth with the name of the member that holds it (a
// string in an array counts as its member's, so a secret member's array is secret too), and puts back
// what it returns.
func walkStrings(member string, doc any, replace func(member, value string) any) any {
	switch v := doc.(type) {
	case map[string]any:
		for k, value := range v {
			v[k] = walkStrings(k, value, replace)
		}
	case []any:
		for i, value := range v {
			v[i] = walkStrings(member, value, replace)
		}
	case string:
		return replace(member, v)
	}
	return doc
}

// Query parameter names that carry credentials in the URLs APIs are called with. exactNames match the
// whole name; lastWords match the last word of a longer one ("x-functions-key", "access_token",
// "apiKey"), so that names which only end in the same letters ("monkey") do not.
var (
	exactNames = []string{"code", "sig", "sas", "pwd", "passwd", "pass", "auth", "apikey", "accesstoken"}
	lastWords  = []string{"key", "token", "secret", "password", "signature", "credential", "credentials", "authorization"}
)

// CredentialParameter reports whether a query parameter by this name looks like it carries a credential:
// Azure Functions' `code`, a SAS `sig`, `api-key`, `access_token`, `client_secret`, `password` and the
// like.
func CredentialParameter(name string) bool {
	words := splitWords(name)
	if len(words) == 0 {
		return false
	}
	return slices.Contains(exactNames, strings.Join(words, "")) || slices.Contains(lastWords, words[len(words)-1])
}

// splitWords splits a parameter name into lower-case words at punctuation and at camelCase humps.
func splitWords(name string) []string {
	var words []string
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		start, previous := 0, ' '
		for i, r := range part {
			if unicode.IsUpper(r) && unicode.IsLower(previous) {
				words = append(words, strings.ToLower(part[start:i]))
				start = i
			}
			previous = r
		}
		words = append(words, strings.ToLower(part[start:]))
	}
	return words
}
