// Package clientcert inspects the PKCS#12 files that API connectors present to the APIs they call: it
// checks that a file can be used before it is sent, and computes what Graph will report for it (the
// thumbprint and validity dates), so that a plan can show them.
package clientcert

import (
	"crypto"
	"crypto/sha1" //nolint:gosec // Graph identifies certificates by their SHA-1 thumbprint.
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// MaxEncodedSize bounds the base64 value accepted; a client certificate with its chain is a few kilobytes.
const MaxEncodedSize = 1 << 20

// Info describes the certificate a PKCS#12 file is for, as Graph reports it once uploaded, and says whether the
// file holds its private key.
type Info struct {
	// Thumbprint is the uppercase hex SHA-1 of the leaf certificate's DER encoding.
	Thumbprint    string
	NotBefore     time.Time
	NotAfter      time.Time
	Subject       string
	HasPrivateKey bool
}

// Problem says why a file cannot be used, in words meant for the person who supplied it. It never
// holds any part of the file or its password.
type Problem struct {
	Summary string
	Detail  string
	// PasswordAtFault says that the password, not the file, is what is wrong.
	PasswordAtFault bool
}

func (p *Problem) Error() string { return p.Summary + ": " + p.Detail }

// Open decodes a base64 PKCS#12 value with its password and describes the certificate it holds: the one
// its private key belongs to or, in a file without a key, its first certificate. Unlike Inspect it
// describes a file without a key rather than refusing it.
func Open(value, password string) (Info, error) {
	if len(value) > MaxEncodedSize {
		return Info{}, &Problem{Summary: "PKCS#12 value too large",
			Detail: fmt.Sprintf("The value is %d characters of base64; at most %d are accepted. A client certificate with its key is a few kilobytes: check that the right file was given.", len(value), MaxEncodedSize)}
	}
	der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
	if err != nil || len(der) == 0 {
		return Info{}, &Problem{Summary: "PKCS#12 value is not base64",
			Detail: "The value must be the base64 encoding of a PKCS#12 (.pfx or .p12) file: use filebase64(\"client.pfx\") or `base64 -w0 client.pfx`."}
	}
	_, cert, err := Decode(der, password)
	if err == nil {
		return infoOf(cert, true), nil
	}
	// A file of certificates only is still a certificate to describe.
	if certs, storeErr := pkcs12.DecodeTrustStore(der, password); storeErr == nil && len(certs) > 0 {
		return infoOf(certs[0], false), nil
	}
	return Info{}, err
}

// Inspect decodes a base64 PKCS#12 value with its password and checks that it holds a private key and
// the certificate for that key. It does not look at the clock: whether an expired certificate is a
// problem depends on whether it is about to be sent (see Expired).
func Inspect(value, password string) (Info, error) {
	info, err := Open(value, password)
	if err == nil && !info.HasPrivateKey {
		return Info{}, noPrivateKey()
	}
	return info, err
}

// Decode reads a PKCS#12 file (DER, not base64) to sign with it: its private key, and the certificate that key
// belongs to. Errors are *Problem.
func Decode(der []byte, password string) (crypto.PrivateKey, *x509.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(der, password)
	if err != nil {
		return nil, nil, decodeProblem(err)
	}
	cert := matchingCertificate(key, append([]*x509.Certificate{leaf}, chain...))
	if cert == nil {
		return nil, nil, &Problem{Summary: "PKCS#12 key does not match its certificate",
			Detail: "The private key in the file belongs to none of its certificates. Export the certificate together with its own private key."}
	}
	return key, cert, nil
}

func infoOf(cert *x509.Certificate, hasPrivateKey bool) Info {
	return Info{
		Thumbprint:    Thumbprint(cert),
		NotBefore:     cert.NotBefore.UTC(),
		NotAfter:      cert.NotAfter.UTC(),
		Subject:       cert.Subject.String(),
		HasPrivateKey: hasPrivateKey,
	}
}

// Expired reports whether the certificate is no longer valid at now. Graph refuses to upload such a
// certificate, and an API refuses one already uploaded.
func (i Info) Expired(now time.Time) bool {
	return !now.Before(i.NotAfter)
}

// NotYetValid reports whether the certificate only becomes valid after now. Graph accepts such a
// certificate but will not use it until then.
func (i Info) NotYetValid(now time.Time) bool {
	return now.Before(i.NotBefore)
}

// Thumbprint is the uppercase hex SHA-1 of a certificate's DER encoding, as Graph reports it.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // Graph's thumbprint is SHA-1 by definition.
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// decodeProblem explains a file that go-pkcs12 cannot decode. The library signals a wrong password with
// a sentinel error and a missing key or certificate only with its message, so those are matched as text.
func decodeProblem(err error) *Problem {
	var unsupported pkcs12.NotImplementedError
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword), errors.Is(err, pkcs12.ErrDecryption):
		return &Problem{Summary: "PKCS#12 password does not open the file", PasswordAtFault: true,
			Detail: "The password does not open this PKCS#12 file. Check pkcs12.password_wo (leave it unset for a file without a password)."}
	case strings.Contains(err.Error(), "private key missing"):
		return noPrivateKey()
	case strings.Contains(err.Error(), "certificate missing"):
		return &Problem{Summary: "PKCS#12 file has no certificate",
			Detail: "The file holds no certificate; Graph needs the certificate and its private key."}
	case errors.As(err, &unsupported):
		return &Problem{Summary: "PKCS#12 file uses an unsupported format",
			Detail: fmt.Sprintf("The file cannot be read (%s). Export it again with AES-256 or 3DES encryption.", string(unsupported))}
	}
	return &Problem{Summary: "Not a PKCS#12 file",
		Detail: "The value decodes from base64 but is not a PKCS#12 file holding one private key and its certificate. Check that the .pfx or .p12 file was given, not a PEM file."}
}

func noPrivateKey() *Problem {
	return &Problem{Summary: "PKCS#12 file has no private key",
		Detail: "The file holds a certificate but no private key; Graph needs both. Export the certificate with its private key (for example `openssl pkcs12 -export -inkey key.pem -in cert.pem`)."}
}

// matchingCertificate returns the certificate whose public key belongs to key.
func matchingCertificate(key any, certs []*x509.Certificate) *x509.Certificate {
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil
	}
	public, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil
	}
	for _, cert := range certs {
		if cert != nil && public.Equal(cert.PublicKey) {
			return cert
		}
	}
	return nil
}
