package clientcert_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/clientcert"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

func TestInspect_readsEveryEncryption(t *testing.T) {
	for name, opts := range testcert.Encryptions() {
		t.Run(name, func(t *testing.T) {
			pfx := testcert.New(t, opts)
			info, err := clientcert.Inspect(pfx.Base64, pfx.Password)
			if err != nil {
				t.Fatal(err)
			}
			if info.Thumbprint != pfx.Thumbprint || !info.NotBefore.Equal(pfx.NotBefore) || !info.NotAfter.Equal(pfx.NotAfter) {
				t.Errorf("got %+v, want thumbprint %s from %s to %s", info, pfx.Thumbprint, pfx.NotBefore, pfx.NotAfter)
			}
		})
	}
}

func TestInspect_explainsBadFilesWithoutRepeatingThem(t *testing.T) {
	good := testcert.New(t, testcert.Options{})
	withoutKey := testcert.New(t, testcert.Options{WithoutKey: true})
	mismatched := testcert.New(t, testcert.Options{MismatchedKey: true})
	for name, tc := range map[string]struct {
		value, password string
		want            string
	}{
		"wrong password": {good.Base64, "not-the-password", "password does not open"},
		"not base64":     {"%%%" + good.Password, "", "is not base64"},
		"empty":          {"", "", "is not base64"},
		"not PKCS#12":    {base64.StdEncoding.EncodeToString([]byte("hello")), "", "Not a PKCS#12 file"},
		"no private key": {withoutKey.Base64, withoutKey.Password, "no private key"},
		"mismatched key": {mismatched.Base64, mismatched.Password, "does not match"},
		"too large":      {strings.Repeat("A", clientcert.MaxEncodedSize+4), "", "too large"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := clientcert.Inspect(tc.value, tc.password)
			var problem *clientcert.Problem
			if !errors.As(err, &problem) {
				t.Fatalf("want a *Problem, got %v", err)
			}
			if !strings.Contains(problem.Error(), tc.want) {
				t.Errorf("%q does not say %q", problem.Error(), tc.want)
			}
			for _, secret := range []string{good.Password, tc.password, good.Base64[:32]} {
				if len(secret) > 8 && strings.Contains(problem.Error(), secret) {
					t.Errorf("the message repeats a secret")
				}
			}
		})
	}
}

// TestInspect_leavesExpiryToTheCaller: an expired file is still a readable file; whether its expiry
// matters depends on whether it is about to be sent.
func TestInspect_leavesExpiryToTheCaller(t *testing.T) {
	now := time.Now()
	expired := testcert.New(t, testcert.Options{NotBefore: now.Add(-72 * time.Hour), NotAfter: now.Add(-time.Hour)})
	info, err := clientcert.Inspect(expired.Base64, expired.Password)
	if err != nil {
		t.Fatalf("an expired but readable file was refused: %v", err)
	}
	if !info.Expired(now) || info.Expired(now.Add(-2*time.Hour)) || !info.Expired(info.NotAfter) {
		t.Errorf("Expired is wrong around %s", info.NotAfter)
	}
}

func TestInfo_notYetValid(t *testing.T) {
	now := time.Now()
	future := testcert.New(t, testcert.Options{NotBefore: now.Add(24 * time.Hour)})
	info, err := clientcert.Inspect(future.Base64, future.Password)
	if err != nil {
		t.Fatal(err)
	}
	if !info.NotYetValid(now) || info.NotYetValid(now.Add(48*time.Hour)) {
		t.Errorf("NotYetValid is wrong around %s", info.NotBefore)
	}
}
