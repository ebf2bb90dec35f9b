package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"time"
)

// Loopback is a certificate authority and one server certificate it signed for the loopback names
// (localhost, 127.0.0.1 and ::1), as a local HTTPS server needs when its clients only talk TLS.
type Loopback struct {
	// CA is the authority's certificate, and CAPEM the same in PEM, for a client's trusted roots.
	CA    *x509.Certificate
	CAPEM []byte
	// Server is the server's certificate chain (its own, then the CA's) and key.
	Server tls.Certificate
}

// NewLoopback makes a certificate authority and a server certificate, both valid from an hour ago for
// lifetime, with P-256 ECDSA keys (fast to make).
func NewLoopback(lifetime time.Duration) (Loopback, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Loopback{}, err
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "fakegraph test CA", Organization: []string{"terraform-provider-entra tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(lifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	ca, err := sign(caTemplate, caTemplate, caKey, caKey)
	if err != nil {
		return Loopback{}, err
	}
	serverKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Loopback{}, err
	}
	leaf, err := sign(&x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(lifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, serverKey, caKey)
	if err != nil {
		return Loopback{}, err
	}
	return Loopback{
		CA:     ca,
		CAPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}),
		Server: tls.Certificate{Certificate: [][]byte{leaf.Raw, ca.Raw}, PrivateKey: serverKey, Leaf: leaf},
	}, nil
}
