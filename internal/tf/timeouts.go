// Package tf is what every resource and data source of the provider shares on the Terraform side: the
// deadline of an operation, taken from its timeouts block; the diagnostic detail that says what to do next
// when a Graph call fails (one table, keyed by Graph's status and error code and the kind of object); the
// resource identity; the hand-over of the configured Graph client; and the checks of Graph ids. Nothing here
// speaks HTTP: the Graph client (internal/graph) does.
package tf

import (
	"context"
	"fmt"
	"strings"
	"time"

	datasourcetimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	resourcetimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Timeout is the attribute of a timeouts block that bounds an operation, on a resource or a data source:
// what an error tells the user to raise.
type Timeout struct {
	Attribute, On string
}

// The operations, by the timeouts attribute that bounds each.
var (
	ResourceCreate = Timeout{"create", "resource"}
	ResourceRead   = Timeout{"read", "resource"}
	ResourceUpdate = Timeout{"update", "resource"}
	ResourceDelete = Timeout{"delete", "resource"}
	DataSourceRead = Timeout{"read", "data source"}
)

// Defaults are how long each operation of a resource may take when its timeouts block does not say.
type Defaults struct {
	Create, Read, Update, Delete time.Duration
}

// Bound returns ctx bounded by an operation's timeout: what the timeouts block sets, read with one of
// its value's methods (such as plan.Timeouts.Create), or fallback when it sets nothing. A setting that
// cannot be read goes to diags, and ctx comes back unbounded: the caller returns on diags.HasError().
func Bound(ctx context.Context, setting func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	fallback time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	timeout, d := setting(ctx, fallback)
	diags.Append(d...)
	if d.HasError() {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, timeout)
}

// ReadConfig starts a data source's read: it reads the configuration into config, whose timeouts block is
// *block, and returns ctx bounded by the block's read timeout, or fallback when it sets none. ok is false
// when diags hold an error; cancel is always safe to defer.
func ReadConfig(ctx context.Context, req datasource.ReadRequest, config any, block *datasourcetimeouts.Value,
	fallback time.Duration, diags *diag.Diagnostics) (_ context.Context, cancel context.CancelFunc, ok bool) {
	diags.Append(req.Config.Get(ctx, config)...)
	if diags.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel = Bound(ctx, block.Read, fallback, diags)
	return ctx, cancel, !diags.HasError()
}

// blockDescription is the description of every timeouts block.
const blockDescription = "How long each operation may take, as a duration such as `\"10m\"` or `\"1h30m\"` (units `s`, `m` " +
	"and `h`), Graph's retries and the waits its `Retry-After` asks for included. When Graph asks for a wait longer than " +
	"what is left, the operation fails at once and the error names the setting that would cover the wait."

// attributeDescription describes one attribute of a timeouts block.
func attributeDescription(what string, fallback time.Duration) string {
	return fmt.Sprintf("How long %s may take. Default `\"%s\"`.", what, DurationText(fallback))
}

// ResourceTimeouts is a resource's timeouts block, with the defaults its operations use.
func ResourceTimeouts(ctx context.Context, d Defaults) resourceschema.Block {
	block := resourcetimeouts.Block(ctx, resourcetimeouts.Opts{
		Create: true, Read: true, Update: true, Delete: true,
		CreateDescription: attributeDescription("creating", d.Create),
		ReadDescription:   attributeDescription("a refresh", d.Read),
		UpdateDescription: attributeDescription("an update", d.Update),
		DeleteDescription: attributeDescription("destroying", d.Delete),
	})
	if nested, ok := block.(resourceschema.SingleNestedBlock); ok {
		nested.MarkdownDescription = blockDescription
		return nested
	}
	return block
}

// DataSourceTimeouts is a data source's timeouts block, with the default of its read.
func DataSourceTimeouts(ctx context.Context, read time.Duration) datasourceschema.Block {
	block := datasourcetimeouts.BlockWithOpts(ctx, datasourcetimeouts.Opts{ReadDescription: attributeDescription("reading", read)})
	if nested, ok := block.(datasourceschema.SingleNestedBlock); ok {
		nested.MarkdownDescription = blockDescription
		return nested
	}
	return block
}

// DurationText writes a duration as a timeouts block takes it, without the zero units Go adds ("5m", not
// "5m0s").
func DurationText(d time.Duration) string {
	text := d.String()
	if strings.HasSuffix(text, "m0s") {
		text = strings.TrimSuffix(text, "0s")
	}
	if strings.HasSuffix(text, "h0m") {
		text = strings.TrimSuffix(text, "0m")
	}
	return text
}
