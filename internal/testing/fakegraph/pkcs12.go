package fakegraph

import (
	"crypto/sha1" //nolint:gosec // Graph names certificates by their SHA-1 thumbprint; nothing is signed with it.
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// decodePKCS12 opens a PFX file the way Graph's upload does: it must decrypt with password, hold a
// private key and a certificate, and the certificate must not have expired. DecodeChain reads modern
// (PBES2/AES) files as well as legacy 3DES and RC2 ones.
func decodePKCS12(der []byte, password string, now time.Time) (Certificate, error) {
	key, leaf, _, err := gopkcs12.DecodeChain(der, password)
	if err != nil {
		return Certificate{}, describePKCS12Error(err)
	}
	if key == nil {
		return Certificate{}, errors.New("the PKCS#12 value holds no private key")
	}
	if leaf == nil {
		return Certificate{}, errors.New("the PKCS#12 value holds no certificate")
	}
	sum := sha1.Sum(leaf.Raw) //nolint:gosec // the thumbprint Graph reports is SHA-1 by definition.
	cert := Certificate{
		Thumbprint:     strings.ToUpper(hex.EncodeToString(sum[:])),
		NotBefore:      leaf.NotBefore.UTC(),
		NotAfter:       leaf.NotAfter.UTC(),
		PKCS12Password: password,
	}
	if !now.Before(cert.NotAfter) {
		return Certificate{}, fmt.Errorf("the certificate with thumbprint %s expired on %s", cert.Thumbprint, cert.NotAfter.Format(time.RFC3339))
	}
	return cert, nil
}

// describePKCS12Error turns the library's errors into messages that say what is wrong with the input.
// go-pkcs12 exports sentinel errors only for password problems, so the rest are told apart by text.
func describePKCS12Error(err error) error {
	switch {
	case errors.Is(err, gopkcs12.ErrIncorrectPassword), errors.Is(err, gopkcs12.ErrDecryption):
		return errors.New("the password does not open the PKCS#12 value")
	case strings.Contains(err.Error(), "private key missing"):
		return errors.New("the PKCS#12 value holds no private key")
	case strings.Contains(err.Error(), "certificate missing"):
		return errors.New("the PKCS#12 value holds no certificate")
	default:
		return fmt.Errorf("the pkcs12Value is not a PKCS#12 (PFX) file: %w", err)
	}
}
