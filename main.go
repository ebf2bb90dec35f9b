// Command terraform-provider-entra serves the entra provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/entra-iac/terraform-provider-entra/internal/provider"
)

// version is set by the release build with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider for a debugger, printing the TF_REATTACH_PROVIDERS value to use")
	flag.Parse()

	quietUnlessLogging()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/entra-iac/entra",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// sdkLoggers are the log levels the plugin SDK reads for itself and for the provider.
var sdkLoggers = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// quietUnlessLogging turns the plugin SDK's loggers off when no TF_LOG* variable asks for logs. They
// default to TRACE and the CLI parses every line only to throw it away: about a quarter of the
// provider's CPU at scale (see BENCHMARKS.md). Any TF_LOG* setting leaves logging as the CLI asks.
func quietUnlessLogging() {
	for _, entry := range os.Environ() {
		if strings.HasPrefix(entry, "TF_LOG") {
			return
		}
	}
	for _, name := range sdkLoggers {
		_ = os.Setenv(name, "OFF")
	}
}
