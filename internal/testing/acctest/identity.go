package acctest

import (
	"context"
	"fmt"

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
