package bench

import (
	"fmt"
	"strings"
)

// A run's section in BENCHMARKS.md sits between two markers that name its key, so that `make bench` at
// N=200 and a run at N=500 each replace their own section and leave everything else, the hand-written
// notes included, as it is.
func sectionMarkers(key string) (begin, end string) {
	return "<!-- bench:begin " + key + " -->", "<!-- bench:end " + key + " -->"
}

// SectionKey names a run's section by what makes its figures comparable.
func SectionKey(s Settings) string {
	key := fmt.Sprintf("n=%d latency=%s parallelism=%d", s.Resources, s.Latency, s.Parallelism)
	if s.Refresh {
		key += " refresh"
	}
	if s.Before != "" {
		// A comparison is a section of its own, beside the run the defaults make.
		key += " before=" + s.Before
	}
	return key
}

// ReplaceSection puts body into doc's section for key, replacing what the section held, or appends a new
// section at the end when doc has none for key.
func ReplaceSection(doc, key, body string) string {
	begin, end := sectionMarkers(key)
	section := begin + "\n" + strings.TrimRight(body, "\n") + "\n" + end
	if i := strings.Index(doc, begin); i >= 0 {
		if j := strings.Index(doc[i:], end); j >= 0 {
			return doc[:i] + section + doc[i+j+len(end):]
		}
	}
	switch {
	case doc == "":
	case strings.HasSuffix(doc, "\n\n"):
	case strings.HasSuffix(doc, "\n"):
		doc += "\n"
	default:
		doc += "\n\n"
	}
	return doc + section + "\n"
}
