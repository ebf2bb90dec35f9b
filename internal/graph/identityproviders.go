package graph

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The identity providers a user flow offers. Graph has two navigations to them, and the client uses one:
// userFlowIdentityProviders (identityProviderBase items), the current one. The reference contradicts itself
// around them (graph-user-flows-as-code §8.4–8.7), and the client's choices are these:
//
//   - Which navigation is v1.0 (§8.4): v1.0's pages document only the older identityProviders (old
//     identityProvider items), which beta marks deprecated, with data to stop after March 2023; only beta pages
//     document userFlowIdentityProviders, yet v1.0's service metadata and Microsoft's v1.0 SDKs have it too. The
//     client uses userFlowIdentityProviders on the flow kind's version (b2x: the client's api_version; B2C:
//     beta), never the deprecated navigation.
//   - POST or PATCH to add (§8.5): the b2x beta page says PATCH …/$ref, the published b2c page and the SDK
//     metadata say POST, which is OData's verb for adding a reference to a collection. The client POSTs.
//   - The @odata.id of a provider (§8.6): {graph}/{version}/identity/identityProviders/{id}, the form of the
//     newer pages, on the same version as the call; not the older form without /identity/.
//   - Which providers a b2x flow accepts (§8.7): the add page says Google-OAUTH or Facebook-OAUTH, the list
//     example shows the built-in ones attached too. The client sends any id and leaves the answer to Graph.
//
// Ids are Graph's (Google-OAUTH, AADSignup-OAUTH), compared without regard to case: the reference spells one
// both Facebook-OAUTH and Facebook-OAuth (§8.3).

// userFlowProvidersNavigation is the navigation the client uses.
const userFlowProvidersNavigation = "userFlowIdentityProviders"

// ListUserFlowIdentityProviders returns the ids of the identity providers a flow offers, as Graph spells
// them, from every page of GET …/{flowID}/userFlowIdentityProviders (beta
// b2xidentityuserflow-list-userflowidentityproviders and its b2c twin; the items are identityProviderBase
// objects of which only the id is read). A missing flow is an error for which IsNotFound is true.
func (c *Client) ListUserFlowIdentityProviders(ctx context.Context, flowID string) ([]string, error) {
	_, target, err := c.userFlowURL(flowID, userFlowProvidersNavigation, "")
	if err != nil {
		return nil, err
	}
	items, err := getAllPages[struct {
		ID string `json:"id"`
	}](ctx, c, target, "a user flow's identity providers")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(items))
	for i, item := range items {
		ids[i] = item.ID
	}
	return ids, nil
}

// AddUserFlowIdentityProvider makes a flow offer one of the tenant's identity providers: POST
// …/{flowID}/userFlowIdentityProviders/$ref with {"@odata.id": "{graph}/{version}/identity/identityProviders/{providerID}"}
// (beta b2xidentityuserflow-userflowidentityproviders-update, b2cidentityuserflow-userflowidentityproviders-update),
// which Graph answers 204. A 409 says the flow offers the provider already, which is the outcome wanted, so
// the call is repeatable: a lost answer is mended by sending it again. It does not wait for Graph to show
// the provider: WaitForUserFlowIdentityProviders does, once every change is sent.
func (c *Client) AddUserFlowIdentityProvider(ctx context.Context, flowID, providerID string) error {
	if !isPathID(providerID) {
		return providerIDError(providerID)
	}
	kind, target, err := c.userFlowURL(flowID, userFlowProvidersNavigation+"/$ref", "")
	if err != nil {
		return err
	}
	body := odataReference{ID: c.versionedURL(kind.APIVersion(c.version()), "identity/identityProviders/"+providerID, "")}
	_, err = c.do(ctx, request{method: http.MethodPost, path: target, body: body, repeatable: true})
	if hasStatus(err, http.StatusConflict) {
		return nil
	}
	return err
}

// RemoveUserFlowIdentityProvider makes a flow stop offering an identity provider: DELETE
// …/{flowID}/userFlowIdentityProviders/{providerID}/$ref (beta b2xidentityuserflow-delete-userflowidentityproviders),
// which Graph answers 204. A 404 (the flow does not offer it, or is gone) is the outcome wanted. It does not
// wait for Graph to show the change: WaitForUserFlowIdentityProviders does.
func (c *Client) RemoveUserFlowIdentityProvider(ctx context.Context, flowID, providerID string) error {
	if !isPathID(providerID) {
		return providerIDError(providerID)
	}
	_, target, err := c.userFlowURL(flowID, userFlowProvidersNavigation+"/"+providerID+"/$ref", "")
	if err != nil {
		return err
	}
	_, err = c.do(ctx, request{method: http.MethodDelete, path: target, repeatable: true})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// WaitForUserFlowIdentityProviders reads a flow's identity providers until Graph shows exactly want (ids
// compared without regard to case, order aside) and returns what Graph last listed: replicas may answer as
// before a $ref write for a while, and a 404 from one that lags behind is read again. When the operation's
// deadline comes first, the error is a *NotShownError with one Pending: userFlowIdentityProviders, the ids
// wanted and the ids Graph shows, each joined with ", ".
func (c *Client) WaitForUserFlowIdentityProviders(ctx context.Context, flowID string, want []string) ([]string, error) {
	_, target, err := c.userFlowURL(flowID, userFlowProvidersNavigation, "")
	if err != nil {
		return nil, err
	}
	return readUntilShown(ctx, "the $ref writes to "+c.pathOf(target), func(ctx context.Context) ([]string, error) {
		return c.ListUserFlowIdentityProviders(ctx, flowID)
	}, func(got []string) []Pending {
		if sameIDs(got, want) {
			return nil
		}
		return []Pending{{Property: userFlowProvidersNavigation, Sent: strings.Join(want, ", "), Shown: strings.Join(got, ", ")}}
	})
}

// sameIDs reports whether a and b hold the same ids, compared without regard to case or order.
func sameIDs(a, b []string) bool {
	fold := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = strings.ToLower(id)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(fold(a), fold(b))
}

func providerIDError(id string) error {
	return fmt.Errorf("%q is not an identity provider id: ids are such as Google-OAUTH or AADSignup-OAUTH", id)
}
