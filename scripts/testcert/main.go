// Command testcert writes throwaway self-signed client certificates (made by internal/testing/testcert) as
// PKCS#12 files, for OpenTofu runs against the Graph emulator (make module-test, make demo). No key is ever
// committed: each run makes its own.
//
// Each argument is NAME:NOT_BEFORE:LIFETIME, with durations in Go's syntax plus a "d" suffix for days,
// relative to now: "old:-358d:365d" is a certificate that expires in a week. For each one it writes
// DIR/NAME.json, which OpenTofu reads with jsondecode(file(...)):
//
//	{"pfx_base64": "...", "password": "...", "thumbprint": "...", "not_before": "...", "not_after": "..."}
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// certificateFile is what a test reads: the upload (file and password) and what Graph will report.
type certificateFile struct {
	PFXBase64  string `json:"pfx_base64"`
	Password   string `json:"password"`
	Thumbprint string `json:"thumbprint"`
	NotBefore  string `json:"not_before"`
	NotAfter   string `json:"not_after"`
}

func main() {
	dir := flag.String("out", ".", "`directory` to write NAME.json files to")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: testcert [-out DIR] NAME:NOT_BEFORE:LIFETIME ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, spec := range flag.Args() {
		if err := write(*dir, spec, now); err != nil {
			fmt.Fprintln(os.Stderr, "testcert:", err)
			os.Exit(1)
		}
	}
}

// write makes the certificate that spec describes and writes its file.
func write(dir, spec string, now time.Time) error {
	parts := strings.Split(spec, ":")
	if len(parts) != 3 || parts[0] == "" {
		return fmt.Errorf("%q: want NAME:NOT_BEFORE:LIFETIME, such as current:-1h:365d", spec)
	}
	offset, err := parseDuration(parts[1])
	if err != nil {
		return fmt.Errorf("%q: NOT_BEFORE: %w", spec, err)
	}
	lifetime, err := parseDuration(parts[2])
	if err != nil || lifetime <= 0 {
		return fmt.Errorf("%q: LIFETIME must be a positive duration", spec)
	}
	notBefore := now.Add(offset)
	cert, err := newCertificate(parts[0], notBefore, notBefore.Add(lifetime))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(cert, "", "  ") //nolint:gosec // G117: the test needs this throwaway key's password.
	if err != nil {
		return err
	}
	// The file holds a private key and its password: readable by its owner only.
	return os.WriteFile(filepath.Join(dir, parts[0]+".json"), append(b, '\n'), 0o600)
}

// parseDuration is time.ParseDuration with whole days ("7d", "-358d") as well.
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("want a duration such as -1h, 30m or 7d")
	}
	return d, nil
}

// newCertificate makes a self-signed client certificate and its key, packed as PKCS#12 with a random
// password.
func newCertificate(name string, notBefore, notAfter time.Time) (certificateFile, error) {
	pfx, err := testcert.Make(testcert.Options{CommonName: "api-connector-" + name, NotBefore: notBefore, NotAfter: notAfter})
	if err != nil {
		return certificateFile{}, err
	}
	return certificateFile{
		PFXBase64:  pfx.Base64,
		Password:   pfx.Password,
		Thumbprint: pfx.Thumbprint,
		NotBefore:  pfx.NotBefore.Format(time.RFC3339),
		NotAfter:   pfx.NotAfter.Format(time.RFC3339),
	}, nil
}
