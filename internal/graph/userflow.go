package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
)

// UserFlowKind says which of Graph's two user-flow collections a flow belongs to.
type UserFlowKind string

// The user-flow kinds.
const (
	// B2XUserFlow is a b2xIdentityUserFlow: a Microsoft Entra External ID self-service sign-up flow, under
	// /identity/b2xUserFlows (v1.0 and beta). Its id starts with B2X_1_.
	B2XUserFlow UserFlowKind = "b2x"
	// B2CUserFlow is a b2cIdentityUserFlow: an Azure AD B2C user flow, under /identity/b2cUserFlows, which
	// Graph serves on beta only. Its id starts with B2C_1_.
	B2CUserFlow UserFlowKind = "b2c"
)

// UserFlowStep is a navigation property of userFlowApiConnectorConfiguration: a step of a user flow
// that can call an API connector.
type UserFlowStep string

// The steps, named as Graph names them.
const (
	// PostFederationSignup runs after the user federates with an identity provider during sign-up.
	PostFederationSignup UserFlowStep = "postFederationSignup"
	// PostAttributeCollection runs after the user submits the collected attributes, before the account is
	// created.
	PostAttributeCollection UserFlowStep = "postAttributeCollection"
	// PreTokenIssuance runs before a B2C flow sends its token ("Before sending the token", in preview): a
	// navigation property of the beta metadata, for B2C flows only.
	PreTokenIssuance UserFlowStep = "preTokenIssuance" //nolint:gosec // A step's name, not a credential.
)

// userFlowCollection is what the client knows of one kind of user flow.
type userFlowCollection struct {
	// path is the collection under the version, as in identity/b2xUserFlows.
	path string
	// idPrefix starts the id of every flow of the kind; Graph adds it when the flow is created.
	idPrefix string
	// version, when set, is the only API version that serves the collection, whatever the client's is.
	version string
	// steps are the steps the kind's apiConnectorConfiguration has, in the order Graph's reference lists
	// them.
	steps []UserFlowStep
}

// userFlowCollections holds each kind's facts (Graph reference: b2xIdentityUserFlow, b2cIdentityUserFlow,
// userFlowApiConnectorConfiguration).
var userFlowCollections = map[UserFlowKind]userFlowCollection{
	B2XUserFlow: {
		path:     "identity/b2xUserFlows",
		idPrefix: "B2X_1_",
		steps:    []UserFlowStep{PostFederationSignup, PostAttributeCollection},
	},
	B2CUserFlow: {
		path:     "identity/b2cUserFlows",
		idPrefix: "B2C_1_",
		version:  "beta",
		steps:    []UserFlowStep{PostFederationSignup, PostAttributeCollection, PreTokenIssuance},
	},
}

// UserFlowKinds lists the kinds in a fixed order: b2x, then b2c.
func UserFlowKinds() []UserFlowKind { return []UserFlowKind{B2XUserFlow, B2CUserFlow} }

// Steps lists the steps a flow of this kind can call an API connector at.
func (k UserFlowKind) Steps() []UserFlowStep {
	return append([]UserFlowStep(nil), userFlowCollections[k].steps...)
}

// HasStep reports whether a flow of this kind can call an API connector at step.
func (k UserFlowKind) HasStep(step UserFlowStep) bool {
	return slices.Contains(userFlowCollections[k].steps, step)
}

// IDPrefix is the prefix of every id of this kind, such as B2X_1_.
func (k UserFlowKind) IDPrefix() string { return userFlowCollections[k].idPrefix }

// APIVersion is the version the kind's calls use: the client's own, or the only one Graph serves the
// kind on.
func (k UserFlowKind) APIVersion(clientVersion string) string {
	if v := userFlowCollections[k].version; v != "" {
		return v
	}
	return clientVersion
}

// UserFlowKindOf tells the kind of a flow from its id: Graph prefixes every b2x id with B2X_1_ and every
// B2C id with B2C_1_ (compared without regard to case, as B2C policy names are).
func UserFlowKindOf(id string) (UserFlowKind, bool) {
	for _, kind := range UserFlowKinds() {
		prefix := userFlowCollections[kind].idPrefix
		if len(id) > len(prefix) && strings.EqualFold(id[:len(prefix)], prefix) {
			return kind, true
		}
	}
	return "", false
}

// UserFlow is a b2xIdentityUserFlow or b2cIdentityUserFlow, with the properties both have, read from
// Graph's JSON as it is; Kind is the collection the flow was read from.
type UserFlow struct {
	ID   string       `json:"id"`
	Kind UserFlowKind `json:"-"`
	// UserFlowType is Graph's userFlowType, such as signUpOrSignIn.
	UserFlowType string `json:"userFlowType"`
	// UserFlowTypeVersion is Graph's userFlowTypeVersion (a Single), such as 1.
	UserFlowTypeVersion float64 `json:"userFlowTypeVersion"`
	// IsLanguageCustomizationEnabled and DefaultLanguageTag (an RFC 5646 tag, "" when Graph answers null)
	// are the language settings of a B2C flow, the only properties of a flow Graph can update; a b2x flow
	// has neither, and they read false and "".
	IsLanguageCustomizationEnabled bool   `json:"isLanguageCustomizationEnabled"`
	DefaultLanguageTag             string `json:"defaultLanguageTag"`
}

// APIConnectorConfiguration is a flow's userFlowApiConnectorConfiguration: for each step that calls an
// API connector, that connector's id. A step without one is absent.
type APIConnectorConfiguration map[UserFlowStep]string

// ListUserFlows reads every flow of one kind, following @odata.nextLink across pages
// (GET /identity/b2xUserFlows, or /beta/identity/b2cUserFlows).
func (c *Client) ListUserFlows(ctx context.Context, kind UserFlowKind) ([]UserFlow, error) {
	collection, ok := userFlowCollections[kind]
	if !ok {
		return nil, fmt.Errorf("%q is not a kind of user flow", kind)
	}
	flows, err := getAllPages[UserFlow](ctx, c, c.versionedURL(kind.APIVersion(c.version()), collection.path, ""), "user flows")
	for i := range flows {
		flows[i].Kind = kind
	}
	return flows, err
}

// GetUserFlow reads one flow (GET /identity/b2xUserFlows/{id} or /beta/identity/b2cUserFlows/{id}). A
// missing one is an error for which IsNotFound is true.
func (c *Client) GetUserFlow(ctx context.Context, id string) (*UserFlow, error) {
	kind, target, err := c.userFlowURL(id, "", "")
	if err != nil {
		return nil, err
	}
	flow, err := getOne[UserFlow](ctx, c, target, "a user flow")
	if err != nil {
		return nil, err
	}
	flow.Kind = kind
	return flow, nil
}

// GetUserFlowConfirmed reads one flow where a 404 decides that it is gone, as a lookup by id does: a 404
// is believed only once Graph repeats it (see confirmedRead).
func (c *Client) GetUserFlowConfirmed(ctx context.Context, id string) (*UserFlow, error) {
	return confirmedRead(ctx, c, "user flow "+id, func(ctx context.Context) (*UserFlow, error) {
		return c.GetUserFlow(ctx, id)
	})
}

// GetAPIConnectorConfiguration reads which connector each step of a flow calls, in one request:
// GET …/{id}/apiConnectorConfiguration?$expand={every step of the kind}. Without $expand Graph returns
// none of the steps, only the type.
func (c *Client) GetAPIConnectorConfiguration(ctx context.Context, flowID string) (APIConnectorConfiguration, error) {
	kind, _ := UserFlowKindOf(flowID) // userFlowURL refuses an id of no kind.
	steps := kind.Steps()
	_, target, err := c.userFlowURL(flowID, "apiConnectorConfiguration", "$expand="+joinSteps(steps, ","))
	if err != nil {
		return nil, err
	}
	members, err := getOne[map[string]json.RawMessage](ctx, c, target, "a user flow's API connector configuration")
	if err != nil {
		return nil, err
	}
	configuration := APIConnectorConfiguration{}
	for _, step := range steps {
		raw, ok := (*members)[string(step)]
		if !ok || string(raw) == "null" {
			continue
		}
		var connector struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &connector); err != nil || connector.ID == "" {
			return nil, fmt.Errorf("decoding the %s step of user flow %s from Graph: it is not an API connector with an id", step, flowID)
		}
		configuration[step] = connector.ID
	}
	return configuration, nil
}

// GetAPIConnectorConfigurationConfirmed is GetAPIConnectorConfiguration where a 404 decides that the flow
// is gone, as a refresh does: a 404 is believed only once Graph repeats it (see confirmedRead).
func (c *Client) GetAPIConnectorConfigurationConfirmed(ctx context.Context, flowID string) (APIConnectorConfiguration, error) {
	return confirmedRead(ctx, c, "user flow "+flowID, func(ctx context.Context) (APIConnectorConfiguration, error) {
		return c.GetAPIConnectorConfiguration(ctx, flowID)
	})
}

// SetUserFlowStep makes a step of a flow call an API connector, or no connector when connectorID is "":
// PUT …/{flowID}/apiConnectorConfiguration/{step}/$ref with {"@odata.id": "{graph}/{version}/identity/apiConnectors/{connectorID}"},
// or with {} to clear it. Graph answers 204. B2C flows are written on beta whatever the client's version.
func (c *Client) SetUserFlowStep(ctx context.Context, flowID string, step UserFlowStep, connectorID string) error {
	kind, target, err := c.userFlowURL(flowID, "apiConnectorConfiguration/"+string(step)+"/$ref", "")
	if err != nil {
		return err
	}
	if !kind.HasStep(step) {
		return fmt.Errorf("a %s user flow has no %s step; it has %s", kind, step, joinSteps(kind.Steps(), ", "))
	}
	var body any = struct{}{}
	if connectorID != "" {
		connector, err := connectorPath(connectorID)
		if err != nil {
			return err
		}
		body = odataReference{ID: c.versionedURL(kind.APIVersion(c.version()), connector, "")}
	}
	// Setting a step twice leaves it as setting it once, so a lost answer is mended by sending it again.
	_, err = c.do(ctx, request{method: http.MethodPut, path: target, body: body, repeatable: true})
	return err
}

// WaitForUserFlowSteps reads a flow's connectors until every step in written shows the connector written
// to it ("" for none, ids compared without regard to case), and returns what Graph last answered: Graph's
// replicas may answer with the previous value for a while after a PUT. When the operation's deadline comes
// first, the error is a *NotShownError whose Pending names each step by its Graph name.
func (c *Client) WaitForUserFlowSteps(ctx context.Context, flowID string, written APIConnectorConfiguration) (APIConnectorConfiguration, error) {
	kind, target, err := c.userFlowURL(flowID, "apiConnectorConfiguration", "")
	if err != nil {
		return nil, err
	}
	return readUntilShown(ctx, "PUT "+c.pathOf(target)+"/{step}/$ref", func(ctx context.Context) (APIConnectorConfiguration, error) {
		return c.GetAPIConnectorConfiguration(ctx, flowID)
	}, func(got APIConnectorConfiguration) []Pending {
		var pending []Pending
		for _, step := range kind.Steps() {
			if want, ok := written[step]; ok && !strings.EqualFold(got[step], want) {
				pending = append(pending, Pending{Property: string(step), Sent: want, Shown: got[step]})
			}
		}
		return pending
	})
}

// odataReference is the body of a PUT …/$ref: the URL of the entity to point at.
type odataReference struct {
	ID string `json:"@odata.id"`
}

// userFlowURL is the absolute URL of a flow, or of something under it (rest), on the version that
// serves the flow's kind. Ids that could change the path are refused before a request is made.
func (c *Client) userFlowURL(id, rest, query string) (UserFlowKind, string, error) {
	kind, ok := UserFlowKindOf(id)
	if !ok || !isPathID(id) {
		return "", "", userFlowIDError(id)
	}
	p := userFlowCollections[kind].path + "/" + id
	if rest != "" {
		p += "/" + rest
	}
	return kind, c.versionedURL(kind.APIVersion(c.version()), p, query), nil
}

func userFlowIDError(id string) error {
	return fmt.Errorf("%q is not a user flow id: ids start with %s (External ID self-service sign-up) or %s (Azure AD B2C)",
		id, B2XUserFlow.IDPrefix(), B2CUserFlow.IDPrefix())
}

// version is the API version the client was configured with: the last segment of its base URL.
func (c *Client) version() string { return path.Base(c.base.Path) }

// versionedURL is the absolute URL of p (relative to a version, such as identity/apiConnectors/{id}) on
// the given version of the client's endpoint, with query appended as it is.
func (c *Client) versionedURL(version, p, query string) string {
	u := *c.base
	u.Path = path.Dir(c.base.Path)
	u.RawPath = ""
	target := u.JoinPath(version, p)
	target.RawQuery = query
	return target.String()
}

func joinSteps(steps []UserFlowStep, separator string) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = string(s)
	}
	return strings.Join(names, separator)
}
