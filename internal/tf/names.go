package tf

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/runenames"
)

// The provider's one rule for names, which every resource applies to the names a person reads (an API
// connector's or a user-flow attribute's display_name, a basic authentication username): as liberal as
// Entra, it refuses only what hides or reorders text, and accepts every script and emoji sequence.

// NameRule is CheckName's rule in a sentence, for the descriptions of the names it checks.
const NameRule = "Any script and emoji sequence is accepted; refused is only what hides or reorders text: control characters, " +
	"line and paragraph separators, invisible characters (zero-width space, word joiner, byte order mark, soft hyphen, invisible " +
	"operators), bidirectional embedding, override and isolate controls, a zero-width joiner or non-joiner at either end or beside " +
	"white space, tag characters outside a flag, and white space at either end."

// Why CheckName refuses a character, after "which".
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

// CheckName returns why s cannot be a name (a display_name, a username), or "": it refuses refusedInNames,
// joiners where they join nothing, tag characters outside a flag and white space at either end, and
// accepts every other character of every script.
func CheckName(s string) string {
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
