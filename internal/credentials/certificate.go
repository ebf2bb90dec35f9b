package credentials

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // Entra names certificates by their SHA-1 thumbprint (x5t); nothing is secured by it.
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"software.sslmate.com/src/go-pkcs12"
)

// assertionLifetime is how long a certificate assertion is valid. Entra only needs it for the one request it is
// made for; ten minutes leaves room for clock skew without making a leaked assertion useful for long.
const assertionLifetime = 10 * time.Minute

// clientCertificate is a parsed certificate with its RSA key, ready to sign assertions.
type clientCertificate struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
}

func newClientCertificateSource(s signIn) (oauth2.TokenSource, string, error) {
	c, err := parseClientCertificate(s.cfg.ClientCertificate, s.cfg.ClientCertificatePassword, s.now())
	if err != nil {
		return nil, "", err
	}
	src := &assertionTokenSource{
		method:   ClientCertificate,
		ctx:      s.ctx,
		client:   s.client,
		tokenURL: s.tokenURL,
		clientID: s.cfg.ClientID,
		scope:    s.scope,
		assertion: func() (string, error) {
			return c.assertion(s.tokenURL, s.cfg.ClientID, s.now())
		},
	}
	return src, c.thumbprintSHA256(), nil
}

// certificateFormats are tried in order; PKCS#12 is last because it has no marker to recognise it by.
var certificateFormats = []struct {
	matches func([]byte) bool
	read    func(data []byte, password string) (any, []*x509.Certificate, error)
}{
	{func(data []byte) bool { return bytes.Contains(data, []byte("-----BEGIN ")) }, readPEM},
	{func([]byte) bool { return true }, readPKCS12},
}

// parseClientCertificate reads a PKCS#12 file or PEM text and checks everything Entra would otherwise reject
// later with a vaguer message. Errors name the problem, never the password.
func parseClientCertificate(data []byte, password string, now time.Time) (*clientCertificate, error) {
	var key any
	var certs []*x509.Certificate
	var err error
	for _, format := range certificateFormats {
		if format.matches(data) {
			key, certs, err = format.read(data, password)
			break
		}
	}
	if err != nil {
		return nil, err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: only RSA keys are supported, and this one is %s", ClientCertificate, keyKind(key))
	}
	c := &clientCertificate{key: rsaKey}
	// A PKCS#12 file may list the chain before the leaf, so the certificate is the one whose key we hold.
	for _, cert := range certs {
		if rsaKey.PublicKey.Equal(cert.PublicKey) {
			c.cert = cert
			break
		}
	}
	if c.cert == nil {
		return nil, fmt.Errorf("%s: the key does not match the certificate (%s)", ClientCertificate, describeCertificate(certs[0]))
	}
	if now.After(c.cert.NotAfter) {
		return nil, fmt.Errorf("%s: the certificate (%s) expired on %s; upload a new one to the app registration and use it here",
			ClientCertificate, describeCertificate(c.cert), c.cert.NotAfter.UTC().Format(time.RFC3339))
	}
	if now.Before(c.cert.NotBefore) {
		return nil, fmt.Errorf("%s: the certificate (%s) is not valid until %s",
			ClientCertificate, describeCertificate(c.cert), c.cert.NotBefore.UTC().Format(time.RFC3339))
	}
	return c, nil
}

// keyKind names a key type for an error message.
func keyKind(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey:
		return "an ECDSA key"
	case ed25519.PrivateKey:
		return "an Ed25519 key"
	default:
		return fmt.Sprintf("a %T", key)
	}
}

// describeCertificate identifies a certificate the way the Entra portal lists it: subject and SHA-1 thumbprint.
func describeCertificate(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // The thumbprint the Entra portal shows, for recognition only.
	return fmt.Sprintf("subject %q, thumbprint %s", cert.Subject.String(), strings.ToUpper(hex.EncodeToString(sum[:])))
}

func (c *clientCertificate) thumbprintSHA256() string {
	sum := sha256.Sum256(c.cert.Raw)
	return hex.EncodeToString(sum[:])
}

// pkcs12Failures translate the library's errors into what a user can act on, and name the argument to fix. Both
// sentinel errors mean a wrong password: the second is what a file without a MAC gives when decrypted with the
// wrong one.
var pkcs12Failures = []struct {
	is       func(error) bool
	argument string
	message  string
}{
	{func(err error) bool { return errors.Is(err, pkcs12.ErrIncorrectPassword) }, "client_certificate_password",
		"the password does not open this PKCS#12 file"},
	{func(err error) bool { return errors.Is(err, pkcs12.ErrDecryption) }, "client_certificate_password",
		"the password does not open this PKCS#12 file"},
	{func(err error) bool { return err.Error() == "pkcs12: private key missing" }, "client_certificate",
		"no private key in the PKCS#12 file; export it with its private key"},
	{func(err error) bool { return err.Error() == "pkcs12: certificate missing" }, "client_certificate",
		"no certificate in the PKCS#12 file"},
}

func readPKCS12(data []byte, password string) (any, []*x509.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err == nil {
		return key, append([]*x509.Certificate{leaf}, chain...), nil
	}
	for _, failure := range pkcs12Failures {
		if failure.is(err) {
			return nil, nil, &ArgumentError{Argument: failure.argument, Summary: "Unusable client certificate",
				Err: fmt.Errorf("%s: %s", ClientCertificate, failure.message)}
		}
	}
	return nil, nil, fmt.Errorf("%s: this is neither PEM nor a readable PKCS#12 file: %w", ClientCertificate, err)
}

// pemContents gathers what the blocks of a PEM file hold.
type pemContents struct {
	keys  []any
	certs []*x509.Certificate
}

// pemBlockReaders handle the block types a certificate-and-key PEM file may hold; other blocks are skipped.
var pemBlockReaders = map[string]func(*pemContents, *pem.Block) error{
	"CERTIFICATE": func(c *pemContents, b *pem.Block) error {
		cert, err := x509.ParseCertificate(b.Bytes)
		c.certs = append(c.certs, cert)
		return err
	},
	"RSA PRIVATE KEY": func(c *pemContents, b *pem.Block) error {
		key, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		c.keys = append(c.keys, key)
		return err
	},
	"PRIVATE KEY": func(c *pemContents, b *pem.Block) error {
		key, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		c.keys = append(c.keys, key)
		return err
	},
	"EC PRIVATE KEY": func(c *pemContents, b *pem.Block) error {
		key, err := x509.ParseECPrivateKey(b.Bytes)
		c.keys = append(c.keys, key)
		return err
	},
	"ENCRYPTED PRIVATE KEY": func(*pemContents, *pem.Block) error {
		return errEncryptedPEM
	},
}

var errEncryptedPEM = errors.New("encrypted PEM private keys are not supported; use a PKCS#12 file with a password, or remove the PEM passphrase")

func readPEM(data []byte, _ string) (any, []*x509.Certificate, error) {
	var contents pemContents
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		read, known := pemBlockReaders[block.Type]
		if !known {
			continue
		}
		// Encryption from the old OpenSSL format is announced in a header rather than in the block type.
		if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
			return nil, nil, fmt.Errorf("%s: %w", ClientCertificate, errEncryptedPEM)
		}
		if err := read(&contents, block); err != nil {
			if errors.Is(err, errEncryptedPEM) {
				return nil, nil, fmt.Errorf("%s: %w", ClientCertificate, err)
			}
			return nil, nil, fmt.Errorf("%s: the PEM block %q cannot be read: %w", ClientCertificate, block.Type, err)
		}
	}
	switch {
	case len(contents.certs) == 0:
		return nil, nil, fmt.Errorf("%s: no certificate in the PEM text", ClientCertificate)
	case len(contents.keys) == 0:
		return nil, nil, fmt.Errorf("%s: no private key in the PEM text; put the key after the certificate", ClientCertificate)
	case len(contents.keys) > 1:
		return nil, nil, fmt.Errorf("%s: the PEM text holds %d private keys; keep only the one for this certificate", ClientCertificate, len(contents.keys))
	}
	return contents.keys[0], contents.certs, nil
}

// assertion makes the signed JWT that proves possession of the key. It is hand-rolled because it is one fixed
// header, seven claims and an RS256 signature, which is less code to trust than a JWT library.
func (c *clientCertificate) assertion(tokenURL, clientID string, now time.Time) (string, error) {
	sha1Sum := sha1.Sum(c.cert.Raw) //nolint:gosec // The x5t header Entra looks the certificate up by; the signature is SHA-256.
	sha256Sum := sha256.Sum256(c.cert.Raw)
	header := struct {
		Alg     string `json:"alg"`
		Typ     string `json:"typ"`
		X5t     string `json:"x5t"`
		X5tS256 string `json:"x5t#S256"`
	}{"RS256", "JWT", base64.RawURLEncoding.EncodeToString(sha1Sum[:]), base64.RawURLEncoding.EncodeToString(sha256Sum[:])}
	claims := struct {
		Aud string `json:"aud"`
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Jti string `json:"jti"`
		Nbf int64  `json:"nbf"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}{tokenURL, clientID, clientID, newUUID(), now.Unix(), now.Unix(), now.Add(assertionLifetime).Unix()}
	var parts []string
	for _, part := range []any{header, claims} {
		encoded, err := json.Marshal(part)
		if err != nil {
			return "", fmt.Errorf("%s: %w", ClientCertificate, err)
		}
		parts = append(parts, base64.RawURLEncoding.EncodeToString(encoded))
	}
	signingInput := strings.Join(parts, ".")
	hashed := sha256.Sum256([]byte(signingInput))
	signature, err := rsa.SignPKCS1v15(rand.Reader, c.key, crypto.SHA256, hashed[:])
	if err != nil {
		return "", fmt.Errorf("%s: signing the client assertion: %w", ClientCertificate, err)
	}
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(signature), nil
}

// newUUID makes a random (version 4) UUID for a jti, which Entra uses to refuse a replayed assertion.
// crypto/rand.Read cannot fail: it stops the program rather than return fewer random bytes.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
