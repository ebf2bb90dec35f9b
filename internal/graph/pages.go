package graph

import (
	"context"
	"fmt"
	"net/http"
)

// getOne reads one entity at path (under the versioned base, or an absolute URL on the same host). what
// names it in errors, as in "an API connector".
func getOne[T any](ctx context.Context, c *Client, path, what string) (*T, error) {
	return decodeOne[T](ctx, c, request{method: http.MethodGet, path: path, repeatable: true}, what)
}

// postOne sends body to path with a POST, which is not sent again when Graph may have acted on it, and
// returns the entity Graph answers with. what names it in errors, as in "the created user flow".
func postOne[T any](ctx context.Context, c *Client, path string, body any, what string) (*T, error) {
	return decodeOne[T](ctx, c, request{method: http.MethodPost, path: path, body: body}, what)
}

func decodeOne[T any](ctx context.Context, c *Client, r request, what string) (*T, error) {
	a, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	var v T
	if err := decode(a, what, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// getAllPages reads a collection from first (a path under the versioned base, or an absolute URL on the
// same host) and every page its @odata.nextLink names after it, and returns the values of all pages in
// order. what names the items in errors, as in "API connectors".
func getAllPages[T any](ctx context.Context, c *Client, first, what string) ([]T, error) {
	var all []T
	next := first
	// A next link seen before would make the loop endless.
	seen := map[string]bool{}
	for next != "" {
		if seen[next] {
			return nil, fmt.Errorf("Graph returned a next link to a page it answered already (%s)", next)
		}
		seen[next] = true
		a, err := c.do(ctx, request{method: http.MethodGet, path: next, repeatable: true})
		if err != nil {
			return nil, err
		}
		var page struct {
			Value    []T    `json:"value"`
			NextLink string `json:"@odata.nextLink"`
		}
		if err := decode(a, "a page of "+what, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Value...)
		next = page.NextLink
	}
	return all, nil
}
