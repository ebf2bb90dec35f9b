package userflowattribute_test

import (
	"encoding/json"
	"fmt"
	"maps"
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

const attributeAddress = "entra_user_flow_attribute.test"

// hobbyID is the id the emulator gives an attribute named Hobby: the reference's own example id.
const hobbyID = "extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby"

// attributeConfig is the provider block and the resource a describes.
func attributeConfig(server *fakegraph.Server, a acctest.UserFlowAttribute) string {
	return acctest.ProviderBlock(server) + a.HCL()
}

// graphCalls counts the user-flow attribute requests the emulator answered since its log was last reset, by
// method.
func graphCalls(server *fakegraph.Server) map[string]int {
	counts := map[string]int{}
	for _, r := range server.Requests() {
		if strings.Contains(r.Path, "/identity/userFlowAttributes") {
			counts[r.Method]++
		}
	}
	return counts
}

// expectCalls fails unless the emulator answered exactly want since its log was last reset.
func expectCalls(server *fakegraph.Server, want map[string]int) error {
	if got := graphCalls(server); !maps.Equal(got, want) {
		return fmt.Errorf("the emulator answered %v, want %v", got, want)
	}
	return nil
}

// writeBodies are the bodies of the requests with method the emulator answered, as JSON objects.
func writeBodies(t *testing.T, server *fakegraph.Server, method string) []map[string]any {
	var bodies []map[string]any
	for _, r := range server.Requests() {
		if r.Method != method || !strings.Contains(r.Path, "/identity/userFlowAttributes") {
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Errorf("%s %s: %v", r.Method, r.Path, err)
		}
		bodies = append(bodies, body)
	}
	return bodies
}

// customAttributes are the tenant's custom attributes, by display name.
func customAttributes(server *fakegraph.Server) []string {
	var names []string
	for _, a := range server.UserFlowAttributes() {
		if !a.BuiltIn {
			names = append(names, a.DisplayName)
		}
	}
	slices.Sort(names)
	return names
}

// seedAttribute stores a custom attribute as if made in the portal.
func seedAttribute(t *testing.T, server *fakegraph.Server, a fakegraph.UserFlowAttribute) fakegraph.UserFlowAttribute {
	t.Helper()
	stored, err := server.PutUserFlowAttribute(a)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}
