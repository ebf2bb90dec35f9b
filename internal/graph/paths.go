package graph

import (
	"strings"
	"unicode"
)

// isPathID reports whether id can be one segment of a request path as it is. Every call that puts an id in a
// path (a connector's, a flow's, an attribute's, an assignment's, an identity provider's) asks it first, so
// that no id, mistyped or hostile, can name another object or collection: an id is refused when it is empty,
// a dot segment, or holds a character that would end the segment or the path ('/', '\\', '?', '#'), be read
// as an escape ('%'), or not survive the trip at all (a control character). Graph's ids hold none of them:
// GUIDs, flow names (B2X_1_Partner), attribute ids (City, extension_<appId>_Hobby), provider ids
// (Google-OAUTH), which are not all GUIDs, so this is the one rule they share.
func isPathID(id string) bool {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\\?#%") {
		return false
	}
	return strings.IndexFunc(id, unicode.IsControl) < 0
}
