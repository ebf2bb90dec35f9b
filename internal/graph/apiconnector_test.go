package graph

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestAuthentication_marshalsWithODataTypeFirst(t *testing.T) {
	tests := []struct {
		name string
		auth Authentication
		want string
	}{
		{
			name: "basic",
			auth: &BasicAuthentication{Username: "b2c", Password: "p@ss"},
			want: `{"@odata.type":"#microsoft.graph.basicAuthentication","username":"b2c","password":"p@ss"}`,
		},
		{
			name: "PKCS#12 with a password, thumbprint never sent",
			auth: &PKCS12Certificate{Value: "MIIK", Password: "secret", Thumbprint: "AB12"},
			want: `{"@odata.type":"#microsoft.graph.pkcs12Certificate","pkcs12Value":"MIIK","password":"secret"}`,
		},
		{
			name: "PKCS#12 without a password still sends one",
			auth: &PKCS12Certificate{Value: "MIIK"},
			want: `{"@odata.type":"#microsoft.graph.pkcs12Certificate","pkcs12Value":"MIIK","password":""}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.auth)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("json.Marshal\n got %s\nwant %s", got, tt.want)
			}
			if strings.Contains(string(got), "AB12") && tt.auth.ODataType() == odataPKCS12Certificate {
				t.Errorf("the thumbprint was sent: %s", got)
			}
		})
	}
}

func TestDecodeAuthentication_readsEveryKindGraphReturns(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want Authentication
	}{
		{
			name: "basic with a masked password",
			raw:  `{"@odata.type":"#microsoft.graph.basicAuthentication","username":"b2c","password":"******"}`,
			want: &BasicAuthentication{Username: "b2c", Password: "******"},
		},
		{
			name: "basic without the leading '#'",
			raw:  `{"@odata.type":"microsoft.graph.basicAuthentication","username":"b2c"}`,
			want: &BasicAuthentication{Username: "b2c"},
		},
		{
			name: "certificate list",
			raw: `{"@odata.type":"#microsoft.graph.clientCertificateAuthentication","certificateList":[` +
				`{"thumbprint":"OLD","notBefore":1,"notAfter":2,"isActive":false},` +
				`{"thumbprint":"NEW","notBefore":3,"notAfter":4,"isActive":true}]}`,
			want: &ClientCertificateAuthentication{CertificateList: []CertificateInformation{
				{Thumbprint: "OLD", NotBefore: 1, NotAfter: 2},
				{Thumbprint: "NEW", NotBefore: 3, NotAfter: 4, IsActive: true},
			}},
		},
		{
			name: "certificate list without the leading '#'",
			raw:  `{"@odata.type":"microsoft.graph.clientCertificateAuthentication","certificateList":[]}`,
			want: &ClientCertificateAuthentication{CertificateList: []CertificateInformation{}},
		},
		{
			name: "a type this client does not know",
			raw:  `{"@odata.type":"#microsoft.graph.oauth2ClientCredentials","clientId":"x"}`,
			want: &UnknownAuthentication{Type: "#microsoft.graph.oauth2ClientCredentials"},
		},
		{
			name: "no type at all",
			raw:  `{"username":"b2c"}`,
			want: &UnknownAuthentication{},
		},
		{name: "null", raw: `null`, want: nil},
		{name: "absent", raw: ``, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAuthentication(json.RawMessage(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decodeAuthentication\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeAuthentication_refusesWhatIsNotAnObject(t *testing.T) {
	for _, raw := range []string{`"basic"`, `[]`, `{"@odata.type":7}`, `{"@odata.type":"#microsoft.graph.basicAuthentication","username":7}`} {
		if got, err := decodeAuthentication(json.RawMessage(raw)); err == nil {
			t.Errorf("decodeAuthentication(%s) = %#v, want an error", raw, got)
		}
	}
}

func TestAPIConnector_readsGraphsAnswer(t *testing.T) {
	raw := `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#identity/apiConnectors/$entity",` +
		`"id":"be1f769b-9b13-437e-b540-79a905c4932c","displayName":"Test API","targetUrl":"https://someapi.com/api/endpoint",` +
		`"authenticationConfiguration":{"@odata.type":"#microsoft.graph.basicAuthentication","username":"<USERNAME>","password":"******"}}`
	var got APIConnector
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	want := APIConnector{
		ID: "be1f769b-9b13-437e-b540-79a905c4932c", DisplayName: "Test API", TargetURL: "https://someapi.com/api/endpoint",
		AuthenticationConfiguration: &BasicAuthentication{Username: "<USERNAME>", Password: "******"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Unmarshal\n got %#v\nwant %#v", got, want)
	}
}

func TestAPIConnectorUpdate_marshalsOnlyTheSetProperties(t *testing.T) {
	name, target := "New Test API", "https://otherapi.com/api/endpoint"
	tests := []struct {
		name   string
		update APIConnectorUpdate
		want   string
	}{
		{"name only", APIConnectorUpdate{DisplayName: &name}, `{"displayName":"New Test API"}`},
		{"target only", APIConnectorUpdate{TargetURL: &target}, `{"targetUrl":"https://otherapi.com/api/endpoint"}`},
		{
			"authentication only",
			APIConnectorUpdate{AuthenticationConfiguration: &BasicAuthentication{Username: "u", Password: "p"}},
			`{"authenticationConfiguration":{"@odata.type":"#microsoft.graph.basicAuthentication","username":"u","password":"p"}}`,
		},
		{"nothing", APIConnectorUpdate{}, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.update)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("json.Marshal\n got %s\nwant %s", got, tt.want)
			}
			if empty := tt.update == (APIConnectorUpdate{}); tt.update.Empty() != empty {
				t.Errorf("Empty() = %t, want %t", tt.update.Empty(), empty)
			}
		})
	}
}
