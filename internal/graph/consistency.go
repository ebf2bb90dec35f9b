package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// notFoundReads is how many 404s in a row confirmedRead needs at the least.
const notFoundReads = 3

// absenceConfirmation is how long confirmedRead keeps reading an object that answers 404: long enough for
// Graph's replicas to catch up in the cases seen, short enough that a plan notices an object that really
// is gone without a long wait.
func (c *Client) absenceConfirmation() time.Duration {
	return min(c.consistencyWait, 3*time.Second)
}

// confirmedRead calls read, which reads one object (what names it, for logs and errors), where a 404
// decides that the object is gone. Graph answers from replicas, and one that lags behind can answer 404
// for an object that exists; so a 404 is believed only when Graph repeats it, for at least three reads in
// a row spread over three seconds (or the consistency wait, when that is shorter). Any other answer ends
// the check. A context that ends first is an error, never a 404.
func confirmedRead[T any](ctx context.Context, c *Client, what string, read func(context.Context) (T, error)) (T, error) {
	deadline := time.Now().Add(c.absenceConfirmation())
	pause := 250 * time.Millisecond
	for reads := 1; ; reads++ {
		got, err := read(ctx)
		if !IsNotFound(err) {
			if reads > 1 && err == nil {
				tflog.SubsystemWarn(withLogSubsystem(ctx), LogSubsystem, "Graph answered 404 for an object it serves: a replica lagged behind",
					map[string]any{"object": what, "reads": reads})
			}
			return got, err
		}
		if reads >= notFoundReads && !time.Now().Before(deadline) {
			return got, err
		}
		wait := pause
		if left := time.Until(deadline); left > 0 && left < wait {
			wait = left
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			var zero T
			return zero, fmt.Errorf("confirming that %s is gone (Graph answered 404 %d times): %w", what, reads, context.Cause(ctx))
		case <-timer.C:
			pause = min(pause*2, time.Second)
		}
	}
}
