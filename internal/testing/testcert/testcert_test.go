package testcert

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

func TestMake_packsWhatTheOptionsSay(t *testing.T) {
	notBefore := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		opts     Options
		password string
		key      bool // DecodeChain finds the certificate's own key
	}{
		"defaults":       {key: true},
		"no password":    {opts: Options{Password: new(""), Encoder: pkcs12.Passwordless}, key: true},
		"without key":    {opts: Options{WithoutKey: true}},
		"mismatched key": {opts: Options{MismatchedKey: true}},
		"shared key":     {opts: Options{Key: SharedKey(0), NotBefore: notBefore}, key: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			pfx := New(t, tc.opts)
			der, err := base64.StdEncoding.DecodeString(pfx.Base64)
			if err != nil {
				t.Fatal(err)
			}
			if tc.opts.WithoutKey {
				certs, err := pkcs12.DecodeTrustStore(der, pfx.Password)
				if err != nil || len(certs) != 1 || !certs[0].Equal(pfx.Cert) {
					t.Fatalf("trust store: %v, %d certificates", err, len(certs))
				}
				return
			}
			key, cert, _, err := pkcs12.DecodeChain(der, pfx.Password)
			if err != nil || !cert.Equal(pfx.Cert) || Thumbprint(cert) != pfx.Thumbprint {
				t.Fatalf("DecodeChain: %v", err)
			}
			if ownKey := pfx.Key.Equal(key); ownKey != tc.key {
				t.Errorf("the file holds the certificate's own key: %t, want %t", ownKey, tc.key)
			}
			if tc.opts.Key != nil && !pfx.Key.Equal(tc.opts.Key) || !tc.opts.NotBefore.IsZero() && !pfx.NotBefore.Equal(notBefore) {
				t.Errorf("the options were not followed: not before %s", pfx.NotBefore)
			}
			if _, err := tls.X509KeyPair(pfx.PEM(), pfx.PEM()); err != nil {
				t.Errorf("PEM: %v", err)
			}
		})
	}
}

func TestNewLoopback_servesTheLoopbackNames(t *testing.T) {
	chain, err := NewLoopback(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(chain.CA)
	for _, name := range []string{"localhost", "127.0.0.1", "::1"} {
		if _, err := chain.Server.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
