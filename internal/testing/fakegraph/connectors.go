package fakegraph

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Graph's names for the types the API connector payloads use.
const (
	typeConnector         = "microsoft.graph.identityApiConnector"
	typeBasic             = "microsoft.graph.basicAuthentication"
	typePKCS12            = "microsoft.graph.pkcs12Certificate"
	typeClientCertificate = "microsoft.graph.clientCertificateAuthentication"
	typeAuthBase          = "microsoft.graph.apiAuthenticationConfigurationBase"

	maskedPassword = "******"
	maxTop         = 999
)

// connectorProperties are the identityApiConnector properties in the order Graph writes them.
var connectorProperties = []string{"id", "displayName", "targetUrl", "authenticationConfiguration"}

// serveGraph applies faults and the bearer check, then the API connector operations. Malformed object
// ids are answered like Graph's directory answers them: 400 Request_BadRequest "Invalid object
// identifier".
func (s *Server) serveGraph(ex *exchange, version string, segments []string) {
	ex.out.Header().Set("OData-Version", "4.0")
	if !s.admitGraphRequest(ex) || !s.authorize(ex) {
		return
	}
	s.dispatchGraph(ex, version, segments)
	if s.loseResponse(ex) {
		ex.lost = true
	}
}

func (s *Server) dispatchGraph(ex *exchange, version string, segments []string) {
	for i, want := range []string{"identity", "apiConnectors"} {
		if len(segments) <= i || !strings.EqualFold(segments[i], want) {
			segment := ""
			if len(segments) > i {
				segment = segments[i]
			}
			s.writeODataError(ex, unknownSegment(segment))
			return
		}
	}
	collection := ex.base + "/" + version + "/identity/apiConnectors"
	switch len(segments) {
	case 2:
		switch ex.r.Method {
		case http.MethodGet:
			s.listConnectors(ex, version, collection)
		case http.MethodPost:
			s.createConnector(ex, version, collection)
		default:
			s.methodNotAllowed(ex, "GET, POST")
		}
	case 3:
		id := segments[2]
		if !slices.Contains([]string{http.MethodGet, http.MethodPatch, http.MethodDelete}, ex.r.Method) {
			s.methodNotAllowed(ex, "GET, PATCH, DELETE")
			return
		}
		if !isGUID(id) {
			s.writeODataError(ex, invalidObjectID(id))
			return
		}
		switch ex.r.Method {
		case http.MethodGet:
			s.getConnector(ex, version, id)
		case http.MethodPatch:
			s.updateConnector(ex, id)
		case http.MethodDelete:
			s.deleteConnector(ex, id)
		}
	case 4:
		action := segments[3]
		if !strings.EqualFold(action, "uploadClientCertificate") && !strings.EqualFold(action, "microsoft.graph.uploadClientCertificate") {
			s.writeODataError(ex, unknownSegment(action))
			return
		}
		if ex.r.Method != http.MethodPost {
			s.methodNotAllowed(ex, "POST")
			return
		}
		if !isGUID(segments[2]) {
			s.writeODataError(ex, invalidObjectID(segments[2]))
			return
		}
		s.uploadClientCertificate(ex, version, segments[2])
	default:
		s.writeODataError(ex, unknownSegment(segments[4]))
	}
}

func unknownSegment(segment string) *odataError {
	return badRequest("BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segment))
}

func invalidObjectID(id string) *odataError {
	return badRequest("Request_BadRequest", fmt.Sprintf("Invalid object identifier '%s'.", id))
}

func (s *Server) methodNotAllowed(ex *exchange, allow string) {
	ex.out.Header().Set("Allow", allow)
	s.writeODataError(ex, &odataError{
		status:  http.StatusMethodNotAllowed,
		code:    "BadRequest",
		message: fmt.Sprintf("The HTTP method '%s' is not allowed on this resource; allowed: %s.", ex.r.Method, allow),
	})
}

func (s *Server) createConnector(ex *exchange, version, collection string) {
	opts, oerr := parseQueryOptions(ex.r.URL.RawQuery, false)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	members, oerr := readJSONObject(ex)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	change, oerr := parseConnectorChange(members, "", ex.arrived)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	c := Connector{ID: newGUID(), DisplayName: *change.displayName, TargetURL: *change.targetURL, Auth: *change.auth}
	s.mu.Lock()
	s.nextSeq++
	s.records[storeKey(c.ID)] = &record{connector: c.clone(), seq: s.nextSeq, createdAt: ex.arrived}
	s.mu.Unlock()

	ex.out.Header().Set("Location", collection+"/"+c.ID)
	s.writeConnector(ex, http.StatusCreated, entityContext(ex.base, version, opts.selected), c, opts.selected)
}

func (s *Server) getConnector(ex *exchange, version, id string) {
	opts, oerr := parseQueryOptions(ex.r.URL.RawQuery, false)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	s.mu.Lock()
	c, found := s.readableConnector(id, ex)
	s.mu.Unlock()
	if !found {
		s.writeODataError(ex, notFound(id))
		return
	}
	s.writeConnector(ex, http.StatusOK, entityContext(ex.base, version, opts.selected), c, opts.selected)
}

// readableConnector is what a GET sees: a connector replication lag does not hide yet, or one deleted so
// recently that the lag still shows it. The caller holds s.mu.
func (s *Server) readableConnector(id string, ex *exchange) (Connector, bool) {
	if rec := s.visibleRecord(id, ex); rec != nil {
		return rec.connector.clone(), true
	}
	if t, ok := s.tombstones[storeKey(id)]; ok {
		if ex.arrived.Before(t.deletedAt.Add(ex.faults.ReplicationLag)) {
			return t.connector.clone(), true
		}
		delete(s.tombstones, storeKey(id))
	}
	return Connector{}, false
}

// visibleRecord finds a stored connector that replication lag does not hide. The caller holds s.mu.
func (s *Server) visibleRecord(id string, ex *exchange) *record {
	rec, ok := s.records[storeKey(id)]
	if !ok || !rec.visible(ex.arrived, ex.faults.ReplicationLag) {
		return nil
	}
	return rec
}

func (s *Server) listConnectors(ex *exchange, version, collection string) {
	opts, oerr := parseQueryOptions(ex.r.URL.RawQuery, true)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	pageSize := s.opts.PageSize
	if opts.top > 0 && opts.top < pageSize {
		pageSize = opts.top
	}

	var page []Connector
	var lastSeq int64
	more := false
	s.mu.Lock()
	for _, rec := range s.sortedRecords() {
		if rec.seq <= opts.after || !rec.visible(ex.arrived, ex.faults.ReplicationLag) {
			continue
		}
		if opts.filter != nil && !opts.filter(rec.connector) {
			continue
		}
		if len(page) == pageSize {
			more = true
			break
		}
		page = append(page, rec.connector.clone())
		lastSeq = rec.seq
	}
	s.mu.Unlock()

	values := make([]jsonObject, len(page))
	for i, c := range page {
		values[i] = connectorJSON(c, ex.arrived, opts.selected)
	}
	body := jsonObject{{"@odata.context", collectionContext(ex.base, version, opts.selected)}, {"value", values}}
	if more {
		body = append(body, jsonField{"@odata.nextLink", collection + "?" + nextLinkQuery(ex.r.URL.RawQuery, encodeSkipToken(lastSeq))})
	}
	writeJSON(ex.out, http.StatusOK, odataJSON, body)
}

func (s *Server) updateConnector(ex *exchange, id string) {
	if _, oerr := parseQueryOptions(ex.r.URL.RawQuery, false); oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	members, oerr := readJSONObject(ex)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	change, oerr := parseConnectorChange(members, id, ex.arrived)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	s.mu.Lock()
	rec := s.visibleRecord(id, ex)
	if rec != nil {
		if change.displayName != nil {
			rec.connector.DisplayName = *change.displayName
		}
		if change.targetURL != nil {
			rec.connector.TargetURL = *change.targetURL
		}
		if change.auth != nil {
			// Both kinds replace the whole configuration: a PKCS#12 value replaces every earlier certificate.
			rec.connector.Auth = *change.auth
		}
	}
	s.mu.Unlock()
	if rec == nil {
		s.writeODataError(ex, notFound(id))
		return
	}
	ex.out.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteConnector(ex *exchange, id string) {
	if _, oerr := parseQueryOptions(ex.r.URL.RawQuery, false); oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	s.mu.Lock()
	rec := s.visibleRecord(id, ex)
	if rec != nil {
		key := storeKey(id)
		delete(s.records, key)
		s.tombstones[key] = tombstone{connector: rec.connector.clone(), deletedAt: ex.arrived}
	}
	s.mu.Unlock()
	if rec == nil {
		s.writeODataError(ex, notFound(id))
		return
	}
	ex.out.WriteHeader(http.StatusNoContent)
}

func (s *Server) uploadClientCertificate(ex *exchange, version, id string) {
	opts, oerr := parseQueryOptions(ex.r.URL.RawQuery, false)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	members, oerr := readJSONObject(ex)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	cert, oerr := parsePKCS12Members(members, "uploadClientCertificate", ex.arrived)
	if oerr != nil {
		s.writeODataError(ex, oerr)
		return
	}
	s.mu.Lock()
	rec := s.visibleRecord(id, ex)
	var c Connector
	var appendErr error
	if rec != nil {
		appendErr = appendCertificate(&rec.connector.Auth, cert)
		c = rec.connector.clone()
	}
	s.mu.Unlock()
	switch {
	case rec == nil:
		s.writeODataError(ex, notFound(id))
	case appendErr != nil:
		s.writeODataError(ex, badRequest("invalidRequest", "Invalid pkcs12Value: "+appendErr.Error()+"."))
	default:
		context := ex.base + "/" + version + "/$metadata#" + typeConnector
		s.writeConnector(ex, http.StatusOK, context, c, opts.selected)
	}
}

func (s *Server) writeConnector(ex *exchange, status int, context string, c Connector, selected []string) {
	body := append(jsonObject{{"@odata.context", context}}, connectorJSON(c, ex.arrived, selected)...)
	writeJSON(ex.out, status, odataJSON, body)
}

// connectorJSON is the read representation. Secrets never appear: a password is masked and a certificate
// is described by its thumbprint and validity only.
func connectorJSON(c Connector, now time.Time, selected []string) jsonObject {
	var out jsonObject
	for _, p := range connectorProperties {
		if selected != nil && p != "id" && !slices.Contains(selected, p) {
			continue
		}
		switch p {
		case "id":
			out = append(out, jsonField{p, c.ID})
		case "displayName":
			out = append(out, jsonField{p, c.DisplayName})
		case "targetUrl":
			out = append(out, jsonField{p, c.TargetURL})
		case "authenticationConfiguration":
			out = append(out, jsonField{p, authJSON(c.Auth, now)})
		}
	}
	return out
}

func authJSON(a Auth, now time.Time) any {
	switch a.Kind {
	case AuthBasic:
		return jsonObject{{"@odata.type", "#" + typeBasic}, {"username", a.Username}, {"password", maskedPassword}}
	case AuthCertificate:
		active := activeCertificate(a.Certificates, now)
		list := make([]jsonObject, len(a.Certificates))
		for i, cert := range a.Certificates {
			list[i] = jsonObject{
				{"thumbprint", cert.Thumbprint},
				{"notBefore", cert.NotBefore.Unix()},
				{"notAfter", cert.NotAfter.Unix()},
				{"isActive", i == active},
			}
		}
		return jsonObject{{"@odata.type", "#" + typeClientCertificate}, {"certificateList", list}}
	default:
		return nil
	}
}

func entityContext(base, version string, selected []string) string {
	return base + "/" + version + "/$metadata#identity/apiConnectors" + selectSuffix(selected) + "/$entity"
}

func collectionContext(base, version string, selected []string) string {
	return base + "/" + version + "/$metadata#identity/apiConnectors" + selectSuffix(selected)
}

func selectSuffix(selected []string) string {
	if selected == nil {
		return ""
	}
	return "(" + strings.Join(selected, ",") + ")"
}

// readJSONObject reads a write's body as a JSON object, with Graph's answers for the ways that fails.
func readJSONObject(ex *exchange) (map[string]json.RawMessage, *odataError) {
	if ex.bodyTooLarge {
		return nil, &odataError{status: http.StatusRequestEntityTooLarge, code: "RequestEntityTooLarge",
			message: fmt.Sprintf("The request body is larger than %d bytes.", maxRequestBody)}
	}
	if mediaType, _, err := mime.ParseMediaType(ex.r.Header.Get("Content-Type")); err != nil || mediaType != "application/json" {
		return nil, &odataError{status: http.StatusUnsupportedMediaType, code: "UnsupportedMediaType",
			message: "The Content-Type header must be application/json."}
	}
	if strings.TrimSpace(string(ex.body)) == "" {
		return nil, badRequest("BadRequest", "Empty Payload. JSON content expected.")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(ex.body, &members); err != nil || members == nil {
		return nil, badRequest("BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
	}
	return members, nil
}

// connectorChange is a validated create or update: nil fields are not changed.
type connectorChange struct {
	displayName *string
	targetURL   *string
	auth        *Auth
}

// parseConnectorChange validates a create (pathID == "") or update body. Unknown properties are refused,
// as OData refuses them for a type that is not open.
func parseConnectorChange(members map[string]json.RawMessage, pathID string, now time.Time) (connectorChange, *odataError) {
	creating := pathID == ""
	var change connectorChange
	for _, name := range sortedKeys(members) {
		raw := members[name]
		switch {
		case name == "@odata.type":
			if err := checkODataType(raw, typeConnector); err != nil {
				return change, err
			}
		case strings.Contains(name, "@"):
			// Instance and property annotations, such as an "@odata.context" echoed back, carry no data.
		case name == "id":
			id, err := decodeString(name, raw)
			if err != nil {
				return change, err
			}
			if creating || !strings.EqualFold(id, pathID) {
				return change, badRequest("BadRequest", "The property 'id' is read-only and cannot be set.")
			}
		case name == "displayName":
			v, err := decodeRequiredString(name, raw)
			if err != nil {
				return change, err
			}
			change.displayName = &v
		case name == "targetUrl":
			v, err := decodeRequiredString(name, raw)
			if err != nil {
				return change, err
			}
			if err := checkTargetURL(v); err != nil {
				return change, err
			}
			change.targetURL = &v
		case name == "authenticationConfiguration":
			auth, err := parseAuthConfiguration(raw, now)
			if err != nil {
				return change, err
			}
			change.auth = auth
		default:
			return change, unknownProperty(name, typeConnector)
		}
	}
	if creating {
		switch {
		case change.displayName == nil:
			return change, requiredProperty("displayName")
		case change.targetURL == nil:
			return change, requiredProperty("targetUrl")
		case change.auth == nil:
			return change, requiredProperty("authenticationConfiguration")
		}
	}
	return change, nil
}

// parseAuthConfiguration reads the polymorphic authenticationConfiguration. Graph's own examples write
// "@odata.type" both with and without the leading '#', so both are accepted.
func parseAuthConfiguration(raw json.RawMessage, now time.Time) (*Auth, *odataError) {
	if string(raw) == "null" {
		return nil, badRequest("invalidRequest", "The property 'authenticationConfiguration' must not be null.")
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return nil, badRequest("BadRequest", "The property 'authenticationConfiguration' must be a JSON object.")
	}
	typeRaw, ok := members["@odata.type"]
	if !ok {
		return nil, badRequest("BadRequest", fmt.Sprintf(
			"A type name was not provided for an instance of the abstract type '%s'. Set '@odata.type' to '#%s' or '#%s'.",
			typeAuthBase, typeBasic, typePKCS12))
	}
	typeName, err := decodeString("@odata.type", typeRaw)
	if err != nil {
		return nil, err
	}
	delete(members, "@odata.type")
	switch strings.TrimPrefix(typeName, "#") {
	case typeBasic:
		return parseBasicAuth(members)
	case typePKCS12:
		cert, err := parsePKCS12Members(members, typePKCS12, now)
		if err != nil {
			return nil, err
		}
		return &Auth{Kind: AuthCertificate, Certificates: []Certificate{cert}}, nil
	case typeClientCertificate:
		return nil, badRequest("invalidRequest", fmt.Sprintf(
			"'%s' is only returned by Graph; send '#%s' to set a certificate.", typeClientCertificate, typePKCS12))
	default:
		return nil, badRequest("BadRequest", fmt.Sprintf(
			"The type '%s' is not supported for authenticationConfiguration; use '#%s' or '#%s'.", typeName, typeBasic, typePKCS12))
	}
}

func parseBasicAuth(members map[string]json.RawMessage) (*Auth, *odataError) {
	auth := &Auth{Kind: AuthBasic}
	for _, name := range sortedKeys(members) {
		switch {
		case name == "username" || name == "password":
			v, err := decodeRequiredString(name, members[name])
			if err != nil {
				return nil, err
			}
			if name == "username" {
				auth.Username = v
			} else {
				auth.Password = v
			}
		case strings.Contains(name, "@"):
		default:
			return nil, unknownProperty(name, typeBasic)
		}
	}
	if auth.Username == "" {
		return nil, requiredProperty("username")
	}
	if auth.Password == "" {
		return nil, requiredProperty("password")
	}
	return auth, nil
}

// parsePKCS12Members reads {pkcs12Value, password} and opens the certificate. The password may be absent
// or empty for a PFX file without one.
func parsePKCS12Members(members map[string]json.RawMessage, typeName string, now time.Time) (Certificate, *odataError) {
	var value, password string
	for _, name := range sortedKeys(members) {
		raw := members[name]
		switch {
		case name == "pkcs12Value":
			v, err := decodeRequiredString(name, raw)
			if err != nil {
				return Certificate{}, err
			}
			value = v
		case name == "password":
			if string(raw) == "null" {
				continue
			}
			v, err := decodeString(name, raw)
			if err != nil {
				return Certificate{}, err
			}
			password = v
		case strings.Contains(name, "@"):
		default:
			return Certificate{}, unknownProperty(name, typeName)
		}
	}
	if value == "" {
		return Certificate{}, requiredProperty("pkcs12Value")
	}
	der, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		if der, err = base64.RawStdEncoding.DecodeString(value); err != nil {
			return Certificate{}, badRequest("invalidRequest", "Invalid pkcs12Value: it is not base64 text: "+err.Error()+".")
		}
	}
	cert, err := decodePKCS12(der, password, now)
	if err != nil {
		return Certificate{}, badRequest("invalidRequest", "Invalid pkcs12Value: "+err.Error()+".")
	}
	return cert, nil
}

func checkODataType(raw json.RawMessage, want string) *odataError {
	v, err := decodeString("@odata.type", raw)
	if err != nil {
		return err
	}
	if strings.TrimPrefix(v, "#") != want {
		return badRequest("BadRequest", fmt.Sprintf("The type '%s' is not '#%s'.", v, want))
	}
	return nil
}

// checkTargetURL accepts an absolute https URL, the only kind Entra calls.
func checkTargetURL(v string) *odataError {
	u, err := url.Parse(v)
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.Hostname() == "" {
		return badRequest("invalidRequest", fmt.Sprintf("The targetUrl '%s' is not valid: it must be an absolute URL with the https scheme.", v))
	}
	return nil
}

func decodeString(name string, raw json.RawMessage) (string, *odataError) {
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", badRequest("BadRequest", fmt.Sprintf(
			"Cannot convert the literal '%s' to the expected type 'Edm.String' of property '%s'.", string(raw), name))
	}
	return v, nil
}

// decodeRequiredString reads a string that must not be null, empty or only spaces.
func decodeRequiredString(name string, raw json.RawMessage) (string, *odataError) {
	if string(raw) == "null" {
		return "", requiredProperty(name)
	}
	v, err := decodeString(name, raw)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(v) == "" {
		return "", requiredProperty(name)
	}
	return v, nil
}

func requiredProperty(name string) *odataError {
	return badRequest("invalidRequest", fmt.Sprintf("The property '%s' is required and must not be empty.", name))
}

func unknownProperty(name, typeName string) *odataError {
	return badRequest("BadRequest", fmt.Sprintf(
		"The property '%s' does not exist on type '%s'. Make sure to only use property names that are defined by the type or mark the type as open type.",
		name, typeName))
}

func sortedKeys(m map[string]json.RawMessage) []string {
	return slices.Sorted(maps.Keys(m))
}

// queryOptions are the OData system query options the emulator understands. Graph v1.0 accepts them with
// or without the '$' prefix, and so does the emulator.
type queryOptions struct {
	selected []string // nil when $select is absent
	top      int
	after    int64 // from $skiptoken: the creation sequence number of the last item already returned
	filter   func(Connector) bool
}

func parseQueryOptions(rawQuery string, collection bool) (queryOptions, *odataError) {
	var opts queryOptions
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return opts, badRequest("BadRequest", "The query string is malformed: "+err.Error()+".")
	}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		value := values.Get(key)
		name := strings.ToLower(strings.TrimPrefix(key, "$"))
		switch {
		case name == "select":
			sel, oerr := parseSelect(value)
			if oerr != nil {
				return opts, oerr
			}
			opts.selected = sel
		case collection && name == "top":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > maxTop {
				return opts, badRequest("BadRequest", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", value, maxTop))
			}
			opts.top = n
		case collection && name == "skiptoken":
			after, ok := decodeSkipToken(value)
			if !ok {
				return opts, badRequest("BadRequest", "The $skiptoken is not valid; follow @odata.nextLink as given.")
			}
			opts.after = after
		case collection && name == "filter":
			f, oerr := parseFilter(value)
			if oerr != nil {
				return opts, oerr
			}
			opts.filter = f
		case strings.HasPrefix(key, "$") || slices.Contains([]string{"top", "skiptoken", "filter", "count", "orderby", "search", "skip", "expand"}, name):
			return opts, badRequest("BadRequest", fmt.Sprintf("The query option '%s' is not supported here.", key))
		}
	}
	return opts, nil
}

func parseSelect(value string) ([]string, *odataError) {
	selected := []string{}
	for _, item := range strings.Split(value, ",") {
		item = strings.TrimSpace(item)
		i := slices.IndexFunc(connectorProperties, func(p string) bool { return strings.EqualFold(p, item) })
		if i < 0 {
			return nil, badRequest("BadRequest", fmt.Sprintf(
				"Parsing OData Select and Expand failed: Could not find a property named '%s' on type '%s'.", item, typeConnector))
		}
		if !slices.Contains(selected, connectorProperties[i]) {
			selected = append(selected, connectorProperties[i])
		}
	}
	return selected, nil
}

// parseFilter understands `displayName eq '...'` and `id eq '...'`, the lookups a data source needs;
// string comparison is case-insensitive as in the directory.
func parseFilter(expr string) (func(Connector) bool, *odataError) {
	unsupported := badRequest("Request_UnsupportedQuery", fmt.Sprintf(
		"Unsupported or invalid query filter clause specified: '%s'. Only \"displayName eq '...'\" and \"id eq '...'\" are supported.", expr))
	property, rest, ok := strings.Cut(strings.TrimSpace(expr), " ")
	if !ok {
		return nil, unsupported
	}
	operator, literal, ok := strings.Cut(strings.TrimSpace(rest), " ")
	literal = strings.TrimSpace(literal)
	if !ok || !strings.EqualFold(operator, "eq") || len(literal) < 2 || literal[0] != '\'' || literal[len(literal)-1] != '\'' {
		return nil, unsupported
	}
	want := strings.ReplaceAll(literal[1:len(literal)-1], "''", "'")
	switch property {
	case "displayName":
		return func(c Connector) bool { return strings.EqualFold(c.DisplayName, want) }, nil
	case "id":
		return func(c Connector) bool { return strings.EqualFold(c.ID, want) }, nil
	default:
		return nil, unsupported
	}
}

const skipTokenPrefix = "fakegraph-apiConnectors:"

// encodeSkipToken makes an opaque continuation token. It names the last item returned rather than an
// offset, so that a connector deleted between pages does not make the next page skip another one.
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
		if k, err := url.QueryUnescape(key); err == nil && strings.EqualFold(strings.TrimPrefix(k, "$"), "skiptoken") {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(append(kept, "$skiptoken="+token), "&")
}
