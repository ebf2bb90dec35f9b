package tf

import (
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
