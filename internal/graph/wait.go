package graph

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The client's waits: the pause before a request goes again (backoff, sleep), and reading an object again
// until Graph's replicas agree. Graph is eventually consistent in both directions: a replica that lags behind
// answers 404 for an object that exists, and the object as it was before a write that Graph has acknowledged.
// Every wait is bounded by the operation's deadline (the resource's timeouts), and each kind of wait says
// what running out of time means.

// notFoundReads is how many 404s in a row confirmedRead needs at the least.
const notFoundReads = 3

// absenceConfirmation is how long confirmedRead keeps reading an object that answers 404: long enough for
// Graph's replicas to catch up in the cases seen, short enough that a plan notices an object that really
// is gone without a long wait.
func (c *Client) absenceConfirmation() time.Duration {
	return min(c.consistencyWait, 3*time.Second)
}

// lostWriteSearch bounds how long the client looks for the effect of a write whose answer was lost before
// it sends the write again. Graph's replicas usually agree within seconds; the bound keeps a write that
// truly failed from waiting the whole operation before it is sent again.
func (c *Client) lostWriteSearch() time.Duration {
	return min(c.consistencyWait, 30*time.Second)
}

// confirmedRead calls read, which reads one object (what names it, for logs and errors), where a 404
// decides that the object is gone. Graph answers from replicas, and one that lags behind can answer 404
// for an object that exists; so a 404 is believed only when Graph repeats it, for at least three reads in
// a row spread over at least three seconds (or the consistency wait, when that is shorter), at poll's
// pace. Any other answer ends the check. A context that ends first is an error, never a 404.
func confirmedRead[T any](ctx context.Context, c *Client, what string, read func(context.Context) (T, error)) (T, error) {
	var got T
	var err error
	reads, start := 0, time.Now()
	_, _ = poll(ctx, 0, func(ctx context.Context) (bool, error) {
		got, err = read(ctx)
		reads++
		return !IsNotFound(err) || reads >= notFoundReads && time.Since(start) >= c.absenceConfirmation(), nil
	})
	switch {
	case IsNotFound(err) && ctx.Err() != nil:
		var zero T
		return zero, fmt.Errorf("confirming that %s is gone (Graph answered 404 %d times): %w", what, reads, context.Cause(ctx))
	case reads > 1 && err == nil:
		tflog.SubsystemWarn(withLogSubsystem(ctx), LogSubsystem, "Graph answered 404 for an object it serves: a replica lagged behind",
			map[string]any{"object": what, "reads": reads})
	}
	return got, err
}

// NotShownError is a write Graph acknowledged but did not show before the operation's deadline: every read
// since answered as if the write had not happened. Such a write may never take effect; the state must hold
// what Graph shows, never what was sent.
type NotShownError struct {
	// Write names the request, as "PATCH /v1.0/identity/apiConnectors/{id}".
	Write string
	// Reads is how many reads followed it.
	Reads int
	// Pending says, property by property, what was sent and what Graph showed at the last read.
	Pending []Pending
}

// Pending is one property of a write that Graph does not show: its Graph name (or a step's, or an id), the
// value sent, and the value Graph shows ("" for none).
type Pending struct {
	Property, Sent, Shown string
}

func (e *NotShownError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Graph acknowledged %s but did not show it in %d reads before the operation's deadline", e.Write, e.Reads)
	for i, p := range e.Pending {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s: %s", sep, p.Property, p)
	}
	return b.String()
}

// String says what was sent and what Graph shows: `sent "a", and Graph shows "b"`.
func (p Pending) String() string {
	return fmt.Sprintf("sent %s, and Graph shows %s", orNone(p.Sent), orNone(p.Shown))
}

// orNone quotes a value, or says "none".
func orNone(v string) string {
	if v == "" {
		return "none"
	}
	return fmt.Sprintf("%q", v)
}

// readBack reads an object with read until shown, which compares it with what write sent, says Graph shows
// the write, and returns the last object read. Graph's replicas may answer with the object as it was for a
// while after a write; the wait lasts until the operation's deadline, and when that comes first, it returns
// the last object read (the zero value when no read answered) with a *NotShownError holding what shown
// found pending at the last read. shown also decides what a failed read means: it returns the error to end
// the wait with, or nil to read again (a 404 from a replica that has not seen a create, say).
func readBack[T any](ctx context.Context, write string, read func(context.Context) (T, error),
	shown func(T, error) (bool, []Pending, error)) (T, error) {
	var last T
	var left []Pending
	reads := 0
	finished, err := poll(ctx, 0, func(ctx context.Context) (bool, error) {
		got, err := read(ctx)
		if ctx.Err() != nil {
			return false, nil
		}
		reads++
		if err == nil {
			last = got
		}
		var done bool
		done, left, err = shown(got, err)
		return done, err
	})
	switch {
	case err != nil:
		return last, err
	case !finished:
		return last, &NotShownError{Write: write, Reads: reads, Pending: left}
	}
	return last, nil
}

// readUntilShown is readBack after a write to an object that exists: a 404 is a replica that lags behind and
// is read again, any other failed read ends the wait with its error, and pending lists what a read does not
// show of the write yet (none: Graph shows it).
func readUntilShown[T any](ctx context.Context, write string, read func(context.Context) (T, error), pending func(T) []Pending) (T, error) {
	return readBack(ctx, write, read, func(got T, err error) (bool, []Pending, error) {
		switch {
		case IsNotFound(err):
			return false, nil, nil
		case err != nil:
			return false, nil, err
		}
		left := pending(got)
		return len(left) == 0, left, nil
	})
}

// backoff is the pause after attempt n (counted from 1) when Graph names no Retry-After: exponential from
// waitMin up to waitMax, with jitter so that parallel requests spread out.
func (p retryPolicy) backoff(n int) time.Duration {
	wait := p.waitMin << min(n-1, 16)
	if wait <= 0 || wait > p.waitMax {
		wait = p.waitMax
	}
	// Half fixed, half random: waits grow with each attempt but never line up across requests.
	return wait/2 + rand.N(wait/2+1) //nolint:gosec // jitter spreads retries; it guards no secret.
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// poll calls check with a growing pause between calls until it reports done or fails, for at most limit
// (0 for no limit but the context's deadline). It reports whether check finished. Running out of time,
// whether limit's or the deadline's, is not an error: the caller decides what an unfinished check means. A
// cancelled context is.
func poll(ctx context.Context, limit time.Duration, check func(context.Context) (bool, error)) (bool, error) {
	if limit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	pause := 250 * time.Millisecond
	for {
		finished, err := check(ctx)
		if err != nil && ctx.Err() == nil {
			return false, err
		}
		if err == nil && finished {
			return true, nil
		}
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			if err := context.Cause(ctx); !errors.Is(err, context.DeadlineExceeded) {
				return false, err
			}
			return false, nil
		case <-timer.C:
			pause = min(pause*2, 5*time.Second)
		}
	}
}

// readUntilServed reads a new object with read until Graph serves it, so that the next read does not take
// replication lag for a deletion: for a while after a create, replicas answer 404. write names the create
// for the error. It returns the object as Graph serves it; when the operation's deadline comes first, the
// object the create answered with (created), which exists by that answer, and a *NotShownError.
func readUntilServed[T any](ctx context.Context, write string, created *T, read func(context.Context) (*T, error)) (*T, error) {
	visible, err := readUntilShown(ctx, write, read, func(*T) []Pending { return nil })
	if visible == nil {
		return created, err
	}
	return visible, err
}

// readUntilGone reads a deleted object with read until Graph answers 404, so that the next read does not
// take a lagging replica's copy for an object that still exists. what names it in logs. When the
// operation's deadline comes while Graph still serves it, the error is a *NotShownError (write names the
// delete); a read that fails otherwise is only logged: the DELETE succeeded, and no read showed the object
// still there, so a failing read must not keep it in the state.
func readUntilGone[T any](ctx context.Context, write, what string, read func(context.Context) (T, error)) error {
	_, err := readBack(ctx, write, read, func(_ T, err error) (bool, []Pending, error) {
		if IsNotFound(err) {
			return true, nil, nil
		}
		return false, nil, err
	})
	var notShown *NotShownError
	if err != nil && !errors.As(err, &notShown) {
		tflog.SubsystemWarn(withLogSubsystem(ctx), LogSubsystem, "Could not confirm that the deleted object is gone",
			map[string]any{"object": what, "error": err.Error()})
		return nil
	}
	return err
}

// createOnce sends a create (or another write that makes something, such as a certificate upload) with send
// and returns what Graph made. Graph may make the object and lose the
// answer (ErrOutcomeUnknown): the object is then looked for with find, for as long as Graph's replicas may
// take to list it (lostWriteSearch), and the create is sent again only when find finds nothing, so that a
// lost answer never makes a second object. A 409 to a create sent again means that an earlier one made the
// object after all, and it is looked for the same way; a 409 to the first create is Graph refusing a
// duplicate, and is returned as it is. find returns nil when there is nothing to adopt, or an error when
// what it finds cannot be what the create made. what names the object in logs and errors.
func createOnce[T any](ctx context.Context, c *Client, what string, send, find func(context.Context) (*T, error)) (*T, error) {
	for attempt := 1; ; attempt++ {
		created, err := send(ctx)
		if err == nil {
			return created, nil
		}
		conflictAfterLoss := attempt > 1 && hasStatus(err, http.StatusConflict)
		if !conflictAfterLoss && (!errors.Is(err, ErrOutcomeUnknown) || attempt == maxCreateAttempts) {
			return nil, err
		}
		tflog.SubsystemWarn(withLogSubsystem(ctx), LogSubsystem, "The answer to a write was lost; looking for its effect before sending it again",
			map[string]any{"object": what, "attempt": attempt, "error": err.Error()})
		var found *T
		_, findErr := poll(ctx, c.lostWriteSearch(), func(ctx context.Context) (bool, error) {
			got, err := find(ctx)
			found = got
			return got != nil, err
		})
		switch {
		case findErr != nil:
			return nil, fmt.Errorf("%w; looking for the %s afterwards failed too: %w", err, what, findErr)
		case found != nil:
			return found, nil
		case conflictAfterLoss:
			return nil, fmt.Errorf("%w; an earlier create of the %s was lost, and none that it made could be found", err, what)
		}
	}
}
