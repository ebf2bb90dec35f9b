// Command idealprovider serves the bench's ideal provider (package idealprovider) under the entra
// provider's address. BENCH_IDEAL_LATENCY (a Go duration) is how long one Graph request would take.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entra-iac/terraform-provider-entra/tools/bench/idealprovider"
)

func main() {
	latency, err := time.ParseDuration(os.Getenv("BENCH_IDEAL_LATENCY"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "idealprovider: BENCH_IDEAL_LATENCY must be a duration such as 50ms")
		os.Exit(1)
	}
	err = providerserver.Serve(context.Background(), idealprovider.New(latency), providerserver.ServeOpts{
		Address:         "registry.terraform.io/entra-iac/entra",
		ProtocolVersion: 6,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "idealprovider:", err)
		os.Exit(1)
	}
}
