package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// listPage is a page of n connectors as Graph returns it, half with basic authentication and half with
// certificates.
func listPage(n int) []byte {
	values := make([]map[string]any, n)
	for i := range values {
		auth := map[string]any{"@odata.type": "#microsoft.graph.basicAuthentication", "username": fmt.Sprintf("user%d", i), "password": "******"}
		if i%2 == 1 {
			auth = map[string]any{"@odata.type": "#microsoft.graph.clientCertificateAuthentication", "certificateList": []map[string]any{
				{"thumbprint": strings.Repeat("AB", 20), "notBefore": 1700000000, "notAfter": 1800000000, "isActive": false},
				{"thumbprint": strings.Repeat("CD", 20), "notBefore": 1710000000, "notAfter": 1810000000, "isActive": true},
			}}
		}
		values[i] = map[string]any{
			"id": fmt.Sprintf("00000000-0000-0000-0000-%012d", i), "displayName": fmt.Sprintf("Connector %d", i),
			"targetUrl": fmt.Sprintf("https://api%d.contoso.com/validate", i), "authenticationConfiguration": auth,
		}
	}
	page, err := json.Marshal(map[string]any{
		"@odata.context":  "https://graph.microsoft.com/v1.0/$metadata#identity/apiConnectors",
		"value":           values,
		"@odata.nextLink": "https://graph.microsoft.com/v1.0/identity/apiConnectors?$skiptoken=abc",
	})
	if err != nil {
		panic(err)
	}
	return page
}

func BenchmarkDecodeAPIConnector(b *testing.B) {
	page := listPage(100)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var decoded struct {
			Value    []APIConnector `json:"value"`
			NextLink string         `json:"@odata.nextLink"`
		}
		if err := decode(answer{status: http.StatusOK, body: page}, "a page", &decoded); err != nil {
			b.Fatal(err)
		}
		if len(decoded.Value) != 100 {
			b.Fatalf("decoded %d connectors", len(decoded.Value))
		}
	}
}

func BenchmarkClientGet(b *testing.B) {
	_, c := newStub(b, graphReference)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetAPIConnector(b.Context(), connectorID); err != nil {
			b.Fatal(err)
		}
	}
}
