package graph

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Creating, updating and deleting user flows. Graph reference: identitycontainer-post-b2xuserflows (v1.0 and
// beta), identitycontainer-post-b2cuserflows, b2cidentityuserflow-update (beta), b2xidentityuserflow-delete,
// b2cidentityuserflow-delete.

// NewUserFlow is what CreateUserFlow sends.
type NewUserFlow struct {
	Kind UserFlowKind
	// Name is the flow's name without its kind's prefix, such as Partner: Graph puts B2X_1_ or B2C_1_ in
	// front of it. No page lists the characters a name may hold; letters, digits, '_' and '-' are the safe set.
	Name string
	// UserFlowType is Graph's userFlowType: signUpOrSignIn for a b2x flow; signUp, signIn, signUpOrSignIn,
	// passwordReset, profileUpdate or resourceOwner for a B2C flow.
	UserFlowType string
	// UserFlowTypeVersion is Graph's userFlowTypeVersion: 1 for a b2x flow; for a B2C flow, one of the
	// versions Graph offers for the type (no page lists them).
	UserFlowTypeVersion float64
	// IsLanguageCustomizationEnabled and DefaultLanguageTag are a B2C flow's language settings; nil leaves
	// them out, and Graph's defaults apply (off; the create example answers "en"). A b2x flow has neither.
	IsLanguageCustomizationEnabled *bool
	DefaultLanguageTag             *string
}

// newUserFlowJSON is a create body, in the order of the reference's examples.
type newUserFlowJSON struct {
	ID                             string  `json:"id"`
	UserFlowType                   string  `json:"userFlowType"`
	UserFlowTypeVersion            float64 `json:"userFlowTypeVersion"`
	IsLanguageCustomizationEnabled *bool   `json:"isLanguageCustomizationEnabled,omitempty"`
	DefaultLanguageTag             *string `json:"defaultLanguageTag,omitempty"`
}

// CreateUserFlow creates a flow: POST /identity/b2xUserFlows on the client's version, or
// /beta/identity/b2cUserFlows, with {"id": <the bare name>, "userFlowType", "userFlowTypeVersion"} and, for
// a B2C flow, the language settings that are set. Graph answers 201 with the flow, whose id it made by
// putting the kind's prefix in front of the name (Partner → B2X_1_Partner): the id is taken from that
// answer, never derived. apiConnectorConfiguration and identityProviders, which the reference's examples
// also deep-insert, are never sent: the steps, providers and assignments have calls of their own, so that
// each is written and read back one way. The flow is then read until Graph serves it (replication lag); when
// the operation's deadline comes first, the flow the create answered with is returned with a
// *NotShownError.
//
// When the answer is lost (ErrOutcomeUnknown), Graph may have made the flow: the client looks for it before
// sending the create again (see createOnce), and a 409 to the create sent again means it exists. This is the
// one place where a flow's id is matched as prefix + name, compared without regard to case as B2C policy
// names are: the answer that would say the id is lost, and only a flow of that id, type and version is
// taken for the one the create made. Anywhere else ids come from Graph. A 409 to the first create is a flow
// of that name that exists already, returned as Graph's error.
func (c *Client) CreateUserFlow(ctx context.Context, flow NewUserFlow) (*UserFlow, error) {
	collection, ok := userFlowCollections[flow.Kind]
	if !ok {
		return nil, fmt.Errorf("%q is not a kind of user flow", flow.Kind)
	}
	if err := checkNewUserFlow(flow); err != nil {
		return nil, err
	}
	target := c.versionedURL(flow.Kind.APIVersion(c.version()), collection.path, "")
	body := newUserFlowJSON{ID: flow.Name, UserFlowType: flow.UserFlowType, UserFlowTypeVersion: flow.UserFlowTypeVersion,
		IsLanguageCustomizationEnabled: flow.IsLanguageCustomizationEnabled, DefaultLanguageTag: flow.DefaultLanguageTag}
	created, err := createOnce(ctx, c, "user flow", func(ctx context.Context) (*UserFlow, error) {
		created, err := postOne[UserFlow](ctx, c, target, body, "the created user flow")
		if err != nil {
			return nil, err
		}
		if kind, ok := UserFlowKindOf(created.ID); !ok || kind != flow.Kind {
			return nil, fmt.Errorf("Graph created the user flow %s but answered with the id %q, which is not a %s flow's", flow.Name, created.ID, flow.Kind)
		}
		created.Kind = flow.Kind
		return created, nil
	}, func(ctx context.Context) (*UserFlow, error) {
		return c.findCreatedUserFlow(ctx, flow)
	})
	if err != nil {
		return nil, err
	}
	return readUntilServed(ctx, "POST "+c.pathOf(target), created, func(ctx context.Context) (*UserFlow, error) {
		return c.GetUserFlow(ctx, created.ID)
	})
}

// checkNewUserFlow refuses, before anything is sent, a create Graph would misread: a name that already
// carries the kind's prefix (no page says whether Graph keeps it or adds another), a name that cannot be a
// path segment once it is an id, and language settings on a b2x flow, which has none.
func checkNewUserFlow(flow NewUserFlow) error {
	prefix := flow.Kind.IDPrefix()
	switch {
	case flow.Name == "":
		return fmt.Errorf("a user flow needs a name")
	case len(flow.Name) >= len(prefix) && strings.EqualFold(flow.Name[:len(prefix)], prefix):
		return fmt.Errorf("send the user flow's name %q without %s: Graph puts the prefix in front of the name it is sent", flow.Name, prefix)
	case !isPathID(flow.Name):
		return fmt.Errorf("%q cannot be a user flow's name: use letters, digits, '_' and '-'", flow.Name)
	case flow.Kind == B2XUserFlow && (flow.IsLanguageCustomizationEnabled != nil || flow.DefaultLanguageTag != nil):
		return fmt.Errorf("a b2x user flow has no language settings; isLanguageCustomizationEnabled and defaultLanguageTag are B2C only")
	}
	return nil
}

// findCreatedUserFlow looks for the flow a lost create made: a flow of the kind whose id is the prefix and
// the name sent, compared without regard to case. A flow of that id with another type or version is not
// one the create made, and is an error.
func (c *Client) findCreatedUserFlow(ctx context.Context, sent NewUserFlow) (*UserFlow, error) {
	flows, err := c.ListUserFlows(ctx, sent.Kind)
	if err != nil {
		return nil, err
	}
	id := sent.Kind.IDPrefix() + sent.Name
	for _, f := range flows {
		if !strings.EqualFold(f.ID, id) {
			continue
		}
		if !strings.EqualFold(f.UserFlowType, sent.UserFlowType) || f.UserFlowTypeVersion != sent.UserFlowTypeVersion {
			return nil, fmt.Errorf("the user flow %s exists, of type %s version %g, not the %s version %g the create sent",
				f.ID, f.UserFlowType, f.UserFlowTypeVersion, sent.UserFlowType, sent.UserFlowTypeVersion)
		}
		return &f, nil
	}
	return nil, nil
}

// UserFlowUpdate holds the properties of a B2C flow's PATCH, the only ones Graph can change on a flow. Nil
// fields are left out of the request; a DefaultLanguageTag of "" is sent as null, which clears it.
type UserFlowUpdate struct {
	IsLanguageCustomizationEnabled *bool
	DefaultLanguageTag             *string
}

// userFlowUpdateJSON is the wire form of UserFlowUpdate, in the order of the reference's example.
type userFlowUpdateJSON struct {
	IsLanguageCustomizationEnabled *bool       `json:"isLanguageCustomizationEnabled,omitempty"`
	DefaultLanguageTag             *nullString `json:"defaultLanguageTag,omitempty"`
}

// nullString is a string that is written as null when it is "".
type nullString string

// MarshalJSON writes "" as null.
func (s nullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return marshalJSON(string(s))
}

// UpdateUserFlow changes a B2C flow's language settings: PATCH /beta/identity/b2cUserFlows/{id} holding only
// the properties set in update (b2cidentityuserflow-update). The page says Graph answers 200 with the flow
// and its example shows 204: both are accepted, and the answer's body is not used. The flow is then read
// until Graph shows the update, and returned; when the operation's deadline comes first, it returns the flow
// as Graph last showed it (nil when no read answered) with a *NotShownError whose Pending names
// isLanguageCustomizationEnabled and defaultLanguageTag (tags compared without regard to case, as RFC 5646
// says). An empty update sends nothing and returns nil. A b2x flow has no update in Graph: an error, before
// anything is sent.
func (c *Client) UpdateUserFlow(ctx context.Context, id string, update UserFlowUpdate) (*UserFlow, error) {
	kind, target, err := c.userFlowURL(id, "", "")
	if err != nil {
		return nil, err
	}
	if kind != B2CUserFlow {
		return nil, fmt.Errorf("user flow %s is an External ID self-service sign-up flow, which Graph cannot update: "+
			"its name, type and version are fixed when it is made, and a change means a new flow", id)
	}
	if update.IsLanguageCustomizationEnabled == nil && update.DefaultLanguageTag == nil {
		return nil, nil
	}
	body := userFlowUpdateJSON{IsLanguageCustomizationEnabled: update.IsLanguageCustomizationEnabled}
	if update.DefaultLanguageTag != nil {
		tag := nullString(*update.DefaultLanguageTag)
		body.DefaultLanguageTag = &tag
	}
	// Repeating a PATCH leaves the same flow, so a lost answer is mended by sending it again.
	if _, err := c.do(ctx, request{method: http.MethodPatch, path: target, body: body, repeatable: true}); err != nil {
		return nil, err
	}
	return readUntilShown(ctx, "PATCH "+c.pathOf(target), func(ctx context.Context) (*UserFlow, error) {
		return c.GetUserFlow(ctx, id)
	}, func(got *UserFlow) []Pending { return pendingFlowUpdate(got, update) })
}

// pendingFlowUpdate lists the properties of update that got does not show.
func pendingFlowUpdate(got *UserFlow, update UserFlowUpdate) []Pending {
	var pending []Pending
	if want := update.IsLanguageCustomizationEnabled; want != nil && got.IsLanguageCustomizationEnabled != *want {
		pending = append(pending, Pending{"isLanguageCustomizationEnabled", strconv.FormatBool(*want), strconv.FormatBool(got.IsLanguageCustomizationEnabled)})
	}
	if want := update.DefaultLanguageTag; want != nil && !strings.EqualFold(got.DefaultLanguageTag, *want) {
		pending = append(pending, Pending{"defaultLanguageTag", *want, got.DefaultLanguageTag})
	}
	return pending
}

// DeleteUserFlow deletes a flow (DELETE /identity/b2xUserFlows/{id} or /beta/identity/b2cUserFlows/{id}:
// 204) and reads it until Graph no longer serves it. A flow that is already gone is not an error. When the
// operation's deadline comes while Graph still serves it, the error is a *NotShownError; a read that fails
// is only logged (see readUntilGone).
func (c *Client) DeleteUserFlow(ctx context.Context, id string) error {
	_, target, err := c.userFlowURL(id, "", "")
	if err != nil {
		return err
	}
	// A DELETE sent again after a lost answer finds nothing, which is the outcome wanted.
	if _, err := c.do(ctx, request{method: http.MethodDelete, path: target, repeatable: true}); err != nil && !IsNotFound(err) {
		return err
	}
	return readUntilGone(ctx, "DELETE "+c.pathOf(target), "user flow "+id, func(ctx context.Context) (*UserFlow, error) {
		return c.GetUserFlow(ctx, id)
	})
}
