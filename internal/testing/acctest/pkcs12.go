package acctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Graph's thumbprint is SHA-1.
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// PFX is a PKCS#12 file made for one test, with what Graph will report for it.
type PFX struct {
	Base64     string
	Password   string
	Thumbprint string
	NotBefore  time.Time
	NotAfter   time.Time
	Cert       *x509.Certificate
	Key        *rsa.PrivateKey
}

// PFXOptions shape a test certificate. Zero values give a certificate valid from an hour ago for a year,
// a random password, and modern (AES) encryption.
type PFXOptions struct {
	CommonName string
	NotBefore  time.Time
	NotAfter   time.Time
	Password   *string
	Encoder    *pkcs12.Encoder
	// WithoutKey leaves the private key out; MismatchedKey puts in a key of another certificate.
	WithoutKey    bool
	MismatchedKey bool
}

// NewPFX makes a self-signed certificate and its PKCS#12 file. No key is ever committed: each test
// makes its own.
func NewPFX(t testing.TB, opts PFXOptions) PFX {
	t.Helper()
	now := time.Now().Truncate(time.Second)
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
	password := RandomSecret(t, "pfx")
	if opts.Password != nil {
		password = *opts.Password
	}
	key := newKey(t)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: opts.CommonName},
		NotBefore:    opts.NotBefore.UTC(),
		NotAfter:     opts.NotAfter.UTC(),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	var pfx []byte
	switch {
	case opts.WithoutKey:
		pfx, err = opts.Encoder.EncodeTrustStore([]*x509.Certificate{cert}, password)
	case opts.MismatchedKey:
		pfx, err = opts.Encoder.Encode(newKey(t), cert, nil, password)
	default:
		pfx, err = opts.Encoder.Encode(key, cert, nil, password)
	}
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(der) //nolint:gosec // Graph's thumbprint is SHA-1.
	return PFX{
		Base64:     base64.StdEncoding.EncodeToString(pfx),
		Password:   password,
		Thumbprint: strings.ToUpper(hex.EncodeToString(sum[:])),
		NotBefore:  cert.NotBefore,
		NotAfter:   cert.NotAfter,
		Cert:       cert,
		Key:        key,
	}
}

// newKey makes a 2048-bit RSA key; smaller keys would be faster but are refused by crypto/rsa.
func newKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// RandomSecret returns a recognisable secret that exists only in this test run, so that finding it
// anywhere is proof of a leak.
func RandomSecret(t testing.TB, label string) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return label + "-" + hex.EncodeToString(b)
}
