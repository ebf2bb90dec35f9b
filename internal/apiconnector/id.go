package apiconnector

import "github.com/hashicorp/terraform-plugin-framework/schema/validator"

// IDValidator checks that a value has the form of an API connector id (a GUID), for the arguments of other
// resources that name a connector. Unknown and null values pass.
func IDValidator() validator.String {
	return stringCheck{description: "must be an API connector id (a GUID)", checks: []func(string) string{checkID}}
}
