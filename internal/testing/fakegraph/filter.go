package fakegraph

import (
	"fmt"
	"slices"
	"strings"
)

// filter is a parsed $filter: comparisons joined by "and", and those groups joined by "or" ("and" binds
// tighter, as in OData). Graph documents $filter on user-flow attributes with eq and ne on a few
// properties, so that is what the emulator reads: `property eq 'value'`, `property ne 'value'`, with no
// parentheses, functions or other operators. A nil filter matches everything.
type filter [][]comparison

// comparison is one `property eq|ne 'value'`; values compare without regard to case, as Graph's
// directory compares strings and enum members.
type comparison struct {
	property string
	negate   bool
	value    string
}

// matches reports whether the entity whose property values value returns passes the filter.
func (f filter) matches(value func(property string) string) bool {
	if f == nil {
		return true
	}
	for _, group := range f {
		if !slices.ContainsFunc(group, func(c comparison) bool { return strings.EqualFold(value(c.property), c.value) == c.negate }) {
			return true
		}
	}
	return false
}

// parseFilter reads a $filter over the given properties (their spelling; a query may use any case).
func parseFilter(expr string, properties []string) (filter, *odataError) {
	tokens, ok := filterTokens(expr)
	invalid := badRequest("BadRequest", fmt.Sprintf(
		"Invalid $filter '%s': write comparisons `property eq 'value'` or `property ne 'value'` joined by 'and' or 'or'.", expr))
	if !ok || len(tokens)%4 != 3 {
		return nil, invalid
	}
	f := filter{{}}
	for i := 0; i < len(tokens); i += 4 {
		name, op, literal := tokens[i], strings.ToLower(tokens[i+1]), tokens[i+2]
		property := ""
		for _, p := range properties {
			if strings.EqualFold(p, name) {
				property = p
			}
		}
		value, quoted := unquote(literal)
		switch {
		case property == "":
			return nil, badRequest("BadRequest", fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s'.", name))
		case op != "eq" && op != "ne", !quoted:
			return nil, invalid
		}
		last := len(f) - 1
		f[last] = append(f[last], comparison{property: property, negate: op == "ne", value: value})
		if i+3 < len(tokens) {
			switch strings.ToLower(tokens[i+3]) {
			case "and":
			case "or":
				f = append(f, nil)
			default:
				return nil, invalid
			}
		}
	}
	return f, nil
}

// filterTokens splits a $filter into words and quoted literals (kept with their quotes). It reports false
// on an unterminated literal or a parenthesis, which the emulator does not read.
func filterTokens(expr string) ([]string, bool) {
	var tokens []string
	for i := 0; i < len(expr); {
		switch expr[i] {
		case ' ', '\t':
			i++
		case '(', ')':
			return nil, false
		case '\'':
			j := i + 1
			for ; j < len(expr); j++ {
				if expr[j] == '\'' {
					if j+1 < len(expr) && expr[j+1] == '\'' {
						j++ // '' is an escaped quote
						continue
					}
					break
				}
			}
			if j >= len(expr) {
				return nil, false
			}
			tokens = append(tokens, expr[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(expr) && expr[j] != ' ' && expr[j] != '\t' && expr[j] != '\'' && expr[j] != '(' && expr[j] != ')' {
				j++
			}
			tokens = append(tokens, expr[i:j])
			i = j
		}
	}
	return tokens, true
}

// unquote reads an OData string literal: quoted, with a quote inside written twice.
func unquote(literal string) (string, bool) {
	if len(literal) < 2 || literal[0] != '\'' || literal[len(literal)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(literal[1:len(literal)-1], "''", "'"), true
}
