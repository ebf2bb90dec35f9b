package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/entra-iac/terraform-provider-entra/internal/redact"
)

// apiConnectorsPath is the collection of API connectors under the versioned base.
const apiConnectorsPath = "identity/apiConnectors"

// maxCreateAttempts bounds how often a create whose answer was lost is looked for and sent again. It is a
// backstop: the operation's deadline is the bound that matters. Each resend follows a search that found
// nothing, so more attempts never make a second connector, and under a few percent of 5xx a run of
// failures on one create among fifty made at once is routine.
const maxCreateAttempts = 10

// CreateAPIConnector creates a connector and reads it back until Graph serves it, so that the next read does
// not mistake replication lag for a deletion. When the operation's deadline comes first, it returns the
// connector the create answered with a *NotShownError.
//
// When the answer to the POST is lost, Graph may have created the connector. The client then looks for a
// connector that matches what it sent (name, URL, and the public half of the credentials) and adopts it;
// only when there is none does it send the POST again (see createOnce). Secrets are not part of the match:
// Graph never returns them.
func (c *Client) CreateAPIConnector(ctx context.Context, connector APIConnector) (*APIConnector, error) {
	created, err := createOnce(ctx, c, "API connector", func(ctx context.Context) (*APIConnector, error) {
		return postOne[APIConnector](ctx, c, apiConnectorsPath, connector, "the created API connector")
	}, func(ctx context.Context) (*APIConnector, error) {
		return c.findCreated(ctx, connector)
	})
	if err != nil {
		return nil, err
	}
	return readUntilServed(ctx, "POST "+c.pathOf(apiConnectorsPath), created, func(ctx context.Context) (*APIConnector, error) {
		return c.GetAPIConnector(ctx, created.ID)
	})
}

// findCreated returns the one connector that matches what a lost create sent, nil when there is none, or
// an error when several match and the client cannot tell which one it made.
func (c *Client) findCreated(ctx context.Context, sent APIConnector) (*APIConnector, error) {
	all, err := c.ListAPIConnectors(ctx)
	if err != nil {
		return nil, err
	}
	var matches []APIConnector
	for _, candidate := range all {
		if candidate.DisplayName == sent.DisplayName && candidate.TargetURL == sent.TargetURL &&
			holdsAuthentication(candidate.AuthenticationConfiguration, sent.AuthenticationConfiguration) {
			matches = append(matches, candidate)
		}
	}
	switch len(matches) {
	case 0:
		return nil, nil
	case 1:
		return &matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.ID
	}
	return nil, fmt.Errorf("%d connectors named %q call %s with the same credentials (%s); cannot tell which one the lost create made: import the right one and delete the others",
		len(matches), sent.DisplayName, redact.URL(sent.TargetURL), strings.Join(ids, ", "))
}

// holdsAuthentication reports whether what Graph returns reflects what was written: the same basic
// username, or a certificate list that holds the uploaded certificate.
func holdsAuthentication(got, sent Authentication) bool {
	switch sent := sent.(type) {
	case *BasicAuthentication:
		basic, ok := got.(*BasicAuthentication)
		return ok && basic.Username == sent.Username
	case *PKCS12Certificate:
		certs, ok := got.(*ClientCertificateAuthentication)
		return ok && (sent.Thumbprint == "" || slices.ContainsFunc(certs.CertificateList, func(ci CertificateInformation) bool {
			return strings.EqualFold(ci.Thumbprint, sent.Thumbprint)
		}))
	}
	return false
}

// GetAPIConnector reads one connector. A missing one is an error for which IsNotFound is true. Right
// after a write, use the write's own wait; to decide that a connector is gone, GetAPIConnectorConfirmed.
func (c *Client) GetAPIConnector(ctx context.Context, id string) (*APIConnector, error) {
	path, err := connectorPath(id)
	if err != nil {
		return nil, err
	}
	return getOne[APIConnector](ctx, c, path, "an API connector")
}

// GetAPIConnectorConfirmed reads one connector where a 404 decides that it is gone, as a refresh or a
// lookup by id does: a 404 is believed only once Graph repeats it (see confirmedRead).
func (c *Client) GetAPIConnectorConfirmed(ctx context.Context, id string) (*APIConnector, error) {
	return confirmedRead(ctx, c, "API connector "+id, func(ctx context.Context) (*APIConnector, error) {
		return c.GetAPIConnector(ctx, id)
	})
}

// ListAPIConnectors reads every connector, following @odata.nextLink across pages.
func (c *Client) ListAPIConnectors(ctx context.Context) ([]APIConnector, error) {
	return getAllPages[APIConnector](ctx, c, apiConnectorsPath, "API connectors")
}

// UpdateAPIConnector sends a PATCH holding only the properties set in update, then reads the connector
// until Graph shows them, so that the next read does not take a lagging replica's old values for drift,
// and returns it. An empty update sends nothing and returns nil. A PATCH with a PKCS12Certificate replaces
// every earlier certificate. When the operation's deadline comes before Graph shows the update, it returns
// the connector as Graph last showed it (nil when no read answered) with a *NotShownError.
func (c *Client) UpdateAPIConnector(ctx context.Context, id string, update APIConnectorUpdate) (*APIConnector, error) {
	if update.Empty() {
		return nil, nil
	}
	path, err := connectorPath(id)
	if err != nil {
		return nil, err
	}
	// Repeating a PATCH leaves the same object, so a lost answer is mended by sending it again.
	if _, err := c.do(ctx, request{method: http.MethodPatch, path: path, body: update, repeatable: true}); err != nil {
		return nil, err
	}
	return readUntilShown(ctx, "PATCH "+c.pathOf(path), func(ctx context.Context) (*APIConnector, error) {
		return c.GetAPIConnector(ctx, id)
	}, func(got *APIConnector) []Pending { return pendingUpdate(got, update) })
}

// pendingUpdate lists the properties of update that got does not show.
func pendingUpdate(got *APIConnector, update APIConnectorUpdate) []Pending {
	var pending []Pending
	if update.DisplayName != nil && got.DisplayName != *update.DisplayName {
		pending = append(pending, Pending{"displayName", *update.DisplayName, got.DisplayName})
	}
	if update.TargetURL != nil && got.TargetURL != *update.TargetURL {
		pending = append(pending, Pending{"targetUrl", redact.URL(*update.TargetURL), redact.URL(got.TargetURL)})
	}
	if update.AuthenticationConfiguration != nil && !holdsAuthentication(got.AuthenticationConfiguration, update.AuthenticationConfiguration) {
		pending = append(pending, Pending{"authenticationConfiguration",
			describeAuthentication(update.AuthenticationConfiguration), describeAuthentication(got.AuthenticationConfiguration)})
	}
	return pending
}

// describeAuthentication says what an authentication holds, without its secrets: for NotShownError.
func describeAuthentication(a Authentication) string {
	switch a := a.(type) {
	case nil:
		return ""
	case *BasicAuthentication:
		return "basic authentication as " + a.Username
	case *PKCS12Certificate:
		return "the certificate " + strings.ToUpper(a.Thumbprint)
	case *ClientCertificateAuthentication:
		thumbprints := make([]string, len(a.CertificateList))
		for i, certificate := range a.CertificateList {
			thumbprints[i] = strings.ToUpper(certificate.Thumbprint)
		}
		return "the certificates " + strings.Join(thumbprints, ", ")
	}
	return a.ODataType()
}

// UploadClientCertificate adds a certificate to a connector's list, keeping the ones it holds; Graph
// makes the newest valid one active. The answer is the connector as Graph now describes it. When the
// certificate has a Thumbprint and the answer does not list it, the connector is read until Graph does; when
// the operation's deadline comes first, it returns the connector as Graph last showed it with a
// *NotShownError. Uploading twice would list the certificate twice, so when the answer is lost, the
// certificate is looked for by its Thumbprint before it is sent again (see createOnce); without one, the
// lost answer is the error.
func (c *Client) UploadClientCertificate(ctx context.Context, id string, certificate PKCS12Certificate) (*APIConnector, error) {
	path, err := connectorPath(id)
	if err != nil {
		return nil, err
	}
	// The members in the order of Graph's reference; the password goes even when it is "".
	body := struct {
		Value    string `json:"pkcs12Value"`
		Password string `json:"password"`
	}{certificate.Value, certificate.Password}
	connector, err := createOnce(ctx, c, "certificate of API connector "+id, func(ctx context.Context) (*APIConnector, error) {
		return postOne[APIConnector](ctx, c, path+"/uploadClientCertificate", body, "the API connector")
	}, func(ctx context.Context) (*APIConnector, error) {
		if certificate.Thumbprint == "" {
			return nil, errors.New("a certificate without a thumbprint cannot be looked for")
		}
		got, err := c.GetAPIConnector(ctx, id)
		if IsNotFound(err) || err == nil && !holdsAuthentication(got.AuthenticationConfiguration, &certificate) {
			return nil, nil
		}
		return got, err
	})
	if err != nil {
		return nil, err
	}
	return c.readBackCertificate(ctx, path, connector, certificate)
}

// readBackCertificate reads a connector until it lists the certificate uploaded, starting from answer, the
// upload's own answer. A certificate without a Thumbprint cannot be looked for: the answer is taken as it is.
func (c *Client) readBackCertificate(ctx context.Context, path string, answer *APIConnector, certificate PKCS12Certificate) (*APIConnector, error) {
	pending := func(got *APIConnector) []Pending {
		if certificate.Thumbprint == "" || holdsAuthentication(got.AuthenticationConfiguration, &certificate) {
			return nil
		}
		return []Pending{{"certificateList", describeAuthentication(&certificate), describeAuthentication(got.AuthenticationConfiguration)}}
	}
	if len(pending(answer)) == 0 {
		return answer, nil
	}
	got, err := readUntilShown(ctx, "POST "+c.pathOf(path+"/uploadClientCertificate"), func(ctx context.Context) (*APIConnector, error) {
		return getOne[APIConnector](ctx, c, path, "an API connector")
	}, pending)
	if got == nil {
		return answer, err
	}
	return got, err
}

// DeleteAPIConnector deletes a connector and reads it until Graph no longer serves it. A connector that is
// already gone is not an error. When the operation's deadline comes while Graph still serves it, the error
// is a *NotShownError; a read that fails is only logged (see readUntilGone).
func (c *Client) DeleteAPIConnector(ctx context.Context, id string) error {
	path, err := connectorPath(id)
	if err != nil {
		return err
	}
	// A DELETE sent again after a lost answer finds nothing, which is the outcome wanted.
	_, err = c.do(ctx, request{method: http.MethodDelete, path: path, repeatable: true})
	if err != nil && !IsNotFound(err) {
		return err
	}
	return readUntilGone(ctx, "DELETE "+c.pathOf(path), "API connector "+id, func(ctx context.Context) (*APIConnector, error) {
		return c.GetAPIConnector(ctx, id)
	})
}

// connectorPath is the path of one connector. Graph ids are GUIDs; anything that could change the path
// (see isPathID) is refused before a request is made.
func connectorPath(id string) (string, error) {
	if !isPathID(id) {
		return "", fmt.Errorf("%q is not an API connector id", id)
	}
	return apiConnectorsPath + "/" + url.PathEscape(id), nil
}
