// Package conformance drives the Graph emulator (internal/testing/fakegraph) with Microsoft's own Go SDK,
// msgraph-sdk-go, and its default middleware, through everything the emulator serves: the API connector
// lifecycle with both kinds of authentication, certificate upload, paging, $select, Graph's errors,
// throttling, the $ref calls that point a user flow's steps at connectors, and user flows as code (a flow,
// its identity providers, a custom attribute, assignments and their order).
// If the SDK can use the emulator as it uses Graph, so can other Graph clients.
//
// It is a module of its own because the SDK takes minutes and gigabytes to compile: `make
// emulator-conformance` runs it, and `make test` stays fast.
package conformance
