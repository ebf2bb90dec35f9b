package clientcert_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/entra-iac/terraform-provider-entra/internal/clientcert"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// FuzzInspect feeds the validator arbitrary files and passwords: it must never panic, and a refusal is
// always a *Problem whose words repeat neither the value nor the password.
func FuzzInspect(f *testing.F) {
	good := testcert.New(f, testcert.Options{})
	legacy := testcert.New(f, testcert.Options{Encoder: pkcs12.LegacyRC2})
	f.Add(good.Base64, good.Password)
	f.Add(legacy.Base64, legacy.Password)
	f.Add(good.Base64[:len(good.Base64)/2], good.Password)
	f.Add(base64.StdEncoding.EncodeToString([]byte{0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x03}), "")
	f.Add("", "")
	f.Add("====", "\x00")
	f.Fuzz(func(t *testing.T, value, password string) {
		_, err := clientcert.Inspect(value, password)
		if err == nil {
			return
		}
		var problem *clientcert.Problem
		if !errors.As(err, &problem) {
			t.Fatalf("a refusal that is not a *Problem: %v", err)
		}
		message := problem.Error()
		if !utf8.ValidString(message) {
			t.Fatalf("the message is not valid UTF-8")
		}
		for _, secret := range []string{value, password} {
			if len(secret) >= 12 && strings.Contains(message, secret) {
				t.Fatalf("the message repeats a secret")
			}
		}
	})
}
