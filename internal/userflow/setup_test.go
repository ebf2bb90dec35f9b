package userflow_test

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.Run(m))
}

const linkAddress = "entra_user_flow_api_connectors.test"

// Flows the tests seed, as if made in the portal.
const (
	partnerFlow = "B2X_1_PartnerSignUp"
	b2cFlow     = "B2C_1_SignUpSignIn"
)

// seedConnector stores a connector as if made in the portal and returns its id.
func seedConnector(server *fakegraph.Server, name string) string {
	return server.PutConnector(fakegraph.Connector{
		DisplayName: name, TargetURL: "https://api.contoso.com/" + name,
		Auth: fakegraph.Auth{Kind: fakegraph.AuthBasic, Username: name, Password: "portal-password"},
	}).ID
}

// seedFlow stores a user flow whose steps call the given connectors.
func seedFlow(t *testing.T, server *fakegraph.Server, id string, connectors map[string]string) {
	t.Helper()
	if _, err := server.PutUserFlow(fakegraph.UserFlow{ID: id, APIConnectors: connectors}); err != nil {
		t.Fatal(err)
	}
}

// linkConfig is the resource for flowID with the given arguments (attribute → connector id, or an
// expression when it starts with "entra_").
func linkConfig(server *fakegraph.Server, flowID string, arguments map[string]string) string {
	steps := map[string]any{}
	for name, value := range arguments {
		steps[name] = value
		if strings.HasPrefix(value, "entra_") {
			steps[name] = acctest.Expr(value)
		}
	}
	return acctest.ProviderBlock(server) + acctest.UserFlowLink{UserFlowID: flowID, Steps: steps}.HCL()
}

// put is a PUT …/{step}/$ref the emulator should have received: the path under the emulator's URL and the
// exact body, in which {graph} stands for the emulator's URL.
type put struct {
	path string
	body string
}

// setStep is the PUT that makes a step of flowID call connectorID, on version.
func setStep(version, collection, flowID, step, connectorID string) put {
	return put{
		path: fmt.Sprintf("/%s/identity/%s/%s/apiConnectorConfiguration/%s/$ref", version, collection, flowID, step),
		body: fmt.Sprintf(`{"@odata.id":"{graph}/%s/identity/apiConnectors/%s"}`, version, connectorID),
	}
}

// clearStep is the PUT that makes a step call no connector.
func clearStep(version, collection, flowID, step string) put {
	return put{path: fmt.Sprintf("/%s/identity/%s/%s/apiConnectorConfiguration/%s/$ref", version, collection, flowID, step), body: `{}`}
}

// expectPUTs fails unless the PUTs the emulator answered since its log was last reset are want, in order.
func expectPUTs(server *fakegraph.Server, want ...put) error {
	var got []string
	for _, r := range server.Requests() {
		if r.Method == http.MethodPut {
			got = append(got, fmt.Sprintf("PUT %s %s -> %d", r.Path, r.Body, r.Status))
		}
	}
	wanted := make([]string, len(want))
	for i, w := range want {
		wanted[i] = fmt.Sprintf("PUT %s %s -> 204", w.path, strings.ReplaceAll(w.body, "{graph}", server.URL()))
	}
	if !slices.Equal(got, wanted) {
		return fmt.Errorf("the emulator received\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(wanted, "\n  "))
	}
	return nil
}

// expectSteps fails unless the flow's steps call exactly the given connectors.
func expectSteps(server *fakegraph.Server, flowID string, want map[string]string) error {
	flow, ok := server.UserFlow(flowID)
	if !ok {
		return fmt.Errorf("the emulator has no flow %s", flowID)
	}
	if !maps.Equal(flow.APIConnectors, want) {
		return fmt.Errorf("flow %s calls %v, want %v", flowID, flow.APIConnectors, want)
	}
	return nil
}

// graphCalls counts the user-flow requests the emulator answered since its log was last reset, by method.
func graphCalls(server *fakegraph.Server) map[string]int {
	counts := map[string]int{}
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, "UserFlows") || strings.Contains(r.Path, "/identity/apiConnectors") {
			counts[r.Method]++
		}
	}
	return counts
}
