package acctest

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// RequiresResourceIdentity skips a test on a CLI that knows no resource identities: Terraform before 1.12
// neither sends nor stores them, so import blocks with `identity = { … }` and identity state checks
// cannot run there. OpenTofu 1.12 and Terraform 1.12 run the test.
var RequiresResourceIdentity = []tfversion.TerraformVersionCheck{identityCheck{}}

type identityCheck struct{}

func (identityCheck) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if req.TerraformVersion.Core().LessThan(tfversion.Version1_12_0) {
		resp.Skip = fmt.Sprintf("resource identity (import blocks naming identity = { id = ... }, identity in the state) needs "+
			"Terraform or OpenTofu 1.12 or later, and this CLI is %s", req.TerraformVersion)
	}
}

// ExpectID checks that the resource at address holds id as its `id`, spelled exactly so, and as its identity
// when the state carries one: Terraform before 1.12 stores none. On OpenTofu, which stores identities, the
// identity must be there.
func ExpectID(address, id string) statecheck.StateCheck { return idCheck{address, id} }

type idCheck struct{ address, id string }

func (c idCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("%s: no state", c.address)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.address {
			continue
		}
		if got := r.AttributeValues["id"]; got != c.id {
			resp.Error = fmt.Errorf("%s: id is %v, want %q", c.address, got, c.id)
			return
		}
		switch got, ok := r.IdentityValues["id"]; {
		case !ok && os.Getenv(CLIEnv) != "terraform":
			resp.Error = fmt.Errorf("%s: the state holds no identity", c.address)
		case ok && got != c.id:
			resp.Error = fmt.Errorf("%s: the identity's id is %v, want %q", c.address, got, c.id)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: not in the state", c.address)
}
