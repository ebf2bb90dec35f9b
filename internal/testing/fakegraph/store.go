package fakegraph

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Connector is an API connector as the emulator stores it, secrets included, for assertions. Graph never
// returns the secrets.
type Connector struct {
	ID          string
	DisplayName string
	TargetURL   string
	Auth        Auth
}

// Auth is a connector's authentication configuration.
type Auth struct {
	Kind         string // "basic" or "certificate"; "" when none is set
	Username     string
	Password     string        // the password received, which the API never returns
	Certificates []Certificate // in upload order
}

// Auth kinds.
const (
	AuthBasic       = "basic"
	AuthCertificate = "certificate"
)

// Certificate is one client certificate of a connector.
type Certificate struct {
	Thumbprint     string // uppercase hex SHA-1 of the leaf certificate's DER
	NotBefore      time.Time
	NotAfter       time.Time
	PKCS12Password string // the password the PKCS#12 value came with
}

func (c Connector) clone() Connector {
	c.Auth.Certificates = slices.Clone(c.Auth.Certificates)
	return c
}

// activeCertificate is the index of the one certificate Graph marks active: the most recently uploaded
// one that is valid now. It is -1 when none is.
func activeCertificate(certs []Certificate, now time.Time) int {
	for i := len(certs) - 1; i >= 0; i-- {
		if !now.Before(certs[i].NotBefore) && now.Before(certs[i].NotAfter) {
			return i
		}
	}
	return -1
}

// record is a stored connector with what the emulator needs to page and to model replication lag.
type record struct {
	connector Connector
	seq       int64     // creation order, which lists and skip tokens follow
	createdAt time.Time // zero for out-of-band creates, which replication lag does not hide
	// beforePatch is the connector as it was before the last PATCH, at patchedAt, which a stale replica
	// still answers with (Faults.StaleReads); nil after an out-of-band change.
	beforePatch *Connector
	patchedAt   time.Time
}

// tombstone keeps a deleted connector readable while replication lag lasts.
type tombstone struct {
	connector Connector
	deletedAt time.Time
}

func storeKey(id string) string { return strings.ToLower(id) }

// visible reports whether a Graph request at now can see rec under the given replication lag.
func (rec *record) visible(now time.Time, lag time.Duration) bool {
	return rec.createdAt.IsZero() || !now.Before(rec.createdAt.Add(lag))
}

// seenBy is the connector as the read ex sees it: as it was before the last PATCH while StaleReads lasts
// (and then the request log marks the answer stale).
func (rec *record) seenBy(ex *exchange) Connector {
	if rec.beforePatch != nil && ex.arrived.Before(rec.patchedAt.Add(ex.faults.StaleReads)) {
		ex.stale = true
		return rec.beforePatch.clone()
	}
	return rec.connector.clone()
}

// Connectors returns every stored connector in creation order, including ones replication lag still hides.
func (s *Server) Connectors() []Connector {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.sortedRecords()
	out := make([]Connector, len(recs))
	for i, rec := range recs {
		out[i] = rec.connector.clone()
	}
	return out
}

// Connector returns the stored connector with the given id.
func (s *Server) Connector(id string) (Connector, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[storeKey(id)]
	if !ok {
		return Connector{}, false
	}
	return rec.connector.clone(), true
}

// PutConnector stores c as if it had been made in the portal: no validation, no faults, no log entry, and
// replication lag does not hide it. An empty ID gets a new GUID; an existing ID is replaced in place.
func (s *Server) PutConnector(c Connector) Connector {
	c = c.clone()
	if c.ID == "" {
		c.ID = newGUID()
	}
	key := storeKey(c.ID)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tombstones, key)
	if rec, ok := s.records[key]; ok {
		rec.connector = c
		rec.createdAt = time.Time{}
		rec.beforePatch = nil
		return c.clone()
	}
	s.nextSeq++
	s.records[key] = &record{connector: c, seq: s.nextSeq}
	return c.clone()
}

// EditConnector changes a stored connector out of band. edit gets a copy and may call the Server; its ID
// cannot change. It reports false when there is no such connector.
func (s *Server) EditConnector(id string, edit func(*Connector)) bool {
	c, ok := s.Connector(id)
	if !ok {
		return false
	}
	edit(&c)
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[storeKey(id)]
	if !ok {
		return false
	}
	c.ID = rec.connector.ID
	rec.connector = c.clone()
	rec.beforePatch = nil
	return true
}

// DeleteConnector removes a connector out of band; replication lag does not keep it readable.
func (s *Server) DeleteConnector(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := storeKey(id)
	if _, ok := s.records[key]; !ok {
		return false
	}
	delete(s.records, key)
	delete(s.tombstones, key)
	return true
}

// UploadCertificate appends a certificate out of band, with the rules of uploadClientCertificate: the
// PKCS#12 value must open with password, hold a key and a certificate, and not be expired. pkcs12Value is
// the PFX file itself; base64 text of it is accepted too.
func (s *Server) UploadCertificate(id string, pkcs12Value []byte, password string) error {
	der := pkcs12Value
	if len(der) > 0 && der[0] != 0x30 { // A DER PFX starts with a SEQUENCE tag; anything else may be base64.
		decoded, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(der)))
		if err != nil {
			return fmt.Errorf("fakegraph: pkcs12Value is neither DER nor base64: %w", err)
		}
		der = decoded
	}
	cert, err := decodePKCS12(der, password, s.now())
	if err != nil {
		return fmt.Errorf("fakegraph: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[storeKey(id)]
	if !ok {
		return fmt.Errorf("fakegraph: no API connector with id %q", id)
	}
	if err := appendCertificate(&rec.connector.Auth, cert); err != nil {
		return fmt.Errorf("fakegraph: %w", err)
	}
	return nil
}

var errDuplicateCertificate = errors.New("certificate already uploaded")

// appendCertificate adds cert the way uploadClientCertificate does. A connector that used basic
// authentication switches to certificates, since Graph holds one authentication configuration only. The
// same certificate twice is refused, so that a client which uploads again by mistake finds out.
func appendCertificate(auth *Auth, cert Certificate) error {
	if auth.Kind != AuthCertificate {
		*auth = Auth{Kind: AuthCertificate}
	}
	for _, c := range auth.Certificates {
		if c.Thumbprint == cert.Thumbprint {
			return fmt.Errorf("%w: a certificate with thumbprint %s is already on this API connector", errDuplicateCertificate, cert.Thumbprint)
		}
	}
	auth.Certificates = append(auth.Certificates, cert)
	return nil
}

// sortedRecords lists the records in creation order; the caller holds s.mu.
func (s *Server) sortedRecords() []*record {
	recs := make([]*record, 0, len(s.records))
	for _, rec := range s.records {
		recs = append(recs, rec)
	}
	slices.SortFunc(recs, func(a, b *record) int { return cmp.Compare(a.seq, b.seq) })
	return recs
}
