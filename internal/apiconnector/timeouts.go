package apiconnector

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// timeoutSetting is the attribute of a timeouts block that bounds an operation, on a resource or a data
// source: what an error tells the user to raise when Graph asks for a longer wait than it leaves.
type timeoutSetting struct {
	attribute, on string
}

var (
	resourceCreateTimeout = timeoutSetting{"create", "resource"}
	resourceReadTimeout   = timeoutSetting{"read", "resource"}
	resourceUpdateTimeout = timeoutSetting{"update", "resource"}
	resourceDeleteTimeout = timeoutSetting{"delete", "resource"}
	dataSourceReadTimeout = timeoutSetting{"read", "data source"}
)

// errorDetail is a Graph call's error as a diagnostic's detail, with the next step when the configuration
// can take one: when Graph asked (Retry-After) for a wait longer than the operation's timeout leaves, it
// names the wait and a timeout that covers it.
func errorDetail(err error, timeout timeoutSetting) string {
	var throttled *graph.RetryAfterError
	if !errors.As(err, &throttled) {
		return err.Error()
	}
	// The wait in whole minutes, and a minute more for the requests after it.
	enough := (throttled.Wait + time.Minute - 1).Truncate(time.Minute) + time.Minute
	return fmt.Sprintf("%s\n\nGraph is throttling this application in this tenant and asked for a wait of %s before the next request. "+
		"Set timeouts { %s = %q } or more on this %s so that the wait fits, or run again later.",
		err, durationText(throttled.Wait.Round(time.Second)), timeout.attribute, durationText(enough), timeout.on)
}

// durationText writes a duration as a timeouts block takes it, without the zero units Go adds ("5m", not
// "5m0s").
func durationText(d time.Duration) string {
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}
