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
)

// connectorType is the identityApiConnector as $select and $expand see it: it has no navigation
// properties, so every $expand is refused.
var connectorType = entityType{name: typeConnector, properties: []string{"id", "displayName", "targetUrl", "authenticationConfiguration"}}

func (s *Server) createConnector(c *call) *odataError {
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	change, err := parseConnectorChange(members, "", c.arrived)
	if err != nil {
		return err
	}
	conn := Connector{ID: newGUID(), DisplayName: *change.displayName, TargetURL: *change.targetURL, Auth: *change.auth}
	s.mu.Lock()
	s.nextSeq++
	s.records[storeKey(conn.ID)] = &record{connector: conn.clone(), seq: s.nextSeq, createdAt: c.arrived}
	s.mu.Unlock()

	c.out.Header().Set("Location", c.url("/identity/apiConnectors/"+conn.ID))
	s.writeConnector(c, http.StatusCreated, conn, queryOptions{})
	return nil
}

func (s *Server) getConnector(c *call) *odataError {
	id, err := c.objectID()
	if err != nil {
		return err
	}
	q, err := parseQuery(c.r.URL.RawQuery, readEntity(connectorType))
	if err != nil {
		return err
	}
	s.mu.Lock()
	conn, found := s.readableConnector(id, c.exchange)
	if found && s.flapNotFound() {
		found = false
	}
	s.mu.Unlock()
	if !found {
		return notFound(id)
	}
	s.writeConnector(c, http.StatusOK, conn, q)
	return nil
}

// readableConnector is what a GET sees: a connector replication lag does not hide yet, or one deleted so
// recently that the lag still shows it. The caller holds s.mu.
func (s *Server) readableConnector(id string, ex *exchange) (Connector, bool) {
	if rec := s.visibleRecord(id, ex); rec != nil {
		return rec.seenBy(ex), true
	}
	if t, ok := s.tombstones[storeKey(id)]; ok {
		if ex.arrived.Before(t.deletedAt.Add(ex.faults.ReplicationLag)) {
			ex.stale = true
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

func (s *Server) listConnectors(c *call) *odataError {
	q, err := parseQuery(c.r.URL.RawQuery, readCollection(connectorType))
	if err != nil {
		return err
	}
	var items []listItem
	s.mu.Lock()
	for _, rec := range s.sortedRecords() {
		if rec.visible(c.arrived, c.faults.ReplicationLag) {
			items = append(items, listItem{position: rec.seq, value: connectorJSON(rec.seenBy(c.exchange), c.arrived)})
		}
	}
	s.mu.Unlock()
	s.writeList(c, c.url("/$metadata#identity/apiConnectors"+q.contextSelection()), "/identity/apiConnectors", q, items)
	return nil
}

func (s *Server) updateConnector(c *call) *odataError {
	id, err := c.objectID()
	if err != nil {
		return err
	}
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	change, err := parseConnectorChange(members, id, c.arrived)
	if err != nil {
		return err
	}
	return s.writeVisible(c, id, func(rec *record) {
		if c.unappliedWrite(WriteConnectorUpdate) {
			return
		}
		before := rec.connector.clone()
		rec.beforePatch, rec.patchedAt = &before, c.arrived
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
	})
}

// writeVisible applies write to the connector id names and answers 204 No Content, or 404 when there is
// none or replication lag still hides it from the call.
func (s *Server) writeVisible(c *call, id string, write func(*record)) *odataError {
	s.mu.Lock()
	rec := s.visibleRecord(id, c.exchange)
	if rec != nil {
		write(rec)
	}
	s.mu.Unlock()
	if rec == nil {
		return notFound(id)
	}
	c.out.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteConnector(c *call) *odataError {
	id, err := c.objectID()
	if err != nil {
		return err
	}
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	return s.writeVisible(c, id, func(rec *record) {
		key := storeKey(id)
		delete(s.records, key)
		s.tombstones[key] = tombstone{connector: rec.connector.clone(), deletedAt: c.arrived}
	})
}

func (s *Server) uploadClientCertificate(c *call) *odataError {
	id, err := c.objectID()
	if err != nil {
		return err
	}
	if _, err := parseQuery(c.r.URL.RawQuery, noQueryOptions); err != nil {
		return err
	}
	members, err := readJSONObject(c.exchange)
	if err != nil {
		return err
	}
	cert, err := parsePKCS12Members(members, "uploadClientCertificate", c.arrived)
	if err != nil {
		return err
	}
	s.mu.Lock()
	rec := s.visibleRecord(id, c.exchange)
	var conn Connector
	var appendErr error
	if rec != nil {
		auth := rec.connector.clone().Auth
		appendErr = appendCertificate(&auth, cert)
		if appendErr == nil && !c.unappliedWrite(WriteCertificateUpload) {
			rec.connector.Auth = auth
		}
		conn = rec.connector.clone()
	}
	s.mu.Unlock()
	switch {
	case rec == nil:
		return notFound(id)
	case appendErr != nil:
		return badRequest("invalidRequest", "Invalid pkcs12Value: "+appendErr.Error()+".")
	}
	s.writeConnector(c, http.StatusOK, conn, queryOptions{})
	return nil
}

// writeConnector answers with one connector, and of it what q selects. Its "@odata.context" is the same
// for create (201), get and uploadClientCertificate (200), as their reference pages show it, and names the
// selected properties after a $select.
func (s *Server) writeConnector(c *call, status int, conn Connector, q queryOptions) {
	context := c.url("/$metadata#identity/apiConnectors" + q.contextSelection() + "/$entity")
	body := append(jsonObject{{"@odata.context", context}}, q.project(connectorJSON(conn, c.arrived))...)
	writeJSON(c.out, status, odataJSON, body)
}

// connectorJSON is the read representation, in Graph's order. Secrets never appear: a password is masked
// and a certificate is described by its thumbprint and validity only.
func connectorJSON(c Connector, now time.Time) jsonObject {
	return jsonObject{
		{"id", c.ID},
		{"displayName", c.DisplayName},
		{"targetUrl", c.TargetURL},
		{"authenticationConfiguration", authJSON(c.Auth, now)},
	}
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

// readJSONObject reads a write's body as a JSON object, with Graph's answers for the ways that fails.
func readJSONObject(ex *exchange) (map[string]json.RawMessage, *odataError) {
	if ex.bodyErr != nil {
		return nil, ex.bodyErr
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
