package fakegraph

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// The emulator serves TLS as Entra and Graph do: Microsoft's sign-in library only talks to an https
// authority. Every emulator in a process shares one certificate authority, because a client process reads
// its trusted roots once (Go's from SSL_CERT_FILE at the first TLS handshake), so that a CA made later would
// never be trusted. The CA signs one server certificate for the loopback names the emulator listens on.
var authority struct {
	once   sync.Once
	caPEM  []byte
	pool   *x509.CertPool
	server tls.Certificate
}

// tlsLifetime is how long the emulator's certificates are valid: longer than any test run or demo.
const tlsLifetime = 30 * 24 * time.Hour

func loadAuthority() {
	authority.once.Do(func() {
		chain, err := testcert.NewLoopback(tlsLifetime)
		if err != nil {
			panic("fakegraph: making the TLS certificates: " + err.Error())
		}
		authority.caPEM = chain.CAPEM
		authority.pool = x509.NewCertPool()
		authority.pool.AddCert(chain.CA)
		authority.server = chain.Server
	})
}

// CACertificatePEM is the PEM of the certificate authority behind every emulator of this process. A client
// trusts the emulator by adding it to its roots: SSL_CERT_FILE names a file holding it for Go programs,
// OpenTofu and Terraform alike.
func CACertificatePEM() []byte {
	loadAuthority()
	return append([]byte(nil), authority.caPEM...)
}

// WriteCACertificate writes CACertificatePEM to path, readable by everyone: it is a public certificate.
func WriteCACertificate(path string) error {
	//nolint:gosec // A CA certificate is public; clients running as other users may need to read it.
	if err := os.WriteFile(path, CACertificatePEM(), 0o644); err != nil {
		return fmt.Errorf("fakegraph: writing the CA certificate: %w", err)
	}
	return nil
}

// ServerTLSConfig is the TLS configuration the emulator serves with, for a caller that listens itself.
func ServerTLSConfig() *tls.Config {
	loadAuthority()
	return &tls.Config{Certificates: []tls.Certificate{authority.server}, MinVersion: tls.VersionTLS12}
}

// Client returns an HTTP client that trusts the emulator's certificate authority, without touching the
// process's own trusted roots.
func (s *Server) Client() *http.Client { return trustingClient() }

func trustingClient() *http.Client {
	loadAuthority()
	return &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyFromEnvironment,
		TLSClientConfig: &tls.Config{RootCAs: authority.pool, MinVersion: tls.VersionTLS12},
	}}
}
