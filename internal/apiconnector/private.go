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

type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func readPrivate(ctx context.Context, from privateReader) (authPrivate, diag.Diagnostics) {
	var p authPrivate
	if from == nil {
		return p, nil
	}
	raw, diags := from.GetKey(ctx, privateKey)
	if diags.HasError() || len(raw) == 0 {
		return p, diags
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		// Unreadable private state only loses the drift hints; the next apply writes it again.
		return authPrivate{}, diags
	}
	return p, diags
}

func writePrivate(ctx context.Context, to privateWriter, p authPrivate) diag.Diagnostics {
	raw, err := json.Marshal(p)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot encode private state", err.Error())
		return diags
	}
	return to.SetKey(ctx, privateKey, raw)
}
