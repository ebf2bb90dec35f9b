package apiconnector

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

// TestDecideUpdate walks what an update sends for each kind of change: the PATCH's properties, the
// authentication or an upload, the read-back and the thumbprint kept in private state.
func TestDecideUpdate(t *testing.T) {
	pfx := testcert.New(t, testcert.Options{})
	v := types.Int64Value
	known := certificatesValue(nil)
	unknown := types.ListUnknown(certificateType)
	held := certificatesValue([]certificate{{Thumbprint: pfx.Thumbprint, NotBefore: pfx.NotBefore, NotAfter: pfx.NotAfter}})
	connector := func(name string, certificates types.List) connectorModel {
		return connectorModel{DisplayName: types.StringValue(name), TargetURL: types.StringValue("https://api.contoso.com/a"), Certificates: certificates}
	}
	basic := func(m connectorModel, user string, version types.Int64) connectorModel {
		m.BasicAuth = &basicAuthModel{Username: types.StringValue(user), PasswordWO: types.StringValue("secret"), PasswordWOVersion: version}
		return m
	}
	certificate := func(m connectorModel, version types.Int64, rotation string) connectorModel {
		m.PKCS12 = &pkcs12Model{ValueWO: types.StringValue(pfx.Base64), PasswordWO: types.StringValue(pfx.Password),
			ValueWOVersion: version, Rotation: types.StringValue(rotation)}
		return m
	}
	password := &graph.BasicAuthentication{Username: "u", Password: "secret"}
	upload := &graph.PKCS12Certificate{Value: pfx.Base64, Password: pfx.Password, Thumbprint: pfx.Thumbprint}
	renamed, moved := "Renamed", "https://api.contoso.com/b"

	for name, tc := range map[string]struct {
		plan, state connectorModel
		private     authPrivate
		want        connectorWrite
	}{
		"a rename patches the name alone": {
			plan: basic(connector("Renamed", known), "u", v(1)), state: basic(connector("Old", known), "u", v(1)),
			want: connectorWrite{patch: graph.APIConnectorUpdate{DisplayName: &renamed}},
		},
		"a new target URL patches the URL alone": {
			plan: func() connectorModel {
				m := basic(connector("Same", known), "u", v(1))
				m.TargetURL = types.StringValue(moved)
				return m
			}(),
			state: basic(connector("Same", known), "u", v(1)),
			want:  connectorWrite{patch: graph.APIConnectorUpdate{TargetURL: &moved}},
		},
		"a new password version patches the authentication": {
			plan: basic(connector("Same", known), "u", v(2)), state: basic(connector("Same", known), "u", v(1)),
			want: connectorWrite{patch: graph.APIConnectorUpdate{AuthenticationConfiguration: password}},
		},
		"a rename keeps the certificate sent before": {
			plan:    certificate(connector("Renamed", known), v(1), rotationReplace),
			state:   certificate(connector("Old", known), v(1), rotationReplace),
			private: authPrivate{Thumbprint: "EARLIER"},
			want:    connectorWrite{patch: graph.APIConnectorUpdate{DisplayName: &renamed}, thumbprint: "EARLIER"},
		},
		"replace: the certificate goes in the PATCH, and is read back": {
			plan:  certificate(connector("Same", unknown), v(2), rotationReplace),
			state: certificate(connector("Same", known), v(1), rotationReplace),
			want:  connectorWrite{patch: graph.APIConnectorUpdate{AuthenticationConfiguration: upload}, readBack: true, thumbprint: pfx.Thumbprint},
		},
		"append: the certificate is uploaded, which answers with the connector": {
			plan:  certificate(connector("Same", unknown), v(2), rotationAppend),
			state: certificate(connector("Same", known), v(1), rotationAppend),
			want:  connectorWrite{upload: upload, thumbprint: pfx.Thumbprint},
		},
		"append of a certificate the connector holds already: nothing is uploaded": {
			plan:  certificate(connector("Same", held), v(2), rotationAppend),
			state: certificate(connector("Same", held), v(1), rotationAppend),
			want:  connectorWrite{thumbprint: pfx.Thumbprint},
		},
		"append from basic authentication: nothing to keep, so the PATCH replaces": {
			plan:  certificate(connector("Same", unknown), v(1), rotationAppend),
			state: basic(connector("Same", known), "u", v(1)),
			want:  connectorWrite{patch: graph.APIConnectorUpdate{AuthenticationConfiguration: upload}, readBack: true, thumbprint: pfx.Thumbprint},
		},
		"certificate to basic: no thumbprint is kept": {
			plan:    basic(connector("Same", known), "u", v(1)),
			state:   certificate(connector("Same", known), v(1), rotationReplace),
			private: authPrivate{Thumbprint: "EARLIER"},
			want:    connectorWrite{patch: graph.APIConnectorUpdate{AuthenticationConfiguration: password}},
		},
		"the first apply after an import sends the secret": {
			plan: basic(connector("Same", known), "u", types.Int64Unknown()), state: basic(connector("Same", known), "u", types.Int64Null()),
			private: authPrivate{SecretPending: true},
			want:    connectorWrite{patch: graph.APIConnectorUpdate{AuthenticationConfiguration: password}},
		},
		"a removed version sends nothing": {
			plan: basic(connector("Same", known), "u", types.Int64Null()), state: basic(connector("Same", known), "u", v(1)),
			want: connectorWrite{},
		},
	} {
		t.Run(name, func(t *testing.T) {
			config := tc.plan
			got := decideUpdate(tc.plan, config, tc.state, tc.private)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decideUpdate =\n  %+v\nwant\n  %+v", describeWrite(got), describeWrite(tc.want))
			}
		})
	}
}

// describeWrite spells out a connectorWrite's pointers, for failure messages.
func describeWrite(w connectorWrite) map[string]any {
	out := map[string]any{"readBack": w.readBack, "thumbprint": w.thumbprint, "upload": w.upload != nil, "auth": w.patch.AuthenticationConfiguration}
	if w.patch.DisplayName != nil {
		out["displayName"] = *w.patch.DisplayName
	}
	if w.patch.TargetURL != nil {
		out["targetUrl"] = *w.patch.TargetURL
	}
	return out
}
