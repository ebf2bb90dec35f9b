package acctest

import (
	"regexp"
	"strings"
)

// Wrapped matches text in the CLI's output however the CLI wraps its lines: every space may be any run of
// white space (a line break included), and "…" stands for anything in between.
func Wrapped(text string) *regexp.Regexp {
	parts := strings.Split(text, "…")
	for i, part := range parts {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(part)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// WrappedInAnyOrder matches output holding every one of texts, each as Wrapped matches it, in any order: the
// CLI sorts the diagnostics of one operation in an order of its own.
func WrappedInAnyOrder(texts ...string) *regexp.Regexp {
	var alternatives []string
	var permute func(done, left []string)
	permute = func(done, left []string) {
		if len(left) == 0 {
			alternatives = append(alternatives, Wrapped(strings.Join(done, "…")).String())
			return
		}
		for i := range left {
			rest := append(append([]string(nil), left[:i]...), left[i+1:]...)
			permute(append(append([]string(nil), done...), left[i]), rest)
		}
	}
	permute(nil, texts)
	return regexp.MustCompile(strings.Join(alternatives, "|"))
}
