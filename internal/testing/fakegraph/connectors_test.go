package fakegraph

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

func TestCreate_basicAuthenticationWithEitherTypeSpelling(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)

	// Graph's own examples write "@odata.type" with and without the leading '#'.
	for _, typeName := range []string{"#microsoft.graph.basicAuthentication", "microsoft.graph.basicAuthentication"} {
		t.Run(typeName, func(t *testing.T) {
			body := basicBody("Sign-up validation")
			auth, _ := body["authenticationConfiguration"].(map[string]any)
			auth["@odata.type"] = typeName
			r := g.do(http.MethodPost, connectorsPath, body)
			if r.status != http.StatusCreated {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			got := r.json(t)
			id, _ := got["id"].(string)
			if !isGUID(id) {
				t.Fatalf("id %q is not a GUID", id)
			}
			if got["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/apiConnectors/$entity" {
				t.Errorf("@odata.context = %v", got["@odata.context"])
			}
			if loc := r.header.Get("Location"); loc != s.URL()+connectorsPath+"/"+id {
				t.Errorf("Location = %q", loc)
			}
			if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type = %q", r.header.Get("Content-Type"))
			}
			if got["displayName"] != "Sign-up validation" || got["targetUrl"] != "https://api.contoso.com/validate" {
				t.Errorf("body: %s", r.body)
			}
			auth, _ = got["authenticationConfiguration"].(map[string]any)
			if auth["@odata.type"] != "#microsoft.graph.basicAuthentication" || auth["username"] != "b2c" || auth["password"] != "******" {
				t.Errorf("authenticationConfiguration: %v", auth)
			}
			if strings.Contains(string(r.body), "s3cret") {
				t.Error("the password came back")
			}
			stored, ok := s.Connector(id)
			if !ok || stored.Auth.Kind != AuthBasic || stored.Auth.Password != "s3cret" || stored.Auth.Username != "b2c" {
				t.Errorf("stored: %+v", stored)
			}

			r = g.do(http.MethodGet, connectorsPath+"/"+id, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), "s3cret") {
				t.Errorf("get: %d %s", r.status, r.body)
			}
		})
	}
}

func TestCreate_rejectsInvalidBodies(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	with := func(edit func(map[string]any)) map[string]any {
		b := basicBody("x")
		edit(b)
		return b
	}
	auth := func(b map[string]any) map[string]any {
		a, _ := b["authenticationConfiguration"].(map[string]any)
		return a
	}
	tests := []struct {
		name   string
		body   any
		status int
		code   string
		text   string
	}{
		{"empty displayName", with(func(b map[string]any) { b["displayName"] = "" }), 400, "invalidRequest", "displayName"},
		{"blank displayName", with(func(b map[string]any) { b["displayName"] = "   " }), 400, "invalidRequest", "displayName"},
		{"missing displayName", with(func(b map[string]any) { delete(b, "displayName") }), 400, "invalidRequest", "displayName"},
		{"number displayName", with(func(b map[string]any) { b["displayName"] = 5 }), 400, "BadRequest", "Edm.String"},
		{"http targetUrl", with(func(b map[string]any) { b["targetUrl"] = "http://api.contoso.com" }), 400, "invalidRequest", "https"},
		{"relative targetUrl", with(func(b map[string]any) { b["targetUrl"] = "/validate" }), 400, "invalidRequest", "https"},
		{"missing targetUrl", with(func(b map[string]any) { delete(b, "targetUrl") }), 400, "invalidRequest", "targetUrl"},
		{"missing authenticationConfiguration", with(func(b map[string]any) { delete(b, "authenticationConfiguration") }), 400, "invalidRequest", "authenticationConfiguration"},
		{"null authenticationConfiguration", with(func(b map[string]any) { b["authenticationConfiguration"] = nil }), 400, "invalidRequest", "authenticationConfiguration"},
		{"no @odata.type", with(func(b map[string]any) { delete(auth(b), "@odata.type") }), 400, "BadRequest", "abstract type"},
		{"unknown @odata.type", with(func(b map[string]any) { auth(b)["@odata.type"] = "#microsoft.graph.oauth2" }), 400, "BadRequest", "not supported"},
		{"read-only type", with(func(b map[string]any) { auth(b)["@odata.type"] = "#microsoft.graph.clientCertificateAuthentication" }), 400, "invalidRequest", "pkcs12Certificate"},
		{"basic without password", with(func(b map[string]any) { delete(auth(b), "password") }), 400, "invalidRequest", "password"},
		{"basic with empty username", with(func(b map[string]any) { auth(b)["username"] = "" }), 400, "invalidRequest", "username"},
		{"unknown auth property", with(func(b map[string]any) { auth(b)["pkcs12Value"] = "x" }), 400, "BadRequest", "'pkcs12Value' does not exist"},
		{"unknown property", with(func(b map[string]any) { b["description"] = "x" }), 400, "BadRequest", "'description' does not exist"},
		{"wrongly cased property", with(func(b map[string]any) { b["DisplayName"] = b["displayName"] }), 400, "BadRequest", "'DisplayName' does not exist"},
		{"id given", with(func(b map[string]any) { b["id"] = newGUID() }), 400, "BadRequest", "read-only"},
		{"malformed JSON", `{"displayName":`, 400, "BadRequest", "Unable to read JSON"},
		{"JSON array", `[]`, 400, "BadRequest", "Unable to read JSON"},
		{"empty body", "", 400, "BadRequest", "Empty Payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := g.request(http.MethodPost, connectorsPath, tt.body)
			req.Header.Set("Content-Type", "application/json")
			r := send(t, req)
			if r.status != tt.status || r.odataCode(t) != tt.code || !strings.Contains(string(r.body), tt.text) {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
	t.Run("not JSON content type", func(t *testing.T) {
		req := g.request(http.MethodPost, connectorsPath, basicBody("x"))
		req.Header.Set("Content-Type", "text/plain")
		if r := send(t, req); r.status != http.StatusUnsupportedMediaType {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	if n := len(s.Connectors()); n != 0 {
		t.Errorf("%d connectors stored after only failures", n)
	}
}

func TestCreate_annotationsAndCharsetAreAccepted(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	body := basicBody("x")
	body["@odata.type"] = "#microsoft.graph.identityApiConnector"
	body["@odata.context"] = "whatever"
	body["targetUrl"] = "https://api.contoso.com/validate?a=1&b=2"
	req := g.request(http.MethodPost, connectorsPath, body)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	r := send(t, req)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"https://api.contoso.com/validate?a=1&b=2"`) {
		t.Errorf("targetUrl should be written without HTML escaping: %s", r.body)
	}
}

func TestCreate_pkcs12InEveryEncoding(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	encoders := []struct {
		name     string
		enc      *gopkcs12.Encoder
		password string
	}{
		{"modern AES", gopkcs12.Modern, "pfx-password"},
		{"modern 2026", gopkcs12.Modern2026, "pfx-password"},
		{"legacy RC2", gopkcs12.LegacyRC2, "pfx-password"},
		{"legacy 3DES", gopkcs12.LegacyDES, "pfx-password"},
		{"legacy 3DES empty password", gopkcs12.LegacyDES, ""},
		{"passwordless", gopkcs12.Passwordless, ""},
	}
	for _, e := range encoders {
		t.Run(e.name, func(t *testing.T) {
			notBefore, notAfter := testEpoch.Add(-time.Hour), testEpoch.Add(48*time.Hour)
			value, cert := newPFX(t, e.enc, e.password, notBefore, notAfter)
			r := g.do(http.MethodPost, connectorsPath, pkcs12Body("cert "+e.name, value, e.password))
			if r.status != http.StatusCreated {
				t.Fatalf("%d %s", r.status, r.body)
			}
			auth, _ := r.json(t)["authenticationConfiguration"].(map[string]any)
			if auth["@odata.type"] != "#microsoft.graph.clientCertificateAuthentication" {
				t.Errorf("@odata.type = %v", auth["@odata.type"])
			}
			list, _ := auth["certificateList"].([]any)
			if len(list) != 1 {
				t.Fatalf("certificateList: %v", list)
			}
			c, _ := list[0].(map[string]any)
			if c["thumbprint"] != testcert.Thumbprint(cert) || c["notBefore"] != float64(notBefore.Unix()) ||
				c["notAfter"] != float64(notAfter.Unix()) || c["isActive"] != true {
				t.Errorf("certificate: %v (want thumbprint %s)", c, testcert.Thumbprint(cert))
			}
			if strings.Contains(string(r.body), value[:40]) {
				t.Error("the PKCS#12 value came back")
			}
			stored, _ := s.Connector(r.json(t)["id"].(string))
			if stored.Auth.Certificates[0].PKCS12Password != e.password {
				t.Errorf("stored password %q", stored.Auth.Certificates[0].PKCS12Password)
			}
		})
	}
}

func TestCreate_pkcs12WithoutPasswordMember(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	value, _ := newPFX(t, gopkcs12.Passwordless, "", testEpoch.Add(-time.Hour), testEpoch.Add(time.Hour))
	body := pkcs12Body("x", value, "")
	delete(body["authenticationConfiguration"].(map[string]any), "password")
	if r := g.do(http.MethodPost, connectorsPath, body); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestCreate_rejectsBadPKCS12(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	good, _ := validPFX(t)
	expired, _ := newPFX(t, gopkcs12.Modern, "p", testEpoch.Add(-48*time.Hour), testEpoch.Add(-time.Hour))
	_, cert := newPFX(t, gopkcs12.Modern, "", testEpoch.Add(-time.Hour), testEpoch.Add(time.Hour))
	trustStore, err := gopkcs12.Modern.EncodeTrustStore([]*x509.Certificate{cert}, "p")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, value, password, text string
	}{
		{"not base64", "%%% not base64 %%%", "p", "base64"},
		{"not PKCS#12", base64.StdEncoding.EncodeToString([]byte("hello")), "p", "not a PKCS#12"},
		{"wrong password", good, "wrong", "password"},
		{"no private key", base64.StdEncoding.EncodeToString(trustStore), "p", "no private key"},
		{"expired certificate", expired, "p", "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := g.do(http.MethodPost, connectorsPath, pkcs12Body("x", tt.value, tt.password))
			if r.status != http.StatusBadRequest || r.odataCode(t) != "invalidRequest" || !strings.Contains(string(r.body), tt.text) {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
}

func TestGet_unknownAndMalformedIDs(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := "be1f769b-9b13-437e-b540-79a905c4932c"
	r := g.do(http.MethodGet, connectorsPath+"/"+id, nil)
	if r.status != http.StatusNotFound || r.odataCode(t) != "Request_ResourceNotFound" ||
		!strings.Contains(string(r.body), "Resource '"+id+"' does not exist") {
		t.Errorf("unknown id: %d %s", r.status, r.body)
	}
	r = g.do(http.MethodGet, connectorsPath+"/not-a-guid", nil)
	if r.status != http.StatusBadRequest || r.odataCode(t) != "Request_BadRequest" || !strings.Contains(string(r.body), "Invalid object identifier") {
		t.Errorf("malformed id: %d %s", r.status, r.body)
	}
}

func TestGet_idIsCaseInsensitive(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("x"))
	if r := g.do(http.MethodGet, connectorsPath+"/"+strings.ToUpper(id), nil); r.status != http.StatusOK {
		t.Errorf("%d %s", r.status, r.body)
	}
}

func TestList_pagesWithAbsoluteNextLinks(t *testing.T) {
	s, _ := newTestServer(t, Options{PageSize: 2})
	g := newGraph(t, s)
	var want []string
	for i := range 5 {
		want = append(want, g.create(basicBody(fmt.Sprintf("connector %d", i))))
	}

	collect := func(first string) (ids []string, pages int) {
		next := first
		for next != "" {
			r := g.do(http.MethodGet, next, nil)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d %s", next, r.status, r.body)
			}
			body := r.json(t)
			if body["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/apiConnectors" {
				t.Errorf("@odata.context = %v", body["@odata.context"])
			}
			for _, v := range body["value"].([]any) {
				item := v.(map[string]any)
				if _, has := item["@odata.context"]; has {
					t.Error("list items must not carry @odata.context")
				}
				ids = append(ids, item["id"].(string))
			}
			pages++
			next, _ = body["@odata.nextLink"].(string)
			if next != "" && !strings.HasPrefix(next, s.URL()+connectorsPath+"?") {
				t.Fatalf("nextLink %q is not absolute", next)
			}
			if pages > 10 {
				t.Fatal("paging does not end")
			}
		}
		return ids, pages
	}

	ids, pages := collect(connectorsPath)
	if !slices.Equal(ids, want) || pages != 3 {
		t.Errorf("got %d pages of %v, want 3 pages of %v", pages, ids, want)
	}
	ids, pages = collect(connectorsPath + "?$top=1")
	if !slices.Equal(ids, want) || pages != 5 {
		t.Errorf("$top=1: got %d pages of %v", pages, ids)
	}
	// $top above the page size is served page by page, as Graph's server-driven paging does.
	if _, pages = collect(connectorsPath + "?$top=999"); pages != 3 {
		t.Errorf("$top=999: %d pages", pages)
	}
	// Graph v1.0 accepts query options without '$' too.
	if _, pages = collect(connectorsPath + "?top=1"); pages != 5 {
		t.Errorf("top=1: %d pages", pages)
	}
}

func TestList_nextLinkSurvivesDeletes(t *testing.T) {
	s, _ := newTestServer(t, Options{PageSize: 2})
	g := newGraph(t, s)
	var ids []string
	for i := range 4 {
		ids = append(ids, g.create(basicBody(fmt.Sprint(i))))
	}
	r := g.do(http.MethodGet, connectorsPath, nil)
	next := r.json(t)["@odata.nextLink"].(string)
	s.DeleteConnector(ids[0])
	r = g.do(http.MethodGet, next, nil)
	var got []string
	for _, v := range r.json(t)["value"].([]any) {
		got = append(got, v.(map[string]any)["id"].(string))
	}
	if !slices.Equal(got, ids[2:]) {
		t.Errorf("second page %v, want %v", got, ids[2:])
	}
}

// The emulator implements the query options Graph honours on API connectors ($select and $expand on reads,
// paging on the list); any other is refused, so that a client cannot come to rely on one Graph would not
// honour.
func TestQueryOptions_onlyDocumentedOnesAreAccepted(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("Alpha"))

	for _, bad := range []string{
		"?$filter=" + url.QueryEscape("displayName eq 'Alpha'"), "?$orderby=displayName", "?orderby=displayName",
		"?$count=true", "?$expand=authenticationConfiguration", "?$top=0", "?$top=1000", "?$skiptoken=garbage",
		"?$select=", "?$select=id,,displayName",
	} {
		r := g.do(http.MethodGet, connectorsPath+bad, nil)
		if r.status != http.StatusBadRequest || r.odataCode(t) != "BadRequest" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
	for _, bad := range []string{"?$top=1", "?$skiptoken=" + encodeSkipToken(1)} {
		if r := g.do(http.MethodGet, connectorsPath+"/"+id+bad, nil); r.status != http.StatusBadRequest {
			t.Errorf("entity%s: %d %s", bad, r.status, r.body)
		}
	}
	// Writes take no query option.
	for _, write := range []struct{ method, path string }{
		{http.MethodPatch, connectorsPath + "/" + id + "?$select=id"},
		{http.MethodPost, connectorsPath + "?$select=id"},
		{http.MethodDelete, connectorsPath + "/" + id + "?$top=1"},
	} {
		if r := g.do(write.method, write.path, basicBody("Beta")); r.status != http.StatusBadRequest {
			t.Errorf("%s %s: %d %s", write.method, write.path, r.status, r.body)
		}
	}
	// Parameters that are not system query options are left alone, as Graph leaves them.
	if r := g.do(http.MethodGet, connectorsPath+"?api-version=1", nil); r.status != http.StatusOK {
		t.Errorf("custom parameter: %d %s", r.status, r.body)
	}
}

func TestUpdate_changesOnlyGivenProperties(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("Before"))
	path := connectorsPath + "/" + id

	r := g.do(http.MethodPatch, path, map[string]any{"displayName": "After"})
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %q", r.status, r.body)
	}
	c, _ := s.Connector(id)
	if c.DisplayName != "After" || c.TargetURL != "https://api.contoso.com/validate" || c.Auth.Password != "s3cret" {
		t.Errorf("after a name change: %+v", c)
	}

	// Graph's Example 1: name, URL and basic credentials at once, @odata.type without '#'.
	r = g.do(http.MethodPatch, path, map[string]any{
		"displayName": "New Test API",
		"targetUrl":   "https://otherapi.com/api/endpoint",
		"authenticationConfiguration": map[string]any{
			"@odata.type": "microsoft.graph.basicAuthentication",
			"username":    "new-user",
			"password":    "new-password",
		},
	})
	if r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c, _ = s.Connector(id)
	if c.DisplayName != "New Test API" || c.TargetURL != "https://otherapi.com/api/endpoint" || c.Auth.Username != "new-user" || c.Auth.Password != "new-password" {
		t.Errorf("after Example 1: %+v", c)
	}

	for name, body := range map[string]map[string]any{
		"unknown property":          {"description": "x"},
		"empty name":                {"displayName": ""},
		"http URL":                  {"targetUrl": "http://x"},
		"different id":              {"id": newGUID()},
		"basic without password":    {"authenticationConfiguration": map[string]any{"@odata.type": "#microsoft.graph.basicAuthentication", "username": "u"}},
		"null authentication":       {"authenticationConfiguration": nil},
		"type only, no certificate": {"authenticationConfiguration": map[string]any{"@odata.type": "#microsoft.graph.pkcs12Certificate"}},
	} {
		if r := g.do(http.MethodPatch, path, body); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if c2, _ := s.Connector(id); c2.DisplayName != c.DisplayName || c2.Auth.Password != c.Auth.Password {
		t.Errorf("a refused PATCH changed the connector: %+v", c2)
	}
	if r := g.do(http.MethodPatch, path, map[string]any{"id": strings.ToUpper(id)}); r.status != http.StatusNoContent {
		t.Errorf("PATCH with its own id: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodPatch, connectorsPath+"/"+newGUID(), map[string]any{"displayName": "x"}); r.status != http.StatusNotFound {
		t.Errorf("unknown id: %d %s", r.status, r.body)
	}
}

func TestUpdate_pkcs12ReplacesEveryCertificate(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	first, _ := validPFX(t)
	id := g.create(pkcs12Body("x", first, "pfx-password"))
	second, _ := validPFX(t)
	if r := g.do(http.MethodPost, connectorsPath+"/"+id+"/uploadClientCertificate", map[string]any{"pkcs12Value": second, "password": "pfx-password"}); r.status != http.StatusOK {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	third, thirdCert := validPFX(t)
	// Graph's Example 2, @odata.type with '#'.
	r := g.do(http.MethodPatch, connectorsPath+"/"+id, map[string]any{
		"authenticationConfiguration": map[string]any{
			"@odata.type": "#microsoft.graph.pkcs12Certificate",
			"pkcs12Value": third,
			"password":    "pfx-password",
		},
	})
	if r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c, _ := s.Connector(id)
	if len(c.Auth.Certificates) != 1 || c.Auth.Certificates[0].Thumbprint != testcert.Thumbprint(thirdCert) {
		t.Errorf("certificates after PATCH: %+v", c.Auth.Certificates)
	}

	// Back to basic: the certificates go.
	r = g.do(http.MethodPatch, connectorsPath+"/"+id, map[string]any{"authenticationConfiguration": basicBody("")["authenticationConfiguration"]})
	if r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	c, _ = s.Connector(id)
	if c.Auth.Kind != AuthBasic || len(c.Auth.Certificates) != 0 {
		t.Errorf("after basic: %+v", c.Auth)
	}
}

func TestDelete(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("x"))
	r := g.do(http.MethodDelete, connectorsPath+"/"+id, nil)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %q", r.status, r.body)
	}
	if _, ok := s.Connector(id); ok {
		t.Error("still stored")
	}
	if r := g.do(http.MethodGet, connectorsPath+"/"+id, nil); r.status != http.StatusNotFound {
		t.Errorf("get after delete: %d", r.status)
	}
	if r := g.do(http.MethodDelete, connectorsPath+"/"+id, nil); r.status != http.StatusNotFound {
		t.Errorf("second delete: %d", r.status)
	}
}

func TestUploadClientCertificate_appends(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("x"))
	upload := func(path, value string) response {
		return g.do(http.MethodPost, path, map[string]any{"pkcs12Value": value, "password": "pfx-password"})
	}

	// Uploading to a basic-auth connector switches it to certificates.
	first, firstCert := validPFX(t)
	r := upload(connectorsPath+"/"+id+"/uploadClientCertificate", first)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	body := r.json(t)
	if body["id"] != id || body["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/apiConnectors/$entity" {
		t.Errorf("upload answer: %s", r.body)
	}
	c, _ := s.Connector(id)
	if c.Auth.Kind != AuthCertificate || c.Auth.Password != "" || len(c.Auth.Certificates) != 1 {
		t.Errorf("after the first upload: %+v", c.Auth)
	}

	second, secondCert := validPFX(t)
	if r := upload(connectorsPath+"/"+id+"/microsoft.graph.uploadClientCertificate", second); r.status != http.StatusOK {
		t.Fatalf("namespace-qualified action: %d %s", r.status, r.body)
	}
	c, _ = s.Connector(id)
	got := []string{c.Auth.Certificates[0].Thumbprint, c.Auth.Certificates[1].Thumbprint}
	if !slices.Equal(got, []string{testcert.Thumbprint(firstCert), testcert.Thumbprint(secondCert)}) {
		t.Errorf("thumbprints %v", got)
	}

	if r := upload(connectorsPath+"/"+id+"/uploadClientCertificate", second); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "already") {
		t.Errorf("duplicate upload: %d %s", r.status, r.body)
	}
	if r := upload(connectorsPath+"/"+newGUID()+"/uploadClientCertificate", second); r.status != http.StatusNotFound {
		t.Errorf("unknown id: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodPost, connectorsPath+"/"+id+"/uploadClientCertificate", map[string]any{"pkcs12Value": second, "extra": 1}); r.status != http.StatusBadRequest {
		t.Errorf("unknown property: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, connectorsPath+"/"+id+"/uploadClientCertificate", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET on the action: %d %s", r.status, r.body)
	}
}

func TestIsActive_mostRecentValidCertificateOnly(t *testing.T) {
	// The token must outlive the days the clock is moved forward.
	s, clock := newTestServer(t, Options{TokenLifetime: 90 * 24 * time.Hour})
	g := newGraph(t, s)
	longLived, _ := newPFX(t, gopkcs12.Modern, "p", testEpoch.Add(-time.Hour), testEpoch.Add(30*24*time.Hour))
	shortLived, _ := newPFX(t, gopkcs12.Modern, "p", testEpoch.Add(-time.Hour), testEpoch.Add(24*time.Hour))
	future, _ := newPFX(t, gopkcs12.Modern, "p", testEpoch.Add(48*time.Hour), testEpoch.Add(60*24*time.Hour))

	id := g.create(pkcs12Body("x", longLived, "p"))
	for _, v := range []string{shortLived, future} {
		if r := g.do(http.MethodPost, connectorsPath+"/"+id+"/uploadClientCertificate", map[string]any{"pkcs12Value": v, "password": "p"}); r.status != http.StatusOK {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
	}
	active := func() []bool {
		r := g.do(http.MethodGet, connectorsPath+"/"+id, nil)
		var flags []bool
		for _, c := range r.json(t)["authenticationConfiguration"].(map[string]any)["certificateList"].([]any) {
			flags = append(flags, c.(map[string]any)["isActive"].(bool))
		}
		return flags
	}

	// The not-yet-valid certificate is the newest but cannot be active; the newest valid one is.
	if got := active(); !slices.Equal(got, []bool{false, true, false}) {
		t.Errorf("now: %v", got)
	}
	// Once the short-lived one expires, the older long-lived one is the newest valid.
	clock.Advance(25 * time.Hour)
	if got := active(); !slices.Equal(got, []bool{true, false, false}) {
		t.Errorf("after the short-lived one expired: %v", got)
	}
	// Once the future one starts, it wins.
	clock.Advance(24 * time.Hour)
	if got := active(); !slices.Equal(got, []bool{false, false, true}) {
		t.Errorf("after the future one started: %v", got)
	}
}

func TestErrors_haveODataShapeAndRequestIDs(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	req := g.request(http.MethodGet, connectorsPath+"/"+newGUID(), nil)
	req.Header.Set("client-request-id", "11111111-2222-3333-4444-555555555555")
	r := send(t, req)
	if r.header.Get("client-request-id") != "11111111-2222-3333-4444-555555555555" || !isGUID(r.header.Get("request-id")) {
		t.Errorf("headers: %v", r.header)
	}
	e := r.json(t)["error"].(map[string]any)
	inner := e["innerError"].(map[string]any)
	if inner["request-id"] != r.header.Get("request-id") || inner["client-request-id"] != "11111111-2222-3333-4444-555555555555" {
		t.Errorf("innerError: %v", inner)
	}
	if _, err := time.Parse("2006-01-02T15:04:05", inner["date"].(string)); err != nil {
		t.Errorf("innerError.date: %v", err)
	}

	// Without a client-request-id, one is still returned, on successes too.
	r = g.do(http.MethodGet, connectorsPath, nil)
	if r.header.Get("client-request-id") == "" || r.header.Get("request-id") == "" {
		t.Errorf("success headers: %v", r.header)
	}
}

func TestRouting_methodsAndSegments(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("x"))
	if r := g.do(http.MethodPut, connectorsPath+"/"+id, basicBody("x")); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") == "" {
		t.Errorf("PUT: %d %v", r.status, r.header)
	}
	if r := g.do(http.MethodDelete, connectorsPath, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("DELETE on the collection: %d", r.status)
	}
	if r := g.do(http.MethodGet, "/v1.0/identity/nothing", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "segment 'nothing'") {
		t.Errorf("unknown segment: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, "/v2.0/identity/apiConnectors", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown version: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, connectorsPath+"/"+id+"/certificates", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "segment 'certificates'") {
		t.Errorf("unknown segment after an id: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, connectorsPath+"/"+id+"/uploadClientCertificate", nil); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("GET on an action: %d %v %s", r.status, r.header, r.body)
	}

	// Graph's paths are case-insensitive; ids keep the case they were sent in.
	if r := g.do(http.MethodGet, "/V1.0/IDENTITY/APICONNECTORS/"+strings.ToUpper(id)+"/", nil); r.status != http.StatusOK || r.json(t)["id"] != id {
		t.Errorf("path in another case: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, "/v1.0/Identity/ApiConnectors/NOT-A-GUID", nil); !strings.Contains(string(r.body), "'NOT-A-GUID'") {
		t.Errorf("malformed id in another case: %d %s", r.status, r.body)
	}
	value, _ := validPFX(t)
	upload := map[string]any{"pkcs12Value": value, "password": "pfx-password"}
	if r := g.do(http.MethodPost, connectorsPath+"/"+id+"/Microsoft.Graph.UploadClientCertificate", upload); r.status != http.StatusOK {
		t.Errorf("qualified action in another case: %d %s", r.status, r.body)
	}

	// Faults and the bearer check come before routing, as at Graph's gateway.
	r := send(t, mustRequest(t, http.MethodGet, s.URL()+"/v1.0/identity/nothing"))
	if r.status != http.StatusUnauthorized {
		t.Errorf("unknown segment without a token: %d %s", r.status, r.body)
	}
}

func TestBeta_servesTheSameConnectors(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	id := g.create(basicBody("x"))
	r := g.do(http.MethodGet, "/beta/identity/apiConnectors/"+id, nil)
	if r.status != http.StatusOK || r.json(t)["@odata.context"] != s.URL()+"/beta/$metadata#identity/apiConnectors/$entity" {
		t.Errorf("%d %s", r.status, r.body)
	}
	r = g.do(http.MethodPost, "/beta/identity/apiConnectors", basicBody("y"))
	if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Location"), s.URL()+"/beta/identity/apiConnectors/") {
		t.Errorf("%d %v", r.status, r.header)
	}
}

func TestOutOfBand_editsBypassTheLogAndFaults(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: time.Hour})
	s.ResetRequests()

	c := s.PutConnector(Connector{DisplayName: "portal", TargetURL: "https://portal.example", Auth: Auth{Kind: AuthBasic, Username: "u", Password: "p"}})
	if !isGUID(c.ID) {
		t.Fatalf("PutConnector id %q", c.ID)
	}
	if r := g.do(http.MethodGet, connectorsPath+"/"+c.ID, nil); r.status != http.StatusOK {
		t.Errorf("replication lag hid an out-of-band create: %d", r.status)
	}

	if !s.EditConnector(c.ID, func(c *Connector) { c.DisplayName = "edited"; c.ID = "ignored" }) {
		t.Fatal("EditConnector reported no connector")
	}
	if got, _ := s.Connector(c.ID); got.DisplayName != "edited" {
		t.Errorf("edit lost: %+v", got)
	}
	if s.EditConnector(newGUID(), func(*Connector) {}) {
		t.Error("EditConnector of an unknown id reported success")
	}

	// UploadCertificate takes the PFX itself, or its base64.
	value, cert := validPFX(t)
	der, _ := base64.StdEncoding.DecodeString(value)
	if err := s.UploadCertificate(c.ID, der, "pfx-password"); err != nil {
		t.Fatal(err)
	}
	second, _ := validPFX(t)
	if err := s.UploadCertificate(c.ID, []byte(second), "pfx-password"); err != nil {
		t.Fatal(err)
	}
	if err := s.UploadCertificate(c.ID, der, "wrong"); err == nil {
		t.Error("a wrong password was accepted")
	}
	if err := s.UploadCertificate(newGUID(), der, "pfx-password"); err == nil {
		t.Error("an unknown id was accepted")
	}
	got, _ := s.Connector(c.ID)
	if got.Auth.Kind != AuthCertificate || len(got.Auth.Certificates) != 2 || got.Auth.Certificates[0].Thumbprint != testcert.Thumbprint(cert) {
		t.Errorf("after uploads: %+v", got.Auth)
	}

	if !s.DeleteConnector(c.ID) || s.DeleteConnector(c.ID) {
		t.Error("DeleteConnector should succeed once")
	}
	if r := g.do(http.MethodGet, connectorsPath+"/"+c.ID, nil); r.status != http.StatusNotFound {
		t.Errorf("an out-of-band delete stayed readable: %d", r.status)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests logged, want only the 2 GETs", n)
	}
}

func TestConnectors_snapshotIsACopy(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	c := s.PutConnector(Connector{DisplayName: "a", Auth: Auth{Kind: AuthCertificate, Certificates: []Certificate{{Thumbprint: "AA"}}}})
	list := s.Connectors()
	list[0].Auth.Certificates[0].Thumbprint = "changed"
	if got, _ := s.Connector(c.ID); got.Auth.Certificates[0].Thumbprint != "AA" {
		t.Error("Connectors() shares memory with the store")
	}
}

func TestRequestLog_recordsEveryRequestAsReceived(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	g.create(basicBody("x"))
	g.do(http.MethodGet, connectorsPath+"?$top=5", nil)
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests logged, want 3", len(reqs))
	}
	if reqs[0].Method != http.MethodPost || !strings.HasSuffix(reqs[0].Path, "/oauth2/v2.0/token") || reqs[0].Status != 200 ||
		!strings.Contains(string(reqs[0].Body), "client_secret=") {
		t.Errorf("token request: %+v", reqs[0])
	}
	if reqs[1].Status != 201 || !strings.Contains(string(reqs[1].Body), `"password":"s3cret"`) || reqs[1].Header.Get("Authorization") == "" {
		t.Errorf("create: %+v", reqs[1])
	}
	if reqs[2].RawQuery != "$top=5" || reqs[2].Path != connectorsPath || reqs[2].Time.IsZero() {
		t.Errorf("list: %+v", reqs[2])
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 {
		t.Error("ResetRequests kept entries")
	}
}

func TestConcurrentCreatesAndReads(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	g := newGraph(t, s)
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 32 {
		wg.Go(func() {
			// t.Fatal may not be called off the test goroutine, so failures are reported through errs.
			for _, req := range []*http.Request{
				g.request(http.MethodPost, connectorsPath, basicBody(fmt.Sprint(i))),
				g.request(http.MethodGet, connectorsPath, nil),
			} {
				resp, err := testClient.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					errs <- fmt.Sprintf("%s: %d", req.Method, resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	seen := map[string]bool{}
	for _, c := range s.Connectors() {
		seen[c.ID] = true
	}
	if len(seen) != 32 {
		t.Errorf("%d distinct connectors, want 32", len(seen))
	}
}

// Microsoft's Graph SDKs compress every request body and send it plain only after a 415.
func TestWrites_compressedBodies(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	plain, _ := json.Marshal(basicBody("compressed"))
	compress := func(w func(io.Writer) io.WriteCloser) []byte {
		var buf bytes.Buffer
		zw := w(&buf)
		_, _ = zw.Write(plain)
		_ = zw.Close()
		return buf.Bytes()
	}
	gzipped := compress(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })
	zlibbed := compress(func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) })
	deflated := compress(func(w io.Writer) io.WriteCloser { fw, _ := flate.NewWriter(w, flate.DefaultCompression); return fw })

	for _, tt := range []struct {
		encoding string
		body     []byte
		status   int
		code     string
	}{
		{"gzip", gzipped, http.StatusCreated, ""},
		{"GZIP", gzipped, http.StatusCreated, ""},
		{"deflate", zlibbed, http.StatusCreated, ""},
		{"deflate", deflated, http.StatusCreated, ""},
		{"identity", plain, http.StatusCreated, ""},
		{"gzip, identity", gzipped, http.StatusCreated, ""},
		{"br", gzipped, http.StatusUnsupportedMediaType, "UnsupportedMediaType"},
		{"gzip", plain, http.StatusBadRequest, "BadRequest"},
	} {
		s.ResetRequests()
		req := g.request(http.MethodPost, connectorsPath, tt.body)
		req.Header.Set("Content-Encoding", tt.encoding)
		r := send(t, req)
		if r.status != tt.status || (tt.code != "" && r.odataCode(t) != tt.code) {
			t.Errorf("Content-Encoding %q: %d %s", tt.encoding, r.status, r.body)
			continue
		}
		if tt.status == http.StatusCreated && !bytes.Equal(s.Requests()[0].Body, plain) {
			t.Errorf("Content-Encoding %q: the request log holds %q, want the decoded body", tt.encoding, s.Requests()[0].Body)
		}
	}
	if n := len(s.Connectors()); n != 6 {
		t.Errorf("%d connectors, want 6", n)
	}
}
