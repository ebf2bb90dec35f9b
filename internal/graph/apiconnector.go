package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// APIConnector is Graph's identityApiConnector: a REST API that a B2C or External ID user flow calls.
type APIConnector struct {
	ID                          string         `json:"id,omitempty"`
	DisplayName                 string         `json:"displayName"`
	TargetURL                   string         `json:"targetUrl"`
	AuthenticationConfiguration Authentication `json:"authenticationConfiguration,omitempty"`
}

// APIConnectorUpdate holds the properties of a PATCH. Nil fields are left out of the request, so Graph
// keeps their current values.
type APIConnectorUpdate struct {
	DisplayName                 *string        `json:"displayName,omitempty"`
	TargetURL                   *string        `json:"targetUrl,omitempty"`
	AuthenticationConfiguration Authentication `json:"authenticationConfiguration,omitempty"`
}

// Empty reports whether the update would change nothing.
func (u APIConnectorUpdate) Empty() bool {
	return u.DisplayName == nil && u.TargetURL == nil && u.AuthenticationConfiguration == nil
}

// Authentication is one of Graph's apiAuthenticationConfigurationBase types. BasicAuthentication and
// PKCS12Certificate are what a client writes, and marshal with their @odata.type;
// ClientCertificateAuthentication is what Graph returns once a certificate is set, and is only read.
type Authentication interface {
	ODataType() string
}

// The @odata.type names, as Graph writes them in responses.
const (
	odataBasicAuthentication             = "#microsoft.graph.basicAuthentication"
	odataPKCS12Certificate               = "#microsoft.graph.pkcs12Certificate"
	odataClientCertificateAuthentication = "#microsoft.graph.clientCertificateAuthentication"
)

// authenticationTypes maps each @odata.type to a zero value to decode it into.
var authenticationTypes = map[string]func() Authentication{
	odataBasicAuthentication:             func() Authentication { return &BasicAuthentication{} },
	odataPKCS12Certificate:               func() Authentication { return &PKCS12Certificate{} },
	odataClientCertificateAuthentication: func() Authentication { return &ClientCertificateAuthentication{} },
}

// BasicAuthentication is HTTP basic authentication. Graph masks the password in responses ("******") or
// leaves it out.
type BasicAuthentication struct {
	Username string `json:"username"`
	Password string `json:"password,omitempty"`
}

// PKCS12Certificate uploads a client certificate. Value is the base64 PKCS#12 file; Password is "" when
// the file has none (Graph wants the property present either way).
type PKCS12Certificate struct {
	Value    string `json:"pkcs12Value"`
	Password string `json:"password"`
	// Thumbprint, when the caller knows it, identifies the certificate when a write's outcome is unknown
	// and the client must find out whether Graph stored it. It is never sent.
	Thumbprint string `json:"-"`
}

// ClientCertificateAuthentication lists the certificates a connector holds.
type ClientCertificateAuthentication struct {
	CertificateList []CertificateInformation `json:"certificateList"`
}

// CertificateInformation is Graph's pkcs12CertificateInformation. NotBefore and NotAfter are Unix seconds.
type CertificateInformation struct {
	Thumbprint string `json:"thumbprint"`
	NotBefore  int64  `json:"notBefore"`
	NotAfter   int64  `json:"notAfter"`
	IsActive   bool   `json:"isActive"`
}

// UnknownAuthentication is an authentication type this client does not know, kept so that callers can
// name it in an error instead of failing to decode the whole connector.
type UnknownAuthentication struct {
	Type string
}

// ODataType implements Authentication.
func (*BasicAuthentication) ODataType() string { return odataBasicAuthentication }

// ODataType implements Authentication.
func (*PKCS12Certificate) ODataType() string { return odataPKCS12Certificate }

// ODataType implements Authentication.
func (*ClientCertificateAuthentication) ODataType() string {
	return odataClientCertificateAuthentication
}

// ODataType implements Authentication.
func (u *UnknownAuthentication) ODataType() string { return u.Type }

// MarshalJSON writes the @odata.type discriminator first, then the fields.
func (a *BasicAuthentication) MarshalJSON() ([]byte, error) {
	type plain BasicAuthentication
	return marshalJSON(struct {
		Type string `json:"@odata.type"`
		*plain
	}{a.ODataType(), (*plain)(a)})
}

// MarshalJSON writes the @odata.type discriminator first, then the fields.
func (a *PKCS12Certificate) MarshalJSON() ([]byte, error) {
	type plain PKCS12Certificate
	return marshalJSON(struct {
		Type string `json:"@odata.type"`
		*plain
	}{a.ODataType(), (*plain)(a)})
}

// decodeAuthentication reads a polymorphic authenticationConfiguration. Graph's own examples write the
// discriminator both with and without the leading '#', so both are accepted.
func decodeAuthentication(raw json.RawMessage) (Authentication, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var head struct {
		Type string `json:"@odata.type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("decoding authenticationConfiguration: %w", err)
	}
	typ := head.Type
	if typ != "" && !strings.HasPrefix(typ, "#") {
		typ = "#" + typ
	}
	newValue, ok := authenticationTypes[typ]
	if !ok {
		return &UnknownAuthentication{Type: head.Type}, nil
	}
	value := newValue()
	if err := json.Unmarshal(raw, value); err != nil {
		return nil, fmt.Errorf("decoding authenticationConfiguration of type %s: %w", typ, err)
	}
	return value, nil
}

// marshalJSON writes v as JSON without escaping '<', '>' and '&', as Graph's reference writes its requests:
// a target URL with a query reads in the request as it was configured. Every level of a request body
// uses it, since an encoder keeps the escapes of the JSON a MarshalJSON method returns.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads a connector as Graph returns it, its authenticationConfiguration by its @odata.type.
func (c *APIConnector) UnmarshalJSON(data []byte) error {
	type plain APIConnector
	*c = APIConnector{}
	// The outer member takes the polymorphic property, which the embedded struct cannot decode.
	wire := struct {
		*plain
		Authentication json.RawMessage `json:"authenticationConfiguration"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	var err error
	c.AuthenticationConfiguration, err = decodeAuthentication(wire.Authentication)
	return err
}
