package fakegraph

import (
	"net/http"
	"strings"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"
)

// unappliedMarks are the request log's Unapplied marks of the Graph calls with the given method.
func unappliedMarks(s *Server, method string) []bool {
	var marks []bool
	for _, r := range s.Requests() {
		if r.Method == method && (strings.HasPrefix(r.Path, "/v1.0/") || strings.HasPrefix(r.Path, "/beta/")) {
			marks = append(marks, r.Unapplied)
		}
	}
	return marks
}

func TestUnappliedWrites_connectorUpdateAnswers204AndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("Before"))
	s.SetFaults(Faults{UnappliedWrites: []string{WriteConnectorUpdate}})

	r := g.do(http.MethodPatch, connectorsPath+"/"+id, map[string]any{"displayName": "After"})
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %s, want 204 and no body as for an applied update", r.status, r.body)
	}
	if c, _ := s.Connector(id); c.DisplayName != "Before" {
		t.Errorf("the connector is named %q: the update was applied", c.DisplayName)
	}
	if got := g.do(http.MethodGet, connectorsPath+"/"+id, nil).json(t)["displayName"]; got != "Before" {
		t.Errorf("a read shows %v", got)
	}
	if marks := unappliedMarks(s, http.MethodPatch); len(marks) != 1 || !marks[0] {
		t.Errorf("the request log marks the PATCH %v, want unapplied", marks)
	}
	// A write that fails its checks is answered as it always is, and not marked.
	if r := g.do(http.MethodPatch, connectorsPath+"/be1f769b-9b13-437e-b540-79a905c4932c", map[string]any{"displayName": "x"}); r.status != http.StatusNotFound {
		t.Errorf("a missing connector: %d %s", r.status, r.body)
	}
	if marks := unappliedMarks(s, http.MethodPatch); len(marks) != 2 || marks[1] {
		t.Errorf("the request log marks the PATCHes %v", marks)
	}
}

func TestUnappliedWrites_certificateUploadAnswersTheConnectorWithoutTheCertificate(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	first, _ := validPFX(t)
	id := g.create(pkcs12Body("cert", first, "pfx-password"))
	s.SetFaults(Faults{UnappliedWrites: []string{WriteCertificateUpload}})

	second, _ := newPFX(t, gopkcs12.Modern, "other", testEpoch.Add(-time.Hour), testEpoch.Add(48*time.Hour))
	r := g.do(http.MethodPost, connectorsPath+"/"+id+"/uploadClientCertificate", map[string]any{"pkcs12Value": second, "password": "other"})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s, want 200 as for an applied upload", r.status, r.body)
	}
	auth, _ := r.json(t)["authenticationConfiguration"].(map[string]any)
	if list, _ := auth["certificateList"].([]any); len(list) != 1 {
		t.Errorf("the answer lists %d certificates, want the one the connector still has", len(list))
	}
	if c, _ := s.Connector(id); len(c.Auth.Certificates) != 1 {
		t.Errorf("the connector holds %d certificates: the upload was applied", len(c.Auth.Certificates))
	}
	if marks := unappliedMarks(s, http.MethodPost); len(marks) != 2 || marks[0] || !marks[1] {
		t.Errorf("the request log marks the POSTs %v, want the upload unapplied", marks)
	}
}

func TestUnappliedWrites_stepReferenceAnswers204AndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	id := seedUserFlows(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{UnappliedWrites: []string{WriteStepReference}})

	r := g.do(http.MethodPut, "/v1.0/identity/b2xUserFlows/B2X_1_PartnerSignUp/apiConnectorConfiguration/postAttributeCollection/$ref",
		`{"@odata.id":"https://graph.microsoft.com/v1.0/identity/apiConnectors/`+id+`"}`)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %s, want 204", r.status, r.body)
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.APIConnectors) != 0 {
		t.Errorf("the flow calls %v: the write was applied", f.APIConnectors)
	}
	if marks := unappliedMarks(s, http.MethodPut); len(marks) != 1 || !marks[0] {
		t.Errorf("the request log marks the PUT %v", marks)
	}
}

// Only the kinds listed go unapplied.
func TestUnappliedWrites_otherKindsApply(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("Before"))
	s.SetFaults(Faults{UnappliedWrites: []string{WriteCertificateUpload, WriteStepReference}})
	if r := g.do(http.MethodPatch, connectorsPath+"/"+id, map[string]any{"displayName": "After"}); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if c, _ := s.Connector(id); c.DisplayName != "After" {
		t.Errorf("the connector is named %q", c.DisplayName)
	}
}
