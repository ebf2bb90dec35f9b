package apiconnector

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// NewResourceAt is NewResource reading the time from now, for tests of what the clock decides.
func NewResourceAt(now func() time.Time) resource.Resource {
	return &connectorResource{now: now}
}
