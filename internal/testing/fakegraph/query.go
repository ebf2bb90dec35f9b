package fakegraph

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// entityType is what $select and $expand are read against: Graph's name of the type, its structural
// properties in the order Graph writes them, and its navigation properties, which $select may name (a
// navigation property that is selected and not expanded writes nothing) and $expand brings in.
type entityType struct {
	name        string
	properties  []string
	navigations []string
}

// property is the spelling the type gives name, which a query may write in any case, and whether it is a
// navigation property; "" when the type has no such property.
func (t entityType) property(name string) (string, bool) {
	for _, p := range t.properties {
		if strings.EqualFold(p, name) {
			return p, false
		}
	}
	for _, n := range t.navigations {
		if strings.EqualFold(n, name) {
			return n, true
		}
	}
	return "", false
}

// Query options by their names without '$', as queryRules list the ones a call honours.
const (
	optTop       = "top"
	optSkipToken = "skiptoken"
	optSelect    = "select"
	optExpand    = "expand"
	optFilter    = "filter"
)

// systemQueryOptions are OData's system query options. A parameter with one of these names is one even
// without its '$', as Graph v1.0 reads it; any other parameter without '$' is not the emulator's business.
var systemQueryOptions = []string{
	optTop, optSkipToken, optSelect, optExpand, optFilter,
	"count", "orderby", "search", "skip", "format", "apply", "compute", "index", "levels", "schemaversion",
}

// queryRules are the query options one call honours, and what they are read against. Graph documents, page
// by page, which options a call supports; every entity read honours $select and a read of an entity with
// navigation properties honours $expand. An option a call does not honour is refused, not ignored, so
// that a client cannot come to rely on one Graph would not honour.
type queryRules struct {
	options []string   // honoured options, by name without '$'
	shape   entityType // what $select and $expand name
	filter  []string   // the properties $filter may compare, with eq and ne
}

// Query rules of the usual kinds of call.
func readEntity(t entityType) queryRules {
	return queryRules{options: []string{optSelect, optExpand}, shape: t}
}
func readCollection(t entityType) queryRules {
	return queryRules{options: []string{optTop, optSkipToken, optSelect, optExpand}, shape: t}
}

// noQueryOptions is the rule of writes, actions and $ref calls: they take no system query option.
var noQueryOptions = queryRules{}

// queryOptions are the system query options of one request, as its call's rules read them.
type queryOptions struct {
	top     int      // $top; 0 when absent
	after   int64    // from $skiptoken: the position of the last item already returned
	selects []string // $select, in the type's spelling; nil for every property
	expand  []string // $expand, in the type's spelling
	filter  filter   // $filter; nil matches everything
}

const maxTop = 999

// parseQuery reads rawQuery by rules.
func parseQuery(rawQuery string, rules queryRules) (queryOptions, *odataError) {
	var q queryOptions
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, badRequest("BadRequest", "The query string is malformed: "+err.Error()+".")
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		value := values.Get(key)
		name := strings.ToLower(strings.TrimPrefix(key, "$"))
		if !strings.HasPrefix(key, "$") && !slices.Contains(systemQueryOptions, name) {
			continue // A parameter that is not a system query option is left alone, as Graph leaves it.
		}
		if !slices.Contains(rules.options, name) {
			return q, badRequest("BadRequest", fmt.Sprintf("The query option '%s' is not supported here.", key))
		}
		var err *odataError
		switch name {
		case optTop:
			q.top, err = parseTop(value)
		case optSkipToken:
			q.after, err = parseSkipToken(value)
		case optSelect:
			q.selects, err = rules.parseSelect(value)
		case optExpand:
			q.expand, err = rules.parseExpand(value)
		case optFilter:
			q.filter, err = parseFilter(value, rules.filter)
		}
		if err != nil {
			return q, err
		}
	}
	return q, nil
}

func parseTop(value string) (int, *odataError) {
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > maxTop {
		return 0, badRequest("BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", value, maxTop))
	}
	return n, nil
}

func parseSkipToken(value string) (int64, *odataError) {
	after, ok := decodeSkipToken(value)
	if !ok {
		return 0, badRequest("BadRequest", "The $skiptoken is not valid; follow @odata.nextLink as given.")
	}
	return after, nil
}

// listItems splits an OData list ("a, b,c"), refusing an empty item.
func listItems(value string) ([]string, bool) {
	var items []string
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, false
		}
		items = append(items, item)
	}
	return items, true
}

// parseSelect reads $select: property names of the type, in any case, or '*' for all of them.
func (r queryRules) parseSelect(value string) ([]string, *odataError) {
	items, ok := listItems(value)
	if !ok {
		return nil, badRequest("BadRequest", fmt.Sprintf("Syntax error: '%s' is not a valid $select.", value))
	}
	var selects []string
	for _, item := range items {
		if item == "*" {
			return nil, nil
		}
		name, _ := r.shape.property(item)
		if name == "" {
			return nil, r.unknownProperty(item)
		}
		if !slices.Contains(selects, name) {
			selects = append(selects, name)
		}
	}
	return selects, nil
}

// parseExpand reads $expand: navigation properties of the type, in any case. Nested options
// (nav($select=…)) and paths are not modelled and are refused.
func (r queryRules) parseExpand(value string) ([]string, *odataError) {
	items, ok := listItems(value)
	if !ok {
		return nil, badRequest("BadRequest", fmt.Sprintf("Syntax error: '%s' is not a valid $expand.", value))
	}
	var expand []string
	for _, item := range items {
		name, navigation := r.shape.property(item)
		switch {
		case name == "":
			return nil, r.unknownProperty(item)
		case !navigation:
			return nil, badRequest("BadRequest", fmt.Sprintf(
				"Property '%s' on type '%s' is not a navigation property or complex property. Only navigation properties can be expanded.", name, r.shape.name))
		}
		if !slices.Contains(expand, name) {
			expand = append(expand, name)
		}
	}
	return expand, nil
}

// unknownProperty is Graph's answer to a $select or $expand that names a property the type does not have.
func (r queryRules) unknownProperty(name string) *odataError {
	return badRequest("BadRequest", fmt.Sprintf(
		"Parsing OData Select and Expand failed: Could not find a property named '%s' on type '%s'.", name, r.shape.name))
}

// project keeps of an entity's full representation what q asks for: every annotation, the selected
// properties (all of them without $select) and the expanded navigation properties, which the caller has
// appended.
func (q queryOptions) project(entity jsonObject) jsonObject {
	if q.selects == nil {
		return entity
	}
	var out jsonObject
	for _, f := range entity {
		name, _, _ := strings.Cut(f.name, "@") // "step@odata.context" goes with "step"
		if name == "" || slices.Contains(q.selects, name) || slices.Contains(q.expand, name) {
			out = append(out, f)
		}
	}
	return out
}

// contextSelection is what an @odata.context says of the selection: "(displayName,targetUrl)" after
// $select, the expanded navigation properties too, as Graph's examples write them
// ("b2xUserFlows(identityProviders)"); "" for the whole entity.
func (q queryOptions) contextSelection() string {
	names := slices.Clone(q.selects)
	if names == nil && len(q.expand) == 0 {
		return ""
	}
	for _, nav := range q.expand {
		if !slices.Contains(names, nav) {
			names = append(names, nav)
		}
	}
	return "(" + strings.Join(names, ",") + ")"
}

// expands reports whether q expands the navigation property name.
func (q queryOptions) expands(name string) bool { return slices.Contains(q.expand, name) }

const skipTokenPrefix = "fakegraph:"

// encodeSkipToken makes an opaque continuation token. It names the last item returned rather than an
// offset, so that an item deleted between pages does not make the next page skip another one.
func encodeSkipToken(lastSeq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(skipTokenPrefix + strconv.FormatInt(lastSeq, 10)))
}

func decodeSkipToken(token string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !strings.HasPrefix(string(raw), skipTokenPrefix) {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(raw), skipTokenPrefix), 10, 64)
	return n, err == nil && n >= 0
}

// nextLinkQuery keeps the client's query options as it sent them and replaces the skip token.
func nextLinkQuery(rawQuery, token string) string {
	var kept []string
	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		key, _, _ := strings.Cut(pair, "=")
		if k, err := url.QueryUnescape(key); err == nil && strings.EqualFold(strings.TrimPrefix(k, "$"), optSkipToken) {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(append(kept, "$skiptoken="+token), "&")
}

// listItem is one item of a collection answer and its position in the collection's order, which skip
// tokens name.
type listItem struct {
	position int64
	value    jsonObject
}

// writeList answers a collection read with one page: the items after q's skip token, at most the page
// size or $top, and an @odata.nextLink to the rest when more follow. items are in position order; path is
// the collection's path, which the next link repeats with the client's query options.
func (s *Server) writeList(c *call, context, path string, q queryOptions, items []listItem) {
	pageSize := s.opts.PageSize
	if q.top > 0 {
		pageSize = min(pageSize, q.top)
	}
	page := []jsonObject{}
	var last int64
	more := false
	for _, item := range items {
		if item.position <= q.after {
			continue
		}
		if len(page) == pageSize {
			more = true
			break
		}
		page = append(page, q.project(item.value))
		last = item.position
	}
	body := jsonObject{{"@odata.context", context}, {"value", page}}
	if more {
		body = append(body, jsonField{"@odata.nextLink", c.url(path) + "?" + nextLinkQuery(c.r.URL.RawQuery, encodeSkipToken(last))})
	}
	writeJSON(c.out, http.StatusOK, odataJSON, body)
}
