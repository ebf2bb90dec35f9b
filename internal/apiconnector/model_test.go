package apiconnector

import (
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

func newBasicModel(username string, version types.Int64) *basicAuthModel {
	return &basicAuthModel{Username: types.StringValue(username), PasswordWO: types.StringNull(), PasswordWOVersion: version}
}

func newPKCS12Model(version types.Int64, rotation string) *pkcs12Model {
	return &pkcs12Model{ValueWO: types.StringNull(), PasswordWO: types.StringNull(), ValueWOVersion: version, Rotation: types.StringValue(rotation)}
}

func TestFromAPI_mapsEachAuthenticationToItsBlock(t *testing.T) {
	prior := connectorModel{
		BasicAuth: newBasicModel("old", types.Int64Value(3)),
		PKCS12:    newPKCS12Model(types.Int64Value(7), rotationAppend),
	}
	notBefore, notAfter := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, tc := range map[string]struct {
		auth       graph.Authentication
		wantBasic  *basicAuthModel
		wantPKCS12 *pkcs12Model
		wantCerts  []certificate
	}{
		"basic, masked password ignored, version kept": {
			auth:      &graph.BasicAuthentication{Username: "b2c", Password: "******"},
			wantBasic: newBasicModel("b2c", types.Int64Value(3)),
			wantCerts: []certificate{},
		},
		"client certificates map to pkcs12 and keep version and rotation": {
			auth: &graph.ClientCertificateAuthentication{CertificateList: []graph.CertificateInformation{
				{Thumbprint: "bb", NotBefore: notBefore.Add(time.Hour).Unix(), NotAfter: notAfter.Unix(), IsActive: true},
				{Thumbprint: "aa", NotBefore: notBefore.Unix(), NotAfter: notAfter.Unix()},
			}},
			wantPKCS12: newPKCS12Model(types.Int64Value(7), rotationAppend),
			// Ordered by not_before, thumbprints in upper case.
			wantCerts: []certificate{
				{Thumbprint: "AA", NotBefore: notBefore, NotAfter: notAfter, IsActive: new(bool)},
				{Thumbprint: "BB", NotBefore: notBefore.Add(time.Hour), NotAfter: notAfter, IsActive: ptr(true)},
			},
		},
		"no authentication": {wantCerts: []certificate{}},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := fromAPI(&graph.APIConnector{ID: "id", DisplayName: "n", TargetURL: "https://x", AuthenticationConfiguration: tc.auth}, prior)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.BasicAuth, tc.wantBasic) || !reflect.DeepEqual(got.PKCS12, tc.wantPKCS12) {
				t.Errorf("blocks: got %+v / %+v", got.BasicAuth, got.PKCS12)
			}
			if certs := certificatesFromValue(got.Certificates); !reflect.DeepEqual(append([]certificate{}, certs...), tc.wantCerts) {
				t.Errorf("certificates: got %+v, want %+v", certs, tc.wantCerts)
			}
			if got.ID.ValueString() != "id" || got.DisplayName.ValueString() != "n" || got.TargetURL.ValueString() != "https://x" {
				t.Errorf("properties: got %+v", got)
			}
		})
	}
}

func TestFromAPI_refusesUnknownAuthentication(t *testing.T) {
	_, err := fromAPI(&graph.APIConnector{ID: "id", AuthenticationConfiguration: &graph.UnknownAuthentication{Type: "#microsoft.graph.futureAuth"}}, connectorModel{})
	if err == nil {
		t.Fatal("an unknown authentication type was accepted")
	}
}

func TestAuthenticationToAPI_takesSecretsFromTheConfiguration(t *testing.T) {
	basic := connectorModel{BasicAuth: &basicAuthModel{Username: types.StringValue("u"), PasswordWO: types.StringValue("secret")}}
	if got := authenticationToAPI(basic, ""); !reflect.DeepEqual(got, &graph.BasicAuthentication{Username: "u", Password: "secret"}) {
		t.Errorf("basic: got %+v", got)
	}
	// A missing PKCS#12 password is sent as "", which Graph wants present.
	certificate := connectorModel{PKCS12: &pkcs12Model{ValueWO: types.StringValue(" MIIB\n"), PasswordWO: types.StringNull()}}
	if got := authenticationToAPI(certificate, "THUMB"); !reflect.DeepEqual(got, &graph.PKCS12Certificate{Value: "MIIB", Password: "", Thumbprint: "THUMB"}) {
		t.Errorf("pkcs12: got %+v", got)
	}
}

func TestSecretMustBeSent(t *testing.T) {
	v := types.Int64Value
	basic := func(user string, version types.Int64) *connectorModel {
		return &connectorModel{DisplayName: types.StringValue("Sign-up"), BasicAuth: newBasicModel(user, version)}
	}
	renamed := basic("u", v(1))
	renamed.DisplayName = types.StringValue("Sign-up, renamed")
	certificate := func(version types.Int64) *connectorModel {
		return &connectorModel{PKCS12: newPKCS12Model(version, rotationReplace)}
	}
	for name, tc := range map[string]struct {
		plan, state *connectorModel
		private     authPrivate
		want        bool
	}{
		"create":                              {basic("u", v(1)), nil, authPrivate{}, true},
		"nothing changed":                     {basic("u", v(1)), basic("u", v(1)), authPrivate{}, false},
		"username changed":                    {basic("v", v(1)), basic("u", v(1)), authPrivate{}, true},
		"password version bumped":             {basic("u", v(2)), basic("u", v(1)), authPrivate{}, true},
		"password version removed":            {basic("u", types.Int64Null()), basic("u", v(1)), authPrivate{}, false},
		"version unknown after import":        {basic("u", types.Int64Unknown()), basic("u", types.Int64Null()), authPrivate{}, true},
		"pending after import":                {basic("u", v(1)), basic("u", v(1)), authPrivate{SecretPending: true}, true},
		"basic to certificate":                {certificate(v(1)), basic("u", v(1)), authPrivate{}, true},
		"certificate to basic":                {basic("u", v(1)), certificate(v(1)), authPrivate{}, true},
		"certificate version bumped":          {certificate(v(2)), certificate(v(1)), authPrivate{}, true},
		"certificate unchanged":               {certificate(v(2)), certificate(v(2)), authPrivate{}, false},
		"certificate drifted outside":         {certificate(v(2)), certificate(v(2)), authPrivate{SecretPending: true, Thumbprint: "T"}, true},
		"display name only (no auth changed)": {renamed, basic("u", v(1)), authPrivate{}, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := secretMustBeSent(tc.plan, tc.state, tc.private); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCertificatesDrifted(t *testing.T) {
	withCerts := func(rotation string, thumbprints ...string) connectorModel {
		certs := make([]certificate, len(thumbprints))
		for i, tp := range thumbprints {
			certs[i] = certificate{Thumbprint: tp, NotBefore: time.Unix(int64(i), 0).UTC(), NotAfter: time.Unix(1e9, 0).UTC(), IsActive: ptr(false)}
		}
		return connectorModel{PKCS12: newPKCS12Model(types.Int64Null(), rotation), Certificates: certificatesValue(certs)}
	}
	sent := authPrivate{Thumbprint: "SENT"}
	for name, tc := range map[string]struct {
		refreshed connectorModel
		private   authPrivate
		want      bool
	}{
		"replace: exactly the sent one":      {withCerts(rotationReplace, "SENT"), sent, false},
		"replace: another one uploaded":      {withCerts(rotationReplace, "SENT", "OTHER"), sent, true},
		"replace: replaced outside":          {withCerts(rotationReplace, "OTHER"), sent, true},
		"append: another one uploaded":       {withCerts(rotationAppend, "SENT", "OTHER"), sent, false},
		"append: the sent one is gone":       {withCerts(rotationAppend, "OTHER"), sent, true},
		"nothing sent yet (after an import)": {withCerts(rotationReplace, "OTHER"), authPrivate{}, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := certificatesDrifted(tc.refreshed.Certificates, tc.refreshed.PKCS12.Rotation.ValueString(), tc.private); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPlannedVersion(t *testing.T) {
	for name, tc := range map[string]struct {
		config  types.Int64
		pending bool
		want    types.Int64
	}{
		"configured":                   {types.Int64Value(4), false, types.Int64Value(4)},
		"configured wins over pending": {types.Int64Value(4), true, types.Int64Value(4)},
		"unset stays null":             {types.Int64Null(), false, types.Int64Null()},
		"unset but a send is pending":  {types.Int64Null(), true, types.Int64Unknown()},
		"unknown until apply stays so": {types.Int64Unknown(), false, types.Int64Unknown()},
	} {
		t.Run(name, func(t *testing.T) {
			if got := plannedVersion(tc.config, tc.pending); !got.Equal(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
