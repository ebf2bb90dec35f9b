package apiconnector_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/entra-iac/terraform-provider-entra/internal/apiconnector"
	"github.com/entra-iac/terraform-provider-entra/internal/provider"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// movableClock is the time the provider's connector resource sees: the real time plus a skew the test
// moves, so that a certificate can expire between two commands without waiting for it.
type movableClock struct{ skew atomic.Int64 }

func (c *movableClock) now() time.Time          { return time.Now().Add(time.Duration(c.skew.Load())) }
func (c *movableClock) advance(d time.Duration) { c.skew.Add(int64(d)) }

// clockedProvider is the provider with its connector resource reading clock.
type clockedProvider struct {
	fwprovider.Provider
	clock *movableClock
}

func (p clockedProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return apiconnector.NewResourceAt(p.clock.now) }}
}

func newClockedCLI(t *testing.T, clock *movableClock) *acctest.CLI {
	t.Helper()
	return acctest.NewCLIServing(t, func() fwprovider.Provider { return clockedProvider{provider.New("test")(), clock} })
}

// TestAccIdentityAPIConnector_expiredCertificateBlocksOnlyItsUpload: once the configured certificate has
// expired, a plan that sends nothing succeeds with a warning naming the certificate and its date, a
// rename is a PATCH of displayName alone, a refresh and a destroy succeed; only an apply that would send
// the file (a new connector, a new value_wo_version) stops at plan.
func TestAccIdentityAPIConnector_expiredCertificateBlocksOnlyItsUpload(t *testing.T) {
	server := acctest.StartEmulator(t, fakegraph.Options{})
	clock := &movableClock{}
	pfx := testcert.New(t, testcert.Options{NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)})
	vars := pfxVariables(pfx)
	cli := newClockedCLI(t, clock)
	cli.Write("main.tf", certificateFromVariables(server, "Expiring"))
	cli.MustRun("init", "-input=false", "-no-color")
	if out, err := cli.Run(vars, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}

	clock.advance(2 * time.Hour)
	expiredOn := pfx.NotAfter.UTC().Format(time.RFC3339)
	warned := func(out string) bool {
		flat := strings.Join(strings.Fields(out), " ")
		return strings.Contains(flat, "Warning: PKCS#12 certificate has expired") &&
			strings.Contains(flat, pfx.Thumbprint) && strings.Contains(flat, "expired on "+expiredOn)
	}

	out, err := cli.Run(vars, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err != nil || !warned(out) {
		t.Fatalf("want an empty plan (exit 0) with a warning naming %s and %s, got %v:\n%s", pfx.Thumbprint, expiredOn, err, out)
	}
	if out, err := cli.Run(vars, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("refresh with an expired certificate: %v\n%s", err, out)
	}

	t.Run("rename", func(t *testing.T) {
		cli.Write("main.tf", certificateFromVariables(server, "Expiring, renamed"))
		server.ResetRequests()
		out, err := cli.Run(vars, "apply", "-auto-approve", "-input=false", "-no-color")
		if err != nil || !warned(out) {
			t.Fatalf("want the rename applied with a warning, got %v:\n%s", err, out)
		}
		patches := graphWrites(server, http.MethodPatch)
		posts := graphWrites(server, http.MethodPost)
		if len(patches) != 1 || len(posts) != 0 {
			t.Fatalf("got %d PATCHes and %d POSTs, want one PATCH", len(patches), len(posts))
		}
		var body map[string]any
		if err := json.Unmarshal(patches[0].Body, &body); err != nil {
			t.Fatal(err)
		}
		if len(body) != 1 || body["displayName"] != "Expiring, renamed" {
			t.Errorf("the rename sent %v, want displayName alone", body)
		}
	})

	t.Run("a new value_wo_version stops at plan", func(t *testing.T) {
		cli.Write("main.tf", strings.Replace(certificateFromVariables(server, "Expiring, renamed"), "value_wo_version = 1", "value_wo_version = 2", 1))
		server.ResetRequests()
		out, err := cli.Run(vars, "plan", "-input=false", "-no-color")
		flat := strings.Join(strings.Fields(out), " ")
		if err == nil || !strings.Contains(flat, "Error: PKCS#12 certificate has expired") || !strings.Contains(flat, "This apply would send it") {
			t.Fatalf("want the plan stopped, got %v:\n%s", err, out)
		}
		if writes := len(graphWrites(server, http.MethodPatch)) + len(graphWrites(server, http.MethodPost)); writes != 0 {
			t.Errorf("the plan wrote to Graph %d times", writes)
		}
		cli.Write("main.tf", certificateFromVariables(server, "Expiring, renamed"))
	})

	t.Run("a new connector stops at plan", func(t *testing.T) {
		fresh := acctest.StartEmulator(t, fakegraph.Options{})
		other := newClockedCLI(t, clock)
		other.Write("main.tf", certificateFromVariables(fresh, "New with an expired file"))
		other.MustRun("init", "-input=false", "-no-color")
		out, err := other.Run(vars, "plan", "-input=false", "-no-color")
		flat := strings.Join(strings.Fields(out), " ")
		if err == nil || !strings.Contains(flat, "Error: PKCS#12 certificate has expired") || !strings.Contains(flat, "pkcs12.value_wo") {
			t.Fatalf("want the plan stopped, got %v:\n%s", err, out)
		}
		if n := graphRequests(fresh); n != 0 {
			t.Errorf("the plan made %d Graph requests", n)
		}
	})

	if out, err := cli.Run(vars, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		t.Fatalf("destroy with an expired certificate: %v\n%s", err, out)
	}
	if left := server.Connectors(); len(left) != 0 {
		t.Errorf("destroy left %d connectors", len(left))
	}
}
