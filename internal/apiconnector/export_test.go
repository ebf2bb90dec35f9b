package apiconnector

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// NewResourceAt is NewResource reading the time from now, for tests of what the clock decides.
func NewResourceAt(now func() time.Time) resource.Resource {
	return &connectorResource{now: now}
}

// RealNames are the names of realNames, for the acceptance tests.
func RealNames() []string {
	names := make([]string, len(realNames))
	for i, n := range realNames {
		names[i] = n.name
	}
	return names
}
