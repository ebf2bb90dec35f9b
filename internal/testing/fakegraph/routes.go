package fakegraph

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// graphVersions are the Graph versions the emulator serves; both serve the same objects.
var graphVersions = []string{"v1.0", "beta"}

// routes is every endpoint of the emulator. Sign-in endpoints are plain handlers; Graph operations are
// graphHandlers, registered once and served under every version in graphVersions.
func (s *Server) routes() *router {
	rt := newRouter(s)

	// Microsoft Entra's token endpoint, a CI system's OIDC issuer, the instance metadata service. Each
	// answers a wrong method itself, in its own protocol's words.
	rt.handle("/{tenant}/oauth2/v2.0/token", func(ex *exchange) { s.serveToken(ex, ex.pathValue("tenant")) })
	rt.handle("/{tenant}/v2.0/.well-known/openid-configuration", func(ex *exchange) { s.serveOpenIDConfiguration(ex, ex.pathValue("tenant")) })
	rt.handle("/oidc/request", s.serveOIDCRequest)
	rt.handle("/oidc/.well-known/openid-configuration", s.serveOIDCDiscovery)
	rt.handle("/oidc/keys", s.serveOIDCKeys)
	rt.handle("/metadata/identity/oauth2/token", s.serveManagedIdentity)
	rt.handle(appServicePath, s.serveAppServiceIdentity)
	rt.handle(azureDevOpsPath, s.serveAzureDevOpsOIDCToken)

	// API connectors: https://learn.microsoft.com/graph/api/resources/identityapiconnector
	rt.graph("GET /identity/apiConnectors", connectorsRead, s.listConnectors)
	rt.graph("POST /identity/apiConnectors", connectorsWrite, s.createConnector)
	rt.graph("GET /identity/apiConnectors/{id}", connectorsRead, s.getConnector)
	rt.graph("PATCH /identity/apiConnectors/{id}", connectorsWrite, s.updateConnector)
	rt.graph("DELETE /identity/apiConnectors/{id}", connectorsWrite, s.deleteConnector)
	// An action may be called by its name alone or qualified by its namespace.
	rt.graph("POST /identity/apiConnectors/{id}/uploadClientCertificate", connectorsWrite, s.uploadClientCertificate)
	rt.graph("POST /identity/apiConnectors/{id}/microsoft.graph.uploadClientCertificate", connectorsWrite, s.uploadClientCertificate)

	// User flows, the API connectors their steps call, their identity providers and attribute assignments:
	// https://learn.microsoft.com/graph/api/resources/b2xidentityuserflow
	s.userFlowRoutes(rt)

	// User-flow attributes: https://learn.microsoft.com/graph/api/resources/identityuserflowattribute
	rt.graph("GET /identity/userFlowAttributes", userFlowsRead, s.listAttributes)
	rt.graph("POST /identity/userFlowAttributes", userFlowsWrite, s.createAttribute)
	rt.graph("GET /identity/userFlowAttributes/{id}", userFlowsRead, s.getAttribute)
	rt.graph("PATCH /identity/userFlowAttributes/{id}", userFlowsWrite, s.updateAttribute)
	rt.graph("DELETE /identity/userFlowAttributes/{id}", userFlowsWrite, s.deleteAttribute)

	// The tenant's identity providers: https://learn.microsoft.com/graph/api/resources/identityproviderbase
	rt.graph("GET /identity/identityProviders", identityProvidersRead, s.listTenantProviders)
	rt.graph("GET /identity/identityProviders/{id}", identityProvidersRead, s.getTenantProvider)
	rt.graph("GET /identity/identityProviders/availableProviderTypes", identityProvidersRead, s.availableProviderTypes)
	rt.graph("GET /identity/identityProviders/availableProviderTypes()", identityProvidersRead, s.availableProviderTypes)

	rt.finish()
	return rt
}

// call is one Graph request as an operation sees it.
type call struct {
	*exchange
	version string // "v1.0" or "beta", as in the path
}

// graphHandler serves one Graph operation: it writes a success to c.out, or returns the error that
// serveGraph writes.
type graphHandler func(c *call) *odataError

// url is an absolute Graph URL under the request's version; path starts with '/'.
func (c *call) url(path string) string { return c.base + "/" + c.version + path }

// objectID is the {id} of the path, which must be an object id: Graph's directory answers a malformed
// one with 400 Request_BadRequest "Invalid object identifier".
func (c *call) objectID() (string, *odataError) {
	id := c.pathValue("id")
	if !isGUID(id) {
		return "", badRequest("Request_BadRequest", fmt.Sprintf("Invalid object identifier '%s'.", id))
	}
	return id, nil
}

// serveGraph is the one adapter between the router and a Graph operation: faults, the bearer check and
// the permissions the operation requires come first, as at Graph's gateway, then the operation; an error
// any of them returns is written as an OData error, and a committed write may lose its answer.
func (s *Server) serveGraph(version string, required permission, h graphHandler) func(*exchange) {
	return func(ex *exchange) {
		ex.out.Header().Set("OData-Version", "4.0")
		err := s.admitGraphRequest(ex)
		if err == nil {
			err = s.authorize(ex)
		}
		if err == nil {
			err = s.checkPermission(required)
		}
		if err == nil {
			err = h(&call{exchange: ex, version: version})
		}
		if err != nil {
			s.writeODataError(ex, err)
			return
		}
		ex.lost = s.loseResponse(ex)
	}
}

// router matches requests with an http.ServeMux. Graph's paths are case-insensitive and ServeMux's
// patterns are not, so a request is matched on its canonical path: every segment that spells one of the
// patterns' literal segments in another case is rewritten to the pattern's spelling, and empty segments
// are dropped. Wildcard segments (ids, tenants) keep the case the client sent; the request log keeps the
// path as it came.
type router struct {
	s        *Server
	mux      *http.ServeMux
	literals map[string]string // lowercase literal segment -> the patterns' spelling

	// graphPaths are the Graph path patterns (without the version) and their methods, for 405 answers
	// and for naming the segment Graph does not know.
	graphPaths   []string
	graphMethods map[string][]string
}

func newRouter(s *Server) *router {
	return &router{s: s, mux: http.NewServeMux(), literals: map[string]string{}, graphMethods: map[string][]string{}}
}

type exchangeKey struct{}

// serve routes ex. The exchange travels in the request's context, so that ServeMux's handlers reach it.
func (rt *router) serve(ex *exchange) {
	u := *ex.r.URL
	u.Path, u.RawPath = rt.canonical(u.Path), ""
	r := ex.r.WithContext(context.WithValue(ex.r.Context(), exchangeKey{}, ex))
	r.URL = &u
	rt.mux.ServeHTTP(ex.out, r)
}

// handle registers a ServeMux pattern ("[METHOD ]/path/{wildcard}").
func (rt *router) handle(pattern string, h func(*exchange)) {
	_, path, found := strings.Cut(pattern, " ")
	if !found {
		path = pattern
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || strings.HasPrefix(seg, "{") {
			continue
		}
		// Matching rewrites a segment to its one spelling, so two spellings could not both match.
		if other, ok := rt.literals[strings.ToLower(seg)]; ok && other != seg {
			panic(fmt.Sprintf("fakegraph: route %q spells %q as %q elsewhere", pattern, seg, other))
		}
		rt.literals[strings.ToLower(seg)] = seg
	}
	rt.mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
		ex, _ := r.Context().Value(exchangeKey{}).(*exchange)
		ex.route = r
		h(ex)
	})
}

// graph registers a Graph operation, "METHOD /path", under every Graph version, with the permissions it
// requires.
func (rt *router) graph(pattern string, required permission, h graphHandler) {
	method, path, found := strings.Cut(pattern, " ")
	if !found || !strings.HasPrefix(path, "/") {
		panic("fakegraph: a Graph route needs a method and a path: " + pattern)
	}
	if _, known := rt.graphMethods[path]; !known {
		rt.graphPaths = append(rt.graphPaths, path)
	}
	rt.graphMethods[path] = append(rt.graphMethods[path], method)
	for _, v := range graphVersions {
		rt.handle(method+" /"+v+path, rt.s.serveGraph(v, required, h))
	}
}

// graphMethods are the HTTP methods Graph's operations use, which a known Graph path answers with 405
// when it has no operation for them. They are registered one by one rather than as one pattern for every
// method, because a pattern without a method would conflict in http.ServeMux with a wildcard sibling that
// has one (GET …/userAttributeAssignments/{id} and …/userAttributeAssignments/setOrder).
var graphMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// finish registers what answers the requests no operation matches: 405 with Allow on a known Graph path,
// 400 "Resource not found for the segment" elsewhere under a Graph version, as Graph answers them, and a
// plain 404 outside Graph.
func (rt *router) finish() {
	for _, path := range rt.graphPaths {
		allow := strings.Join(rt.graphMethods[path], ", ")
		notAllowed := func(c *call) *odataError {
			c.out.Header().Set("Allow", allow)
			return &odataError{
				status:  http.StatusMethodNotAllowed,
				code:    "BadRequest",
				message: fmt.Sprintf("The HTTP method '%s' is not allowed on this resource; allowed: %s.", c.r.Method, allow),
			}
		}
		for _, method := range graphMethods {
			if slices.Contains(rt.graphMethods[path], method) {
				continue
			}
			for _, v := range graphVersions {
				rt.handle(method+" /"+v+path, rt.s.serveGraph(v, nil, notAllowed))
			}
		}
	}
	rt.handle("/", func(ex *exchange) {
		segments := strings.Split(strings.TrimPrefix(ex.route.URL.Path, "/"), "/")
		if slices.Contains(graphVersions, segments[0]) {
			unknown := rt.unknownSegment(segments[1:])
			rt.s.serveGraph(segments[0], nil, func(*call) *odataError {
				return badRequest("BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", unknown))
			})(ex)
			return
		}
		writeJSON(ex.out, http.StatusNotFound, plainJSON, map[string]string{
			"error": "not_found", "error_description": fmt.Sprintf("No endpoint at %s.", ex.r.URL.Path),
		})
	})
}

// unknownSegment is the first segment of a Graph path (after the version) that no route has there.
func (rt *router) unknownSegment(segments []string) string {
	known := 0
	for _, path := range rt.graphPaths {
		pattern := strings.Split(strings.TrimPrefix(path, "/"), "/")
		n := 0
		for n < len(segments) && n < len(pattern) && (strings.HasPrefix(pattern[n], "{") || pattern[n] == segments[n]) {
			n++
		}
		known = max(known, n)
	}
	if known < len(segments) {
		return segments[known]
	}
	return ""
}

// canonical is the path a request is matched on (see router). OData's key syntax, a collection's segment
// followed by the key in parentheses (userFlowAttributes('extension_…_Hobby'), the form of a new
// attribute's Location), is read as the collection's segment and the key's own segment.
func (rt *router) canonical(path string) string {
	var b strings.Builder
	for _, seg := range strings.Split(path, "/") {
		if seg == "" {
			continue
		}
		if name, key, ok := keySegment(seg); ok && rt.literals[strings.ToLower(name)] != "" {
			b.WriteString("/" + rt.literals[strings.ToLower(name)])
			seg = key
		} else if spelled, ok := rt.literals[strings.ToLower(seg)]; ok {
			seg = spelled
		}
		b.WriteString("/" + seg)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// keySegment splits a segment in OData's key syntax, name('key'), with a quote in the key written twice.
func keySegment(seg string) (name, key string, ok bool) {
	open := strings.Index(seg, "('")
	if open <= 0 || !strings.HasSuffix(seg, "')") || open+2 >= len(seg)-2 {
		return "", "", false
	}
	return seg[:open], strings.ReplaceAll(seg[open+2:len(seg)-2], "''", "'"), true
}
