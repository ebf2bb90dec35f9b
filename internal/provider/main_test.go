package provider_test

import (
	"os"
	"testing"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/acctest"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.Run(m))
}
