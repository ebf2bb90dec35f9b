package credentials

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/entra-iac/terraform-provider-entra/internal/clientcert"
)

// newClientSecretCredential signs in with the client credentials grant and a secret.
func newClientSecretCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	credential, err := azidentity.NewClientSecretCredential(c.TenantID, c.ClientID, c.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{ClientOptions: options, DisableInstanceDiscovery: disableInstanceDiscovery(options)})
	return credential, digest(c.ClientSecret), err
}

// newClientCertificateCredential signs client assertions with a certificate's key. PKCS#12 files are read by
// clientcert (go-pkcs12), because azidentity's own reader refuses the AES and SHA-256 files OpenSSL 3 writes by
// default; PEM text by azidentity. The certificate is checked now, so that an expired one fails at configure time
// rather than as AADSTS700027 at the first Graph call.
func newClientCertificateCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	credential, fingerprint, err := clientCertificateCredential(c, options)
	return credential, fingerprint, blame("client_certificate", "Unusable client certificate", err)
}

func clientCertificateCredential(c Config, options azcore.ClientOptions) (azcore.TokenCredential, string, error) {
	key, cert, err := readClientCertificate(c.ClientCertificate, c.ClientCertificatePassword)
	if err != nil {
		return nil, "", err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, "", fmt.Errorf("only RSA keys are supported, and this one is a %T; make the certificate with an RSA key", key)
	}
	now := time.Now()
	switch {
	case !rsaKey.PublicKey.Equal(cert.PublicKey):
		return nil, "", fmt.Errorf("the key does not match the certificate (%s)", describe(cert))
	case now.After(cert.NotAfter):
		return nil, "", fmt.Errorf("the certificate (%s) expired on %s; upload a new one to the app registration and use it here",
			describe(cert), cert.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(cert.NotBefore):
		return nil, "", fmt.Errorf("the certificate (%s) is not valid until %s", describe(cert), cert.NotBefore.UTC().Format(time.RFC3339))
	}
	credential, err := azidentity.NewClientCertificateCredential(c.TenantID, c.ClientID, []*x509.Certificate{cert}, rsaKey,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: options, DisableInstanceDiscovery: disableInstanceDiscovery(options)})
	return credential, digest(string(cert.Raw)), err
}

// readClientCertificate returns the private key and its certificate; for PEM text, the first certificate, which
// clientCertificateCredential checks against the key.
func readClientCertificate(data []byte, password string) (crypto.PrivateKey, *x509.Certificate, error) {
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		certs, key, err := azidentity.ParseCertificates(data, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("the PEM text cannot be used (%w); it must hold the certificate and its unencrypted private key", err)
		}
		return key, certs[0], nil
	}
	key, cert, err := clientcert.Decode(data, password)
	var problem *clientcert.Problem
	if errors.As(err, &problem) {
		if problem.PasswordAtFault {
			return nil, nil, &ArgumentError{Argument: "client_certificate_password", Summary: "Unusable client certificate",
				Err: errors.New("the password does not open this PKCS#12 file")}
		}
		return nil, nil, errors.New(problem.Detail)
	}
	return key, cert, err
}

// describe identifies a certificate the way the Entra portal lists it.
func describe(cert *x509.Certificate) string {
	return fmt.Sprintf("subject %q, thumbprint %s", cert.Subject.String(), clientcert.Thumbprint(cert))
}
