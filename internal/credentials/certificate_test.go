package credentials

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

const pfxPassword = "pfx-Passw0rd!"

// certificateEndpoint is a token endpoint that accepts only assertions signed for cert.
func certificateEndpoint(t *testing.T, cert *x509.Certificate, now func() time.Time) *tokenEndpoint {
	t.Helper()
	verifier := &assertionVerifier{cert: cert, now: now, jtis: map[string]bool{}}
	endpoint := newTokenEndpoint(t, verifier.accept)
	verifier.tokenURL = endpoint.tokenURL
	return endpoint
}

func TestClientCertificate_sendsAFreshVerifiedAssertionEachRequest(t *testing.T) {
	key := testKeys()[0]
	cert := validCertificate(t, key)
	fixed := time.Now().Truncate(time.Second)
	now := func() time.Time { return fixed }
	endpoint := certificateEndpoint(t, cert, now)
	// Tokens inside the refresh margin make every Token call a new request, each needing a new jti.
	endpoint.setExpiresIn(60)
	encoded, err := pkcs12.Modern.Encode(key, cert, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	cfg := endpoint.config()
	cfg.ClientCertificate, cfg.ClientCertificatePassword, cfg.Now = encoded, pfxPassword, now
	src, method, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if method != ClientCertificate {
		t.Errorf("method = %s, want %s", method, ClientCertificate)
	}
	for i := range 3 {
		if _, err := src.Token(); err != nil {
			t.Fatalf("token request %d: %v", i+1, err)
		}
	}
	forms := endpoint.requests()
	if len(forms) != 3 {
		t.Fatalf("%d token requests, want 3", len(forms))
	}
	if forms[0].Get("client_assertion") == forms[1].Get("client_assertion") {
		t.Error("the same assertion was sent twice")
	}
}

func TestClientCertificate_endpointRefusesAnotherKey(t *testing.T) {
	keys := testKeys()
	registered := validCertificate(t, keys[0])
	other := validCertificate(t, keys[1])
	endpoint := certificateEndpoint(t, registered, time.Now)
	encoded, err := pkcs12.Modern.Encode(keys[1], other, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	cfg := endpoint.config()
	cfg.ClientCertificate, cfg.ClientCertificatePassword = encoded, pfxPassword
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "AADSTS700027", testTraceID, testCorrID)
	assertNoSecret(t, err, pfxPassword)
}

func TestClientCertificate_readsEveryPKCS12Encryption(t *testing.T) {
	key := testKeys()[0]
	cert := validCertificate(t, key)
	encoders := map[string]*pkcs12.Encoder{
		"Modern2023": pkcs12.Modern2023,
		"LegacyDES":  pkcs12.LegacyDES,
		"LegacyRC2":  pkcs12.LegacyRC2,
	}
	for name, encoder := range encoders {
		t.Run(name, func(t *testing.T) {
			encoded, err := encoder.Encode(key, cert, nil, pfxPassword)
			if err != nil {
				t.Fatal(err)
			}
			endpoint := certificateEndpoint(t, cert, time.Now)
			cfg := endpoint.config()
			cfg.ClientCertificate, cfg.ClientCertificatePassword = encoded, pfxPassword
			src, _, err := NewTokenSource(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := src.Token(); err != nil {
				t.Fatal(err)
			}

			cfg.ClientCertificatePassword = "not-the-password"
			_, _, err = NewTokenSource(context.Background(), cfg)
			assertContains(t, err, "client_certificate: the password does not open this PKCS#12 file")
			assertNoSecret(t, err, "not-the-password")
		})
	}
}

func TestClientCertificate_findsLeafListedAfterItsIssuer(t *testing.T) {
	keys := testKeys()
	leaf := validCertificate(t, keys[0])
	issuer := validCertificate(t, keys[1])
	// The key belongs to the second certificate: the first one the file lists is the issuer's.
	encoded, err := pkcs12.Modern.Encode(keys[0], issuer, []*x509.Certificate{leaf}, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	endpoint := certificateEndpoint(t, leaf, time.Now)
	cfg := endpoint.config()
	cfg.ClientCertificate, cfg.ClientCertificatePassword = encoded, pfxPassword
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
}

func TestClientCertificate_readsPEM(t *testing.T) {
	key := testKeys()[0]
	cert := validCertificate(t, key)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]byte{
		"PKCS#1 key after the certificate":  append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))...),
		"PKCS#8 key before the certificate": append(pemBlock("PRIVATE KEY", pkcs8), pemBlock("CERTIFICATE", cert.Raw)...),
	}
	for name, input := range inputs {
		t.Run(name, func(t *testing.T) {
			endpoint := certificateEndpoint(t, cert, time.Now)
			cfg := endpoint.config()
			cfg.ClientCertificate = input
			src, _, err := NewTokenSource(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := src.Token(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestClientCertificate_rejectsBadInputAtConfigureTime(t *testing.T) {
	keys := testKeys()
	cert := validCertificate(t, keys[0])
	expired := newCertificate(t, keys[0], time.Now().AddDate(-2, 0, 0), time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecCert := validCertificate(t, ecKey)
	ecPFX, err := pkcs12.Modern.Encode(ecKey, ecCert, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	expiredPFX, err := pkcs12.Modern.Encode(keys[0], expired, nil, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	certificateOnly, err := pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{cert}, pfxPassword)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input []byte
		now   func() time.Time
		want  string
	}{
		{"expired PKCS#12", expiredPFX, nil, "expired on 2025-03-01T12:00:00Z"},
		{"PEM certificate without a key", pemBlock("CERTIFICATE", cert.Raw), nil, "no private key"},
		{"valid certificate read after its end", append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(keys[0]))...),
			func() time.Time { return cert.NotAfter.Add(time.Minute) }, "expired on"},
		{"not yet valid", append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(keys[0]))...),
			func() time.Time { return cert.NotBefore.Add(-time.Hour) }, "is not valid until"},
		{"PKCS#12 without a key", certificateOnly, nil, "no private key"},
		{"ECDSA key", ecPFX, nil, "only RSA keys are supported"},
		{"key of another certificate", append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(keys[1]))...),
			nil, "the key does not match the certificate"},
		{"PEM key only", pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(keys[0])), nil, "no certificate"},
		{"encrypted PEM key", append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("ENCRYPTED PRIVATE KEY", []byte{1, 2, 3})...), nil, "encrypted PEM private keys are not supported"},
		{"neither PEM nor PKCS#12", []byte("this is not a certificate"), nil, "neither PEM nor a readable PKCS#12 file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{
				TenantID: testTenantID, ClientID: testClientID, AuthorityHost: "https://login.example", Resource: testResource,
				ClientCertificate: tt.input, ClientCertificatePassword: pfxPassword, Now: tt.now,
			}
			_, _, err := NewTokenSource(context.Background(), cfg)
			assertContains(t, err, "client_certificate: ", tt.want)
			assertNoSecret(t, err, pfxPassword)
			assertBlames(t, err, "client_certificate")
		})
	}
}

func TestClientCertificate_wrongPasswordBlamesThePassword(t *testing.T) {
	key := testKeys()[0]
	pfx, err := pkcs12.Modern.Encode(key, validCertificate(t, key), nil, "another password")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = NewTokenSource(context.Background(), Config{
		TenantID: testTenantID, ClientID: testClientID, AuthorityHost: "https://login.example", Resource: testResource,
		ClientCertificate: pfx, ClientCertificatePassword: pfxPassword,
	})
	assertContains(t, err, "the password does not open this PKCS#12 file")
	assertNoSecret(t, err, pfxPassword, "another password")
	assertBlames(t, err, "client_certificate_password")
}

func TestClientCertificate_echoedAssertionIsMasked(t *testing.T) {
	key := testKeys()[0]
	cert := validCertificate(t, key)
	proxy := echoServer(t)
	cfg := Config{
		TenantID: testTenantID, ClientID: testClientID, AuthorityHost: proxy.URL, Resource: testResource,
		ClientCertificate: append(pemBlock("CERTIFICATE", cert.Raw), pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))...),
	}
	src, _, err := NewTokenSource(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token()
	assertContains(t, err, "HTTP 502", "client_assertion=***")
	// Every JWT starts with the base64 of `{"`, so no part of the assertion may be left either.
	assertNoSecret(t, err, "eyJ")
}
