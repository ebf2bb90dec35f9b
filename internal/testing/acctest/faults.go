package acctest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// A fault test proves something only if its fault happened: these checks read the emulator's request log
// for the answers the fault gives, and fail when there were none.

// InjectedFaults are the answers of the emulator's random faults (ErrorRatio, RateLimit, LostResponseRatio).
var InjectedFaults = []int{0, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
	http.StatusServiceUnavailable, http.StatusGatewayTimeout}

// CheckFaultServed fails unless the emulator answered a request whose path holds path with one of the
// statuses (0: the answer to a committed write was lost).
func CheckFaultServed(server *fakegraph.Server, path string, statuses ...int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range server.Requests() {
			for _, status := range statuses {
				if r.Status == status && strings.Contains(r.Path, path) {
					return nil
				}
			}
		}
		return fmt.Errorf("no request for %s was answered with %v: the fault never happened, so the test proves nothing", path, statuses)
	}
}

// CheckStaleReadServed fails unless the emulator answered a GET whose path holds path as Graph was before
// a write (Request.Stale: ReplicationLag, StaleReads).
func CheckStaleReadServed(server *fakegraph.Server, path string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range server.Requests() {
			if r.Stale && r.Method == http.MethodGet && strings.Contains(r.Path, path) {
				return nil
			}
		}
		return fmt.Errorf("no read of %s was answered stale: the fault never happened, so the test proves nothing", path)
	}
}
