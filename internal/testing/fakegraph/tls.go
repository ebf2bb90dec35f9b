package fakegraph

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
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
		now := time.Now()
		caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic("fakegraph: generating the CA key: " + err.Error())
		}
		ca := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "fakegraph test CA", Organization: []string{"terraform-provider-entra tests"}},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(tlsLifetime),
			IsCA:                  true,
			BasicConstraintsValid: true,
			MaxPathLenZero:        true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		}
		caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
		if err != nil {
			panic("fakegraph: signing the CA certificate: " + err.Error())
		}
		caCert, _ := x509.ParseCertificate(caDER)
		serverKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic("fakegraph: generating the server key: " + err.Error())
		}
		leaf := &x509.Certificate{
			SerialNumber: big.NewInt(2),
			Subject:      pkix.Name{CommonName: "localhost"},
			DNSNames:     []string{"localhost"},
			IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(tlsLifetime),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &serverKey.PublicKey, caKey)
		if err != nil {
			panic("fakegraph: signing the server certificate: " + err.Error())
		}
		authority.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
		authority.pool = x509.NewCertPool()
		authority.pool.AddCert(caCert)
		authority.server = tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: serverKey}
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
