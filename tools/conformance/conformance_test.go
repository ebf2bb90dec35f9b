package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	azureauth "github.com/microsoft/kiota-authentication-azure-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/identity"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/testcert"
)

func TestMain(m *testing.M) {
	// The emulator serves TLS from its own certificate authority, which this process must trust before
	// its first handshake.
	dir, err := acctest.TrustEmulators()
	if err != nil {
		fmt.Fprintln(os.Stderr, "trusting the emulator's CA:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// newClient starts an emulator and returns Microsoft's Graph client for it, set up as Microsoft documents
// it for a national cloud: azidentity's client-secret credential against the emulator as authority host,
// the SDK's Azure Identity authentication provider, its default request adapter and middleware
// (compression, retry, redirect, parameter-name decoding, headers, telemetry), and Graph's base URL.
func newClient(t *testing.T, opts fakegraph.Options) (*msgraphsdk.GraphServiceClient, *msgraphsdk.GraphRequestAdapter, *fakegraph.Server) {
	t.Helper()
	server := fakegraph.NewServer(opts)
	t.Cleanup(server.Close)
	o := server.Options()
	credential, err := azidentity.NewClientSecretCredential(o.TenantID, o.ClientID, o.ClientSecret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: server.URL() + "/"}},
		DisableInstanceDiscovery: true, // else MSAL asks login.microsoftonline.com about the authority
	})
	if err != nil {
		t.Fatal(err)
	}
	host, err := url.Parse(server.URL())
	if err != nil {
		t.Fatal(err)
	}
	auth, err := azureauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(credential,
		[]string{server.URL() + "/.default"}, []string{host.Hostname()})
	if err != nil {
		t.Fatal(err)
	}
	adapter, err := msgraphsdk.NewGraphRequestAdapter(auth)
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(server.URL() + "/v1.0")
	return msgraphsdk.NewGraphServiceClient(adapter), adapter, server
}

func ptr[T any](v T) *T { return &v }

func basicConnector(name, password string) *models.IdentityApiConnector {
	auth := models.NewBasicAuthentication()
	auth.SetUsername(ptr("b2c"))
	auth.SetPassword(ptr(password))
	c := models.NewIdentityApiConnector()
	c.SetDisplayName(ptr(name))
	c.SetTargetUrl(ptr("https://api.contoso.com/validate"))
	c.SetAuthenticationConfiguration(auth)
	return c
}

// requireODataError requires err to be Graph's error with the given status and code, as the SDK parses it.
func requireODataError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var oerr *odataerrors.ODataError
	if !errors.As(err, &oerr) {
		t.Fatalf("error %v (%T) is not an ODataError", err, err)
	}
	got := ""
	if e := oerr.GetErrorEscaped(); e != nil && e.GetCode() != nil {
		got = *e.GetCode()
	}
	if oerr.ResponseStatusCode != status || got != code {
		t.Errorf("ODataError %d %q, want %d %q", oerr.ResponseStatusCode, got, status, code)
	}
}

// requestsTo are the logged requests whose path contains part.
func requestsTo(server *fakegraph.Server, method, part string) []fakegraph.Request {
	var out []fakegraph.Request
	for _, r := range server.Requests() {
		if r.Method == method && strings.Contains(r.Path, part) {
			out = append(out, r)
		}
	}
	return out
}

// TestConnectorLifecycle: create with basic authentication, read, rename, switch to a client certificate,
// upload a second one, delete, and read the 404, all through the SDK's typed calls. Every body goes
// gzip-compressed, as the SDK sends it.
func TestConnectorLifecycle(t *testing.T) {
	ctx := context.Background()
	client, _, server := newClient(t, fakegraph.Options{})
	connectors := client.Identity().ApiConnectors()

	created, err := connectors.Post(ctx, basicConnector("SDK connector", "sdk-password"), nil)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := *created.GetId()
	basic, ok := created.GetAuthenticationConfiguration().(models.BasicAuthenticationable)
	if !ok || *basic.GetUsername() != "b2c" || *basic.GetPassword() != "******" {
		t.Errorf("created connector's authentication: %#v", created.GetAuthenticationConfiguration())
	}
	if stored, _ := server.Connector(id); stored.Auth.Password != "sdk-password" {
		t.Errorf("the emulator holds %+v", stored.Auth)
	}
	posts := requestsTo(server, http.MethodPost, "/identity/apiConnectors")
	if len(posts) != 1 || posts[0].Header.Get("Content-Encoding") != "gzip" || posts[0].Status != http.StatusCreated {
		t.Errorf("the create went as %+v, want one gzip-compressed POST answered 201", posts)
	}

	rename := models.NewIdentityApiConnector()
	rename.SetDisplayName(ptr("SDK connector, renamed"))
	if _, err := connectors.ByIdentityApiConnectorId(id).Patch(ctx, rename, nil); err != nil {
		t.Fatalf("rename: %v", err)
	}
	got, err := connectors.ByIdentityApiConnectorId(id).Get(ctx, nil)
	if err != nil || *got.GetDisplayName() != "SDK connector, renamed" || *got.GetTargetUrl() != "https://api.contoso.com/validate" {
		t.Fatalf("read after rename: %v %v", got, err)
	}

	first := testcert.New(t, testcert.Options{CommonName: "sdk-first"})
	pkcs12 := models.NewPkcs12Certificate()
	pkcs12.SetPkcs12Value(ptr(first.Base64))
	pkcs12.SetPassword(ptr(first.Password))
	switchAuth := models.NewIdentityApiConnector()
	switchAuth.SetAuthenticationConfiguration(pkcs12)
	if _, err := connectors.ByIdentityApiConnectorId(id).Patch(ctx, switchAuth, nil); err != nil {
		t.Fatalf("switch to a client certificate: %v", err)
	}

	second := testcert.New(t, testcert.Options{CommonName: "sdk-second"})
	upload := identity.NewApiConnectorsItemUploadClientCertificatePostRequestBody()
	upload.SetPkcs12Value(ptr(second.Base64))
	upload.SetPassword(ptr(second.Password))
	uploaded, err := connectors.ByIdentityApiConnectorId(id).UploadClientCertificate().Post(ctx, upload, nil)
	if err != nil {
		t.Fatalf("uploadClientCertificate: %v", err)
	}
	certs, ok := uploaded.GetAuthenticationConfiguration().(models.ClientCertificateAuthenticationable)
	if !ok {
		t.Fatalf("after the upload the authentication is %T", uploaded.GetAuthenticationConfiguration())
	}
	var thumbprints []string
	for _, c := range certs.GetCertificateList() {
		thumbprints = append(thumbprints, *c.GetThumbprint())
		if active := *c.GetIsActive(); active != (*c.GetThumbprint() == second.Thumbprint) {
			t.Errorf("certificate %s isActive %v: the newest valid one is the active one", *c.GetThumbprint(), active)
		}
		if *c.GetNotAfter() != second.NotAfter.Unix() && *c.GetNotAfter() != first.NotAfter.Unix() {
			t.Errorf("certificate %s notAfter %d", *c.GetThumbprint(), *c.GetNotAfter())
		}
	}
	if !slices.Equal(thumbprints, []string{first.Thumbprint, second.Thumbprint}) {
		t.Errorf("certificate list %v, want %s then %s", thumbprints, first.Thumbprint, second.Thumbprint)
	}

	if err := connectors.ByIdentityApiConnectorId(id).Delete(ctx, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = connectors.ByIdentityApiConnectorId(id).Get(ctx, nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")

	for _, r := range server.Requests() {
		graphWrite := strings.HasPrefix(r.Path, "/v1.0/") && (r.Method == http.MethodPost || r.Method == http.MethodPatch)
		if graphWrite && r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s %s went uncompressed: the SDK only does that after a 415", r.Method, r.Path)
		}
	}
}

// TestNotFoundAndBadRequests: Graph's errors reach the SDK's caller as ODataError with status and code.
func TestNotFoundAndBadRequests(t *testing.T) {
	ctx := context.Background()
	client, _, _ := newClient(t, fakegraph.Options{})
	connectors := client.Identity().ApiConnectors()
	missing := "be1f769b-9b13-437e-b540-79a905c4932c"

	_, err := connectors.ByIdentityApiConnectorId(missing).Get(ctx, nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")
	_, err = connectors.ByIdentityApiConnectorId(missing).Patch(ctx, basicConnector("x", "y"), nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")
	err = connectors.ByIdentityApiConnectorId(missing).Delete(ctx, nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")
	_, err = connectors.ByIdentityApiConnectorId("not-an-id").Get(ctx, nil)
	requireODataError(t, err, http.StatusBadRequest, "Request_BadRequest")

	bad := basicConnector("x", "y")
	bad.SetTargetUrl(ptr("http://insecure.example"))
	_, err = connectors.Post(ctx, bad, nil)
	requireODataError(t, err, http.StatusBadRequest, "invalidRequest")
}

// TestPaging: $top asks for small pages and the SDK's page iterator follows @odata.nextLink to the end.
func TestPaging(t *testing.T) {
	ctx := context.Background()
	client, adapter, server := newClient(t, fakegraph.Options{})
	var want []string
	for i := range 7 {
		want = append(want, server.PutConnector(fakegraph.Connector{
			DisplayName: fmt.Sprintf("page %d", i), TargetURL: "https://api.contoso.com/page",
			Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"},
		}).ID)
	}
	server.ResetRequests()

	first, err := client.Identity().ApiConnectors().Get(ctx, &identity.ApiConnectorsRequestBuilderGetRequestConfiguration{
		QueryParameters: &identity.ApiConnectorsRequestBuilderGetQueryParameters{Top: ptr(int32(3))},
	})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := msgraphcore.NewPageIterator[models.IdentityApiConnectorable](first, adapter, models.CreateIdentityApiConnectorCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := pages.Iterate(ctx, func(c models.IdentityApiConnectorable) bool {
		got = append(got, *c.GetId())
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("iterated %v, want %v", got, want)
	}
	if lists := requestsTo(server, http.MethodGet, "/identity/apiConnectors"); len(lists) != 3 {
		t.Errorf("%d list requests, want 3 pages of at most 3", len(lists))
	}
}

// TestSelect: the SDK's request configuration with QueryParameters.Select asks for some properties of a
// connector and of every connector in the list, as Graph honours $select on entity reads; the answers carry
// those properties only, and a property the type does not have is Graph's 400.
func TestSelect(t *testing.T) {
	ctx := context.Background()
	client, _, server := newClient(t, fakegraph.Options{})
	connectors := client.Identity().ApiConnectors()
	created, err := connectors.Post(ctx, basicConnector("selected", "p"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := *created.GetId()

	got, err := connectors.ByIdentityApiConnectorId(id).Get(ctx, &identity.ApiConnectorsIdentityApiConnectorItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &identity.ApiConnectorsIdentityApiConnectorItemRequestBuilderGetQueryParameters{Select: []string{"id", "displayName"}},
	})
	if err != nil {
		t.Fatalf("GET with $select: %v", err)
	}
	if got.GetId() == nil || *got.GetId() != id || got.GetDisplayName() == nil || *got.GetDisplayName() != "selected" {
		t.Errorf("selected id %v, displayName %v", got.GetId(), got.GetDisplayName())
	}
	if got.GetTargetUrl() != nil || got.GetAuthenticationConfiguration() != nil {
		t.Errorf("unselected properties came back: targetUrl %v, authenticationConfiguration %v", got.GetTargetUrl(), got.GetAuthenticationConfiguration())
	}
	gets := requestsTo(server, http.MethodGet, "/identity/apiConnectors/"+id)
	if len(gets) != 1 || !strings.Contains(gets[0].RawQuery, "select=id,displayName") {
		t.Errorf("the SDK sent %+v, want one GET with $select", gets)
	}

	list, err := connectors.Get(ctx, &identity.ApiConnectorsRequestBuilderGetRequestConfiguration{
		QueryParameters: &identity.ApiConnectorsRequestBuilderGetQueryParameters{Select: []string{"displayName"}},
	})
	if err != nil {
		t.Fatalf("list with $select: %v", err)
	}
	if items := list.GetValue(); len(items) != 1 || *items[0].GetDisplayName() != "selected" || items[0].GetId() != nil {
		t.Errorf("list with $select=displayName: %v", items)
	}

	_, err = connectors.ByIdentityApiConnectorId(id).Get(ctx, &identity.ApiConnectorsIdentityApiConnectorItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &identity.ApiConnectorsIdentityApiConnectorItemRequestBuilderGetQueryParameters{Select: []string{"secret"}},
	})
	requireODataError(t, err, http.StatusBadRequest, "BadRequest")

	flow, err := server.PutUserFlow(fakegraph.UserFlow{Kind: fakegraph.B2XUserFlow, ID: "B2X_1_selected"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := client.Identity().B2xUserFlows().ByB2xIdentityUserFlowId(flow.ID).Get(ctx, &identity.B2xUserFlowsB2xIdentityUserFlowItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &identity.B2xUserFlowsB2xIdentityUserFlowItemRequestBuilderGetQueryParameters{Select: []string{"id", "userFlowType"}},
	})
	if err != nil {
		t.Fatalf("GET user flow with $select: %v", err)
	}
	if *f.GetId() != flow.ID || f.GetUserFlowType() == nil || f.GetUserFlowTypeVersion() != nil {
		t.Errorf("user flow with $select=id,userFlowType: id %v type %v version %v", f.GetId(), f.GetUserFlowType(), f.GetUserFlowTypeVersion())
	}
}

// TestThrottledBurst: more requests at once than the rate limit lets through. The SDK's retry handler
// waits out each 429's Retry-After, whole seconds as HTTP writes them, and every request succeeds. The
// requests turned away count against the limit too, as Graph's guidance says, and the handler sends every
// one of them again after the same wait: a burst of more than about one and a half times the limit outlasts
// its three retries.
func TestThrottledBurst(t *testing.T) {
	ctx := context.Background()
	client, _, server := newClient(t, fakegraph.Options{})
	c := server.PutConnector(fakegraph.Connector{DisplayName: "hot", TargetURL: "https://api.contoso.com/hot",
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: "u", Password: "p"}})
	server.SetFaults(fakegraph.Faults{RateLimit: fakegraph.RateLimit{PerApp: 5, Window: time.Second, RejectedCount: true}})

	const burst = 8
	errs := make(chan error, burst)
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			_, err := client.Identity().ApiConnectors().ByIdentityApiConnectorId(c.ID).Get(ctx, nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a throttled read failed: %v", err)
		}
	}

	throttled := 0
	for _, r := range requestsTo(server, http.MethodGet, c.ID) {
		if r.Status == http.StatusTooManyRequests {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("no request was throttled: the test proves nothing")
	}
	t.Logf("%d of %d requests answered 429", throttled, len(requestsTo(server, http.MethodGet, c.ID)))
}

// TestUserFlowReferences: an External ID user flow's step is pointed at a connector with PUT …/$ref,
// read back through its navigation property and the whole apiConnectorConfiguration, and cleared again.
// (Azure AD B2C's b2cUserFlows are beta only, which this SDK does not serve.)
func TestUserFlowReferences(t *testing.T) {
	ctx := context.Background()
	client, _, server := newClient(t, fakegraph.Options{})
	flow, err := server.PutUserFlow(fakegraph.UserFlow{Kind: fakegraph.B2XUserFlow, ID: "B2X_1_signup"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.Identity().ApiConnectors().Post(ctx, basicConnector("sign-up check", "p"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := *created.GetId()
	configuration := client.Identity().B2xUserFlows().ByB2xIdentityUserFlowId(flow.ID).ApiConnectorConfiguration()

	link := models.NewReferenceUpdate()
	link.SetOdataId(ptr(server.URL() + "/v1.0/identity/apiConnectors/" + id))
	if err := configuration.PostFederationSignup().Ref().Put(ctx, link, nil); err != nil {
		t.Fatalf("PUT postFederationSignup/$ref: %v", err)
	}
	if got, _ := server.UserFlow(flow.ID); got.APIConnectors[fakegraph.StepPostFederationSignup] != id {
		t.Errorf("the emulator's flow links %v, want postFederationSignup to %s", got.APIConnectors, id)
	}
	step, err := configuration.PostFederationSignup().Get(ctx, nil)
	if err != nil || *step.GetId() != id || *step.GetDisplayName() != "sign-up check" {
		t.Fatalf("GET postFederationSignup: %v %v", step, err)
	}

	// The steps are navigation properties: $expand brings their connectors with the configuration.
	whole, err := configuration.Get(ctx, &identity.B2xUserFlowsItemApiConnectorConfigurationRequestBuilderGetRequestConfiguration{
		QueryParameters: &identity.B2xUserFlowsItemApiConnectorConfigurationRequestBuilderGetQueryParameters{
			Expand: []string{fakegraph.StepPostFederationSignup, fakegraph.StepPostAttributeCollection},
		},
	})
	if err != nil {
		t.Fatalf("GET apiConnectorConfiguration: %v", err)
	}
	if c := whole.GetPostFederationSignup(); c == nil || *c.GetId() != id || whole.GetPostAttributeCollection() != nil {
		t.Errorf("apiConnectorConfiguration: postFederationSignup %v, postAttributeCollection %v", c, whole.GetPostAttributeCollection())
	}

	// An empty reference clears the step.
	if err := configuration.PostFederationSignup().Ref().Put(ctx, models.NewReferenceUpdate(), nil); err != nil {
		t.Fatalf("PUT {} to postFederationSignup/$ref: %v", err)
	}
	_, err = configuration.PostFederationSignup().Get(ctx, nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")

	missing := models.NewReferenceUpdate()
	missing.SetOdataId(ptr(server.URL() + "/v1.0/identity/apiConnectors/be1f769b-9b13-437e-b540-79a905c4932c"))
	err = configuration.PostAttributeCollection().Ref().Put(ctx, missing, nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")
}

// TestUserFlowsAsCode: an External ID sign-up flow made through the SDK's typed calls, with Google added as
// an identity provider by a $ref, a custom attribute and two assignments on its sign-up page, their order
// changed with setOrder and read back with getOrder, and the flow deleted.
func TestUserFlowsAsCode(t *testing.T) {
	ctx := context.Background()
	client, _, server := newClient(t, fakegraph.Options{})
	if _, err := server.PutIdentityProvider(fakegraph.IdentityProvider{Type: "Google", ClientID: "google-client"}); err != nil {
		t.Fatal(err)
	}
	flows := client.Identity().B2xUserFlows()

	create := models.NewB2xIdentityUserFlow()
	create.SetId(ptr("SDK"))
	create.SetUserFlowType(ptr(models.SIGNUPORSIGNIN_USERFLOWTYPE))
	create.SetUserFlowTypeVersion(ptr(float32(1)))
	created, err := flows.Post(ctx, create, nil)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := *created.GetId()
	if id != "B2X_1_SDK" || *created.GetUserFlowType() != models.SIGNUPORSIGNIN_USERFLOWTYPE {
		t.Errorf("created %s of type %v", id, created.GetUserFlowType())
	}
	flow := flows.ByB2xIdentityUserFlowId(id)

	google := models.NewReferenceCreate()
	google.SetOdataId(ptr(server.URL() + "/v1.0/identity/identityProviders/Google-OAUTH"))
	if err := flow.UserFlowIdentityProviders().Ref().Post(ctx, google, nil); err != nil {
		t.Fatalf("POST userFlowIdentityProviders/$ref: %v", err)
	}
	providers, err := flow.UserFlowIdentityProviders().Get(ctx, nil)
	if err != nil {
		t.Fatalf("list the flow's providers: %v", err)
	}
	var kinds []string
	for _, p := range providers.GetValue() {
		// The interfaces match each other's types, so the types are told apart by their structs.
		switch p.(type) {
		case *models.BuiltInIdentityProvider:
			kinds = append(kinds, "builtIn:"+*p.GetId())
		case *models.SocialIdentityProvider:
			kinds = append(kinds, "social:"+*p.GetId())
		}
	}
	if !slices.Equal(kinds, []string{"builtIn:AADSignup-OAUTH", "social:Google-OAUTH"}) {
		t.Errorf("the flow's providers as the SDK types them: %v", kinds)
	}

	hobby := models.NewIdentityUserFlowAttribute()
	hobby.SetDisplayName(ptr("Hobby"))
	hobby.SetDescription(ptr("Your hobby"))
	hobby.SetDataType(ptr(models.STRING_IDENTITYUSERFLOWATTRIBUTEDATATYPE))
	attribute, err := client.Identity().UserFlowAttributes().Post(ctx, hobby, nil)
	if err != nil {
		t.Fatalf("create an attribute: %v", err)
	}
	if *attribute.GetUserFlowAttributeType() != models.CUSTOM_IDENTITYUSERFLOWATTRIBUTETYPE {
		t.Errorf("the attribute's type %v", attribute.GetUserFlowAttributeType())
	}

	for _, attributeID := range []string{*attribute.GetId(), "City"} {
		assigned := models.NewIdentityUserFlowAttribute()
		assigned.SetId(ptr(attributeID))
		assignment := models.NewIdentityUserFlowAttributeAssignment()
		assignment.SetUserAttribute(assigned)
		assignment.SetDisplayName(ptr(attributeID))
		assignment.SetIsOptional(ptr(true))
		assignment.SetUserInputType(ptr(models.TEXTBOX_IDENTITYUSERFLOWATTRIBUTEINPUTTYPE))
		if _, err := flow.UserAttributeAssignments().Post(ctx, assignment, nil); err != nil {
			t.Fatalf("assign %s: %v", attributeID, err)
		}
	}

	order := models.NewAssignmentOrder()
	order.SetOrder([]string{"City", *attribute.GetId()})
	setOrder := identity.NewB2xUserFlowsItemUserAttributeAssignmentsSetOrderPostRequestBody()
	setOrder.SetNewAssignmentOrder(order)
	if err := flow.UserAttributeAssignments().SetOrder().Post(ctx, setOrder, nil); err != nil {
		t.Fatalf("setOrder: %v", err)
	}
	got, err := flow.UserAttributeAssignments().GetOrder().Get(ctx, nil)
	if err != nil {
		t.Fatalf("getOrder(): %v", err)
	}
	if !slices.Equal(got.GetOrder(), []string{"City", *attribute.GetId()}) {
		t.Errorf("order %v", got.GetOrder())
	}

	if err := flow.Delete(ctx, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = flow.Get(ctx, nil)
	requireODataError(t, err, http.StatusNotFound, "Request_ResourceNotFound")
}
