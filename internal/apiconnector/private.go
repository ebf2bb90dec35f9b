package apiconnector

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateKey is the private-state key under which the resource keeps what it knows about the secrets it
// sent. Private state is stored with the resource but never shown; it holds no secret either.
const privateKey = "auth"

// authPrivate is what the resource remembers about the secrets it sent.
type authPrivate struct {
	// SecretPending says that the configured secret must be sent at the next apply although no
	// *_wo_version changed: the connector was imported, or its certificates were changed outside
	// Terraform.
	SecretPending bool `json:"secret_pending,omitempty"`
	// Thumbprint is the certificate this configuration last sent, to notice when it is gone.
	Thumbprint string `json:"thumbprint,omitempty"`
}

// readPrivate reads what the resource remembers. Unreadable private state only loses the drift hints; the
// next apply writes it again.
func readPrivate(ctx context.Context, from interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}, diags *diag.Diagnostics) authPrivate {
	raw, d := from.GetKey(ctx, privateKey)
	diags.Append(d...)
	var p authPrivate
	if len(raw) > 0 && json.Unmarshal(raw, &p) != nil {
		return authPrivate{}
	}
	return p
}

func writePrivate(ctx context.Context, to interface {
	SetKey(context.Context, string, []byte) diag.Diagnostics
}, p authPrivate) diag.Diagnostics {
	// A bool and a string always encode.
	raw, _ := json.Marshal(p)
	return to.SetKey(ctx, privateKey, raw)
}
