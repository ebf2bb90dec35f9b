package acctest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// The builders below write the provider's resources for test configurations, each one way. A value is
// written by hcl: a string as an HCL quoted string (a template such as "${count.index}" stays a template),
// an int as a number, an Expr as it is, and nil not at all.

// Expr is an HCL expression written as it is, such as var.password or entra_identity_api_connector.test.id.
type Expr string

// Connector is an entra_identity_api_connector resource.
type Connector struct {
	Name        string // the resource's name: "test" when empty
	Count       int    // count = Count, when above 0
	DisplayName any
	TargetURL   any
	Basic       *Basic
	PKCS12      *PKCS12
	// Timeouts, when set, is the timeouts block: operation → duration, such as "update": "3s".
	Timeouts map[string]string
}

// Basic is the connector's basic_auth block. Version nil leaves password_wo_version out.
type Basic struct {
	Username, Password, Version any
}

// PKCS12 is the connector's pkcs12 block. Password and Rotation nil leave them out.
type PKCS12 struct {
	Value, Password, Version, Rotation any
}

// Address is the resource's address, such as entra_identity_api_connector.test.
func (c Connector) Address() string {
	return "entra_identity_api_connector." + cmp.Or(c.Name, "test")
}

// HCL is the resource block.
func (c Connector) HCL() string {
	var b block
	b.open("resource", "entra_identity_api_connector", cmp.Or(c.Name, "test"))
	b.attr("count", positive(c.Count))
	b.attr("display_name", c.DisplayName)
	b.attr("target_url", c.TargetURL)
	if c.Basic != nil {
		b.nested("basic_auth", attr{"username", c.Basic.Username}, attr{"password_wo", c.Basic.Password},
			attr{"password_wo_version", c.Basic.Version})
	}
	if c.PKCS12 != nil {
		b.nested("pkcs12", attr{"value_wo", c.PKCS12.Value}, attr{"password_wo", c.PKCS12.Password},
			attr{"value_wo_version", c.PKCS12.Version}, attr{"rotation", c.PKCS12.Rotation})
	}
	b.timeouts(c.Timeouts)
	return b.close()
}

// UserFlowLink is an entra_user_flow_api_connectors resource: Steps maps each step argument (such as
// post_attribute_collection) to a connector id or an Expr.
type UserFlowLink struct {
	Name       string // "test" when empty
	Count      int
	UserFlowID any
	Steps      map[string]any
	// Timeouts, when set, is the timeouts block: operation → duration.
	Timeouts map[string]string
}

// HCL is the resource block.
func (l UserFlowLink) HCL() string {
	var b block
	b.open("resource", "entra_user_flow_api_connectors", cmp.Or(l.Name, "test"))
	b.attr("count", positive(l.Count))
	b.attr("user_flow_id", l.UserFlowID)
	for _, step := range slices.Sorted(maps.Keys(l.Steps)) {
		b.attr(step, l.Steps[step])
	}
	b.timeouts(l.Timeouts)
	return b.close()
}

// UserFlowAttribute is an entra_user_flow_attribute resource.
type UserFlowAttribute struct {
	Name        string // "test" when empty
	Count       int
	DisplayName any
	DataType    any
	Description any
	// Timeouts, when set, is the timeouts block: operation → duration.
	Timeouts map[string]string
}

// Address is the resource's address, such as entra_user_flow_attribute.test.
func (a UserFlowAttribute) Address() string {
	return "entra_user_flow_attribute." + cmp.Or(a.Name, "test")
}

// HCL is the resource block.
func (a UserFlowAttribute) HCL() string {
	var b block
	b.open("resource", "entra_user_flow_attribute", cmp.Or(a.Name, "test"))
	b.attr("count", positive(a.Count))
	b.attr("display_name", a.DisplayName)
	b.attr("data_type", a.DataType)
	b.attr("description", a.Description)
	b.timeouts(a.Timeouts)
	return b.close()
}

// block writes one block of HCL.
type block struct{ strings.Builder }

func (b *block) open(kind, typ, name string) { fmt.Fprintf(b, "\n%s %q %q {\n", kind, typ, name) }

func (b *block) attr(name string, value any) {
	if value != nil {
		fmt.Fprintf(b, "  %s = %s\n", name, hcl(value))
	}
}

// attr is an argument of a nested block.
type attr struct {
	name  string
	value any
}

// nested writes a nested block.
func (b *block) nested(kind string, attrs ...attr) {
	fmt.Fprintf(b, "\n  %s {\n", kind)
	for _, a := range attrs {
		if a.value != nil {
			fmt.Fprintf(b, "    %s = %s\n", a.name, hcl(a.value))
		}
	}
	b.WriteString("  }\n")
}

func (b *block) close() string { return b.String() + "}\n" }

// timeouts writes a timeouts block, when there are any.
func (b *block) timeouts(durations map[string]string) {
	if len(durations) == 0 {
		return
	}
	var attrs []attr
	for _, operation := range slices.Sorted(maps.Keys(durations)) {
		attrs = append(attrs, attr{operation, durations[operation]})
	}
	b.nested("timeouts", attrs...)
}

// hcl writes a value as an HCL expression.
func hcl(value any) string {
	switch v := value.(type) {
	case Expr:
		return string(v)
	case string:
		return quote(v)
	default:
		return fmt.Sprint(v)
	}
}

// quote writes s as an HCL quoted string: control and invisible characters as \uNNNN or \UNNNNNNNN escapes,
// which HCL reads back as they were; ${ and %{ stay template sequences.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case (!unicode.IsPrint(r) || unicode.Is(unicode.Cf, r)) && r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r) || unicode.Is(unicode.Cf, r):
			fmt.Fprintf(&b, `\U%08x`, r) // a tag character, such as those of England's flag
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// positive is n, or nil (left out) when it is not above 0.
func positive(n int) any {
	if n > 0 {
		return n
	}
	return nil
}
