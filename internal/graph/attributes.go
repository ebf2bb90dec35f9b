package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// User-flow attributes (identityUserFlowAttribute): the built-in attributes every tenant has and the custom
// ones it defines, in one collection, on the client's version. Graph reference: identityuserflowattribute-list,
// -get, -post, -update and -delete (v1.0 and beta).

// userFlowAttributesPath is the collection under the versioned base.
const userFlowAttributesPath = "identity/userFlowAttributes"

// The kinds of attribute, Graph's userFlowAttributeType.
const (
	BuiltInAttribute = "builtIn"
	CustomAttribute  = "custom"
)

// userFlowAttributeTypes are the kinds a list can be filtered by (the reference also lists required, which
// no attribute is seen to have).
var userFlowAttributeTypes = []string{BuiltInAttribute, CustomAttribute}

// UserFlowAttributeTypes lists the kinds a list of attributes can be filtered by, as Graph's enum spells them.
func UserFlowAttributeTypes() []string { return slices.Clone(userFlowAttributeTypes) }

// UserFlowAttribute is an attribute a flow's sign-up page can collect.
type UserFlowAttribute struct {
	// ID is Graph's: a built-in attribute's name (City), or a custom one's extension_<appId>_<name>, which
	// Graph makes from the tenant's aad-extensions-app and the display name by rules it does not document.
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
	// DataType is string, boolean or int64 for a custom attribute (what a create accepts); the reference
	// also lists stringCollection and dateTime.
	DataType string `json:"dataType"`
	// UserFlowAttributeType is builtIn or custom (the reference also lists required).
	UserFlowAttributeType string `json:"userFlowAttributeType"`
}

// customDataTypes are the dataType values the create page accepts.
var customDataTypes = []string{"string", "boolean", "int64"}

// UserFlowAttributeDataTypes lists the data types a custom attribute can be created with.
func UserFlowAttributeDataTypes() []string { return slices.Clone(customDataTypes) }

// ListUserFlowAttributes reads every attribute, built-in and custom, following @odata.nextLink across
// pages: GET /identity/userFlowAttributes, with $filter=userFlowAttributeType eq '<attributeType>' when
// attributeType is not "" (BuiltInAttribute or CustomAttribute, in any case: the filter has the enum's
// spelling).
func (c *Client) ListUserFlowAttributes(ctx context.Context, attributeType string) ([]UserFlowAttribute, error) {
	first := userFlowAttributesPath
	if attributeType != "" {
		kind := enumMember(attributeType, userFlowAttributeTypes)
		first = c.versionedURL(c.version(), userFlowAttributesPath, "$filter="+queryValue("userFlowAttributeType eq "+odataString(kind)))
	}
	return getAllPages[UserFlowAttribute](ctx, c, first, "user flow attributes")
}

// odataString is s as an OData string literal: in single quotes, a quote inside doubled.
func odataString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// queryValue escapes a query option's value, spaces as %20: a '+' would be read as a space by some
// servers and as a plus by others.
func queryValue(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// GetUserFlowAttribute reads one attribute (GET /identity/userFlowAttributes/{id}). A missing one is an
// error for which IsNotFound is true. Right after a write, use the write's own wait; to decide that an
// attribute is gone, GetUserFlowAttributeConfirmed.
func (c *Client) GetUserFlowAttribute(ctx context.Context, id string) (*UserFlowAttribute, error) {
	path, err := attributePath(id)
	if err != nil {
		return nil, err
	}
	return getOne[UserFlowAttribute](ctx, c, path, "a user flow attribute")
}

// GetUserFlowAttributeConfirmed reads one attribute where a 404 decides that it is gone, as a refresh or an
// import does: a 404 is believed only once Graph repeats it (see confirmedRead).
func (c *Client) GetUserFlowAttributeConfirmed(ctx context.Context, id string) (*UserFlowAttribute, error) {
	return confirmedRead(ctx, c, "user flow attribute "+id, func(ctx context.Context) (*UserFlowAttribute, error) {
		return c.GetUserFlowAttribute(ctx, id)
	})
}

// CreateUserFlowAttribute creates a custom attribute: POST /identity/userFlowAttributes with displayName,
// description and dataType (identityuserflowattribute-post), which Graph answers 201 with the attribute. Its
// id is taken from that answer, never built from extension_<appId>_<name>: how Graph makes the name part from
// a display name is not documented. The attribute is then read until Graph serves it (replication lag); when
// the operation's deadline comes first, the attribute the create answered with is returned with a
// *NotShownError.
//
// When the answer is lost, the client looks for a custom attribute with that display name (compared without
// regard to case, as Graph refuses a second one so) before sending the create again, and a 409 to a create
// sent again means it exists (see createOnce); one of another data type is not the one the create made, and
// is an error. A 409 to the first create is a display name taken already, returned as Graph's error.
func (c *Client) CreateUserFlowAttribute(ctx context.Context, attribute UserFlowAttribute) (*UserFlowAttribute, error) {
	body := struct {
		DisplayName string `json:"displayName"`
		Description string `json:"description"`
		DataType    string `json:"dataType"`
	}{attribute.DisplayName, attribute.Description, attribute.DataType}
	created, err := createOnce(ctx, c, "user flow attribute", func(ctx context.Context) (*UserFlowAttribute, error) {
		created, err := postOne[UserFlowAttribute](ctx, c, userFlowAttributesPath, body, "the created user flow attribute")
		if err != nil {
			return nil, err
		}
		if !isPathID(created.ID) {
			return nil, fmt.Errorf("Graph created the user flow attribute %q but answered with the id %q, which cannot name it", attribute.DisplayName, created.ID)
		}
		return created, nil
	}, func(ctx context.Context) (*UserFlowAttribute, error) {
		return c.findCreatedAttribute(ctx, attribute)
	})
	if err != nil {
		return nil, err
	}
	return readUntilServed(ctx, "POST "+c.pathOf(userFlowAttributesPath), created, func(ctx context.Context) (*UserFlowAttribute, error) {
		return c.GetUserFlowAttribute(ctx, created.ID)
	})
}

// findCreatedAttribute looks for the custom attribute a lost create made.
func (c *Client) findCreatedAttribute(ctx context.Context, sent UserFlowAttribute) (*UserFlowAttribute, error) {
	custom, err := c.ListUserFlowAttributes(ctx, CustomAttribute)
	if err != nil {
		return nil, err
	}
	for _, a := range custom {
		if !strings.EqualFold(a.DisplayName, sent.DisplayName) {
			continue
		}
		if !strings.EqualFold(a.DataType, sent.DataType) {
			return nil, fmt.Errorf("the user flow attribute %q (%s) exists with the data type %s, not the %s the create sent",
				a.DisplayName, a.ID, a.DataType, sent.DataType)
		}
		return &a, nil
	}
	return nil, nil
}

// UpdateUserFlowAttribute changes a custom attribute's description, the only property Graph can change:
// PATCH /identity/userFlowAttributes/{id} with {"description": …}, 204 (identityuserflowattribute-update).
// The attribute is then read until Graph shows the description, and returned; when the operation's deadline
// comes first, it returns the attribute as Graph last showed it (nil when no read answered) with a
// *NotShownError whose Pending names description.
func (c *Client) UpdateUserFlowAttribute(ctx context.Context, id, description string) (*UserFlowAttribute, error) {
	path, err := attributePath(id)
	if err != nil {
		return nil, err
	}
	body := struct {
		Description string `json:"description"`
	}{description}
	// Repeating a PATCH leaves the same attribute, so a lost answer is mended by sending it again.
	if _, err := c.do(ctx, request{method: http.MethodPatch, path: path, body: body, repeatable: true}); err != nil {
		return nil, err
	}
	return readUntilShown(ctx, "PATCH "+c.pathOf(path), func(ctx context.Context) (*UserFlowAttribute, error) {
		return c.GetUserFlowAttribute(ctx, id)
	}, func(got *UserFlowAttribute) []Pending {
		if got.Description != description {
			return []Pending{{"description", description, got.Description}}
		}
		return nil
	})
}

// DeleteUserFlowAttribute deletes a custom attribute (DELETE /identity/userFlowAttributes/{id}, 204) and reads
// it until Graph no longer serves it. An attribute already gone is not an error. Graph refuses to delete a
// built-in attribute, and what it answers for a custom attribute a flow still collects is not documented (a
// 4xx, returned as Graph's error): remove the flow's assignment of it first. When the operation's deadline
// comes while Graph still serves it, the error is a *NotShownError; a read that fails is only logged (see
// readUntilGone).
func (c *Client) DeleteUserFlowAttribute(ctx context.Context, id string) error {
	path, err := attributePath(id)
	if err != nil {
		return err
	}
	// A DELETE sent again after a lost answer finds nothing, which is the outcome wanted.
	if _, err := c.do(ctx, request{method: http.MethodDelete, path: path, repeatable: true}); err != nil && !IsNotFound(err) {
		return err
	}
	return readUntilGone(ctx, "DELETE "+c.pathOf(path), "user flow attribute "+id, func(ctx context.Context) (*UserFlowAttribute, error) {
		return c.GetUserFlowAttribute(ctx, id)
	})
}

// attributePath is the path of one attribute. Attribute ids are not GUIDs (City, extension_<appId>_Hobby);
// anything that could change the path (see isPathID) is refused before a request is made.
func attributePath(id string) (string, error) {
	if !isPathID(id) {
		return "", fmt.Errorf("%q is not a user flow attribute id: ids are such as City or extension_<appId>_<name>", id)
	}
	return userFlowAttributesPath + "/" + id, nil
}
