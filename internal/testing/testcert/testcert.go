// Package testcert makes the throwaway certificates that tests and the Graph emulator need: self-signed client
// certificates packed as PKCS#12 (RFC 7292, what Graph's pkcs12CertificateAuthentication upload and the
// provider's client_certificate take), and the certificate authority and server certificate the emulator
// serves TLS with. No key is ever committed: each process makes its own.
//
// It imports nothing of this module, so that the tests of any package (package-internal ones included), the
// emulator and scripts/testcert can all use it without an import cycle.
package testcert

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Graph names certificates by their SHA-1 thumbprint.
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// PFX is a PKCS#12 file holding one self-signed client certificate, with what Graph reports for it.
type PFX struct {
	// Base64 is the file in standard base64, as Graph's pkcs12Value and the provider's value_wo take it.
	Base64   string
	Password string
	// Thumbprint is uppercase hex SHA-1 of the certificate's DER, as Graph writes it.
	Thumbprint string
	// NotBefore and NotAfter are the certificate's validity, whole seconds in UTC.
	NotBefore time.Time
	NotAfter  time.Time
	Cert      *x509.Certificate
	Key       *rsa.PrivateKey
}

// PEM is the certificate and then its private key (PKCS#1) in PEM, as client_certificate_path reads it.
func (p PFX) PEM() []byte {
	return append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.Cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(p.Key)})...)
}

// Options shape a certificate. The zero value gives a certificate valid from an hour ago for 365 days, signed
// by a new 2048-bit RSA key, under a random password, with modern (AES-256, PBKDF2) encryption.
type Options struct {
	CommonName string // "api-connector-test" when empty
	NotBefore  time.Time
	NotAfter   time.Time
	// Password nil: a random one; a pointer to "": no password.
	Password *string
	Encoder  *pkcs12.Encoder
	// Key signs the certificate; nil makes a new one. SharedKey saves the time of making many.
	Key *rsa.PrivateKey
	// WithoutKey leaves the private key out (a trust store); MismatchedKey puts in a key of another certificate.
	WithoutKey    bool
	MismatchedKey bool
}

// Encryptions are the PKCS#12 encryptions a file may use, by name: each must be read (Graph and the portal
// take them all), the legacy ones included because older tools still write them.
func Encryptions() map[string]Options {
	empty := ""
	return map[string]Options{
		"modern AES":         {Encoder: pkcs12.Modern},
		"modern 2026":        {Encoder: pkcs12.Modern2026},
		"legacy RC2":         {Encoder: pkcs12.LegacyRC2},
		"legacy 3DES":        {Encoder: pkcs12.LegacyDES},
		"without a password": {Encoder: pkcs12.Passwordless, Password: &empty},
	}
}

// Make makes a self-signed client certificate and its PKCS#12 file.
func Make(opts Options) (PFX, error) {
	now := time.Now().UTC().Truncate(time.Second)
	if opts.NotBefore.IsZero() {
		opts.NotBefore = now.Add(-time.Hour)
	}
	if opts.NotAfter.IsZero() {
		opts.NotAfter = opts.NotBefore.Add(365 * 24 * time.Hour)
	}
	if opts.CommonName == "" {
		opts.CommonName = "api-connector-test"
	}
	if opts.Encoder == nil {
		opts.Encoder = pkcs12.Modern
	}
	password := ""
	if opts.Password != nil {
		password = *opts.Password
	} else {
		password = "pfx-" + randomHex()
	}
	key := opts.Key
	if key == nil {
		key = newKey()
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: opts.CommonName},
		NotBefore:    opts.NotBefore.UTC(),
		NotAfter:     opts.NotAfter.UTC(),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	cert, err := sign(template, template, key, key)
	if err != nil {
		return PFX{}, err
	}
	var pfx []byte
	switch {
	case opts.WithoutKey:
		pfx, err = opts.Encoder.EncodeTrustStore([]*x509.Certificate{cert}, password)
	case opts.MismatchedKey:
		pfx, err = opts.Encoder.Encode(newKey(), cert, nil, password)
	default:
		pfx, err = opts.Encoder.Encode(key, cert, nil, password)
	}
	if err != nil {
		return PFX{}, fmt.Errorf("testcert: packing PKCS#12: %w", err)
	}
	return PFX{
		Base64:     base64.StdEncoding.EncodeToString(pfx),
		Password:   password,
		Thumbprint: Thumbprint(cert),
		NotBefore:  cert.NotBefore,
		NotAfter:   cert.NotAfter,
		Cert:       cert,
		Key:        key,
	}, nil
}

// New is Make for a test: it fails the test on an error.
func New(t testing.TB, opts Options) PFX {
	t.Helper()
	pfx, err := Make(opts)
	if err != nil {
		t.Fatal(err)
	}
	return pfx
}

// Thumbprint is the name Graph gives a certificate: uppercase hex SHA-1 of its DER.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // Graph names certificates by their SHA-1 thumbprint.
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// sharedKeys are made once per process, on first use.
var sharedKeys struct {
	sync.Mutex
	keys []*rsa.PrivateKey
}

// SharedKey is the i-th of the keys this process shares between certificates (0, 1, ...), made on first use:
// for suites that make many certificates, as generating an RSA key is the slowest thing they do.
func SharedKey(i int) *rsa.PrivateKey {
	sharedKeys.Lock()
	defer sharedKeys.Unlock()
	for len(sharedKeys.keys) <= i {
		sharedKeys.keys = append(sharedKeys.keys, newKey())
	}
	return sharedKeys.keys[i]
}

// newKey makes a 2048-bit RSA key: crypto/rsa refuses smaller ones, and it is what Graph's examples use.
func newKey() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("testcert: the system's random source failed: " + err.Error())
	}
	return key
}

// sign makes the certificate that template describes for key, signed by the issuer's key.
func sign(template, issuer *x509.Certificate, key, issuerKey crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, template, issuer, key.Public(), issuerKey)
	if err != nil {
		return nil, fmt.Errorf("testcert: signing %q: %w", template.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// serial is a random positive serial number, so that no two certificates share one (RFC 5280, 4.1.2.2).
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		panic("testcert: the system's random source failed: " + err.Error())
	}
	return n
}

func randomHex() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error (Go 1.24).
	return hex.EncodeToString(b)
}
