package tf

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

// ReportNotShown reports err when it is a write Graph acknowledged but did not show before the operation's
// deadline (a *graph.NotShownError), and says whether it was one. Each property Graph does not show is an
// error on the argument paths names for it (by Graph's name for the property, or the step), with what was
// sent and what Graph shows; a property without an argument is an error on the resource.
func ReportNotShown(diags *diag.Diagnostics, err error, paths map[string]path.Path, call Call) bool {
	var notShown *graph.NotShownError
	if !errors.As(err, &notShown) {
		return false
	}
	if len(notShown.Pending) == 0 && call.Timeout == ResourceCreate {
		diags.AddError("Graph has not served the new "+call.Object.Name, fmt.Sprintf("Graph answered %s with the %s's id, "+
			"%s, but answered 404 for it in %d reads until the create timeout: its replicas had not caught up. Until a read finds it, "+
			"a plan stops with an error rather than forget it, so that no second one is made. If this recurs, set a longer "+
			"timeouts { create } on this resource.", notShown.Write, call.Object.Name, call.ID, notShown.Reads))
		return true
	}
	advice := fmt.Sprintf("Graph answered %s as done, but in %d reads until the %s timeout it did not show it. The state holds what "+
		"Graph shows, so the next plan proposes the change again. Graph may be slow to show it (set a longer timeouts { %s } on "+
		"this %s) or may not have applied it at all: look at the %s %s in the Microsoft Entra admin center.",
		notShown.Write, notShown.Reads, call.Timeout.Attribute, call.Timeout.Attribute, call.Timeout.On, call.Object.Name, call.ID)
	summary := "Graph did not apply the " + call.Object.Name + "'s change"
	for _, p := range notShown.Pending {
		at, ok := paths[p.Property]
		what := "This apply " + p.String() + "."
		if !ok {
			diags.AddError(summary, fmt.Sprintf("%s: %s\n\n%s", p.Property, what, advice))
			continue
		}
		diags.AddAttributeError(at, summary, fmt.Sprintf("%s: %s\n\n%s", at, what, advice))
	}
	if len(notShown.Pending) == 0 {
		diags.AddError(summary, advice)
	}
	return true
}

// TaintedAfterCreate returns diags, the errors of a create that failed after Graph made the object id of kind
// object, with a paragraph after each detail that says what follows: the CLI keeps an object whose create
// failed in the state marked tainted, and replaces it at the next apply unless it is untainted.
func TaintedAfterCreate(diags diag.Diagnostics, object Object, id string) diag.Diagnostics {
	paragraph := fmt.Sprintf("Graph made the %s %s, and the state holds it marked tainted: the next apply deletes it and "+
		"creates it again. To keep it, run untaint with this resource's address (tofu untaint or terraform untaint) before the "+
		"next apply, which then writes only what this one did not.", object.Name, id)
	var out diag.Diagnostics
	for _, d := range diags {
		if at, ok := d.(diag.DiagnosticWithPath); ok {
			out.AddAttributeError(at.Path(), d.Summary(), d.Detail()+"\n\n"+paragraph)
		} else {
			out.AddError(d.Summary(), d.Detail()+"\n\n"+paragraph)
		}
	}
	return out
}

// TaintedAfterCreateRule says in a resource's description what TaintedAfterCreate says after a failed
// create; example is a way the create can fail after Graph made the object.
func TaintedAfterCreateRule(object Object, example string) string {
	return "A create that fails after Graph made the " + object.Name + " (" + example + ") keeps it in the state, marked " +
		"tainted as the CLI marks every resource whose create failed: the next apply deletes it and creates it again. " +
		"`tofu untaint` (or `terraform untaint`) with the resource's address keeps it. While Graph still answers 404 for an " +
		"object whose create ended before Graph served it, a plan stops with an error rather than forget it and make a second one."
}

// unservedKey is the private-state key that marks an object whose create ended before Graph served it.
const unservedKey = "unserved"

// privateState is a resource's private state, as the framework's requests and responses hold it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// MarkUnserved records, at a create that Graph answered with the object but did not serve before the create
// timeout, that no read has served the object yet: a refresh then does not take Graph's 404 for a deletion
// (see NotFound).
func MarkUnserved(ctx context.Context, private privateState) diag.Diagnostics {
	return private.SetKey(ctx, unservedKey, []byte("true"))
}

// Served records that a read served the object: from then on a 404 means that it is gone.
func Served(ctx context.Context, private privateState) diag.Diagnostics {
	if marked, d := private.GetKey(ctx, unservedKey); len(marked) == 0 {
		return d
	}
	return private.SetKey(ctx, unservedKey, nil)
}

// NotFound decides what a refresh's confirmed 404 means, and reports whether the resource is to be removed
// from the state: an object deleted outside the configuration. An object that Graph made at a create that
// ended before Graph served it (MarkUnserved), and that no read has served since, stays, with an error: Graph
// may still be catching up, and forgetting it would make the next apply create a second one.
func NotFound(ctx context.Context, private privateState, diags *diag.Diagnostics, call Call) bool {
	marked, d := private.GetKey(ctx, unservedKey)
	diags.Append(d...)
	if len(marked) == 0 {
		return true
	}
	diags.AddError("Graph has not served the "+call.Object.Name+" "+call.ID+" yet", fmt.Sprintf("Graph made the %s %s at a create "+
		"that ended before Graph served it, and still answers 404 for it. The state keeps it, so that no second one is made: plan "+
		"again once Graph serves it, usually within minutes. If the Microsoft Entra admin center does not list it after that, "+
		"Graph did not keep it: remove it from the state with state rm and this resource's address (tofu state rm or terraform "+
		"state rm), and apply again.", call.Object.Name, call.ID))
	return false
}
