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
