package graph

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// TestClient_logsNoSecret drives every write that carries a secret (a key in the target URL's query among
// them), against a Graph that repeats the request in its error messages and against the emulator, with the
// graph subsystem at TRACE, and looks for the secrets in the log and in every error.
func TestClient_logsNoSecret(t *testing.T) {
	t.Setenv("TF_LOG_PROVIDER_ENTRA_GRAPH", "TRACE")
	const password, pfxPassword, functionKey = "Sup3r-Secret<&>", "pfx-Secret", "aZfUnCt10nKey=="
	// An Azure Functions key travels in the target URL's query.
	const targetURL = "https://x.example/api/Validate?code=" + functionKey
	cert := testcert.New(t, testcert.Options{Password: new(pfxPassword)})
	pfx, thumbprint := cert.Base64, cert.Thumbprint
	secrets := []string{password, pfxPassword, functionKey, pfx, pfx[len(pfx)/2 : len(pfx)/2+40]}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	var errs []error

	_, echo := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		writeODataError(w, http.StatusBadRequest, "invalidRequest", "Cannot accept "+string(body), "rid")
	})
	_, err := echo.CreateAPIConnector(ctx, APIConnector{DisplayName: "x", TargetURL: targetURL,
		AuthenticationConfiguration: &BasicAuthentication{Username: "u", Password: password}})
	errs = append(errs, err)
	_, err = echo.UpdateAPIConnector(ctx, connectorID, APIConnectorUpdate{
		AuthenticationConfiguration: &PKCS12Certificate{Value: pfx, Password: pfxPassword}})
	errs = append(errs, err)
	_, err = echo.UploadClientCertificate(ctx, connectorID, PKCS12Certificate{Value: pfx, Password: pfxPassword})
	errs = append(errs, err)

	s, emulator := newFakeGraph(t, fakegraph.Options{})
	created, err := emulator.CreateAPIConnector(ctx, APIConnector{DisplayName: "x", TargetURL: targetURL,
		AuthenticationConfiguration: &BasicAuthentication{Username: "u", Password: password}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.UploadClientCertificate(ctx, created.ID, PKCS12Certificate{Value: pfx, Password: pfxPassword, Thumbprint: thumbprint}); err != nil {
		t.Fatal(err)
	}
	// The same certificate again makes the emulator answer with an error.
	_, err = emulator.UploadClientCertificate(ctx, created.ID, PKCS12Certificate{Value: pfx, Password: pfxPassword})
	errs = append(errs, err)
	if stored, _ := s.Connector(created.ID); len(stored.Auth.Certificates) != 1 {
		t.Fatalf("the emulator holds %d certificates, want 1", len(stored.Auth.Certificates))
	}

	for _, err := range errs {
		if err == nil {
			t.Fatal("a write that should have failed succeeded")
		}
		for _, secret := range secrets {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error holds a secret: %v", err)
			}
		}
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	bodies := 0
	for _, entry := range entries {
		if entry["@module"] != "provider."+LogSubsystem {
			t.Errorf("entry outside the graph subsystem: %v", entry)
		}
		if _, ok := entry["new_logger_warning"]; ok {
			t.Errorf("entry logged to a subsystem nobody created: %v", entry)
		}
		if entry["@level"] == "trace" && entry["body"] != nil {
			bodies++
		}
		for key, value := range entry {
			text, _ := value.(string)
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("log entry %q holds a secret in %s: %s", entry["@message"], key, text)
				}
			}
		}
	}
	if bodies < 10 {
		t.Errorf("logged %d bodies at TRACE; the test proves nothing without them", bodies)
	}
}

func TestClient_logsEachAttemptAtDebug(t *testing.T) {
	t.Setenv("TF_LOG_PROVIDER_ENTRA_GRAPH", "DEBUG")
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	_, c := newStub(t, graphReference)

	if _, err := c.GetAPIConnector(ctx, connectorID); err != nil {
		t.Fatal(err)
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("got %d entries at DEBUG, want 1: %v", len(entries), entries)
	}
	entry := entries[0]
	if entry["method"] != "GET" || entry["path"] != "/v1.0/identity/apiConnectors/"+connectorID || entry["status"] != float64(200) {
		t.Errorf("entry %v does not name the method, path and status", entry)
	}
	if _, ok := entry["duration_ms"]; !ok {
		t.Errorf("entry %v has no duration", entry)
	}
}
