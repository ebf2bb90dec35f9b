package graph

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// newFlowWithProviders is an emulator whose tenant has Google and Facebook configured and the flow
// B2X_1_Partner offering providers.
func newFlowWithProviders(t *testing.T, opts fakegraph.Options, providers ...string) (*fakegraph.Server, *Client) {
	t.Helper()
	s, c := newMemoryFakeGraph(t, opts)
	for _, typ := range []string{"Google", "Facebook"} {
		if _, err := s.PutIdentityProvider(fakegraph.IdentityProvider{Type: typ, ClientID: typ + "-client", ClientSecret: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2X_1_Partner", IdentityProviders: providers}); err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestClient_listsAFlowsIdentityProvidersAcrossPages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newFlowWithProviders(t, fakegraph.Options{PageSize: 2}, "AADSignup-OAUTH", "Google-OAUTH", "Facebook-OAUTH")

		got, err := c.ListUserFlowIdentityProviders(t.Context(), "B2X_1_Partner")

		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"AADSignup-OAUTH", "Google-OAUTH", "Facebook-OAUTH"}; !slices.Equal(got, want) {
			t.Errorf("listed %v, want %v", got, want)
		}
		if pages := calls(s, http.MethodGet, "/userFlowIdentityProviders", 0); pages != 2 {
			t.Errorf("read %d pages, want 2", pages)
		}
	})
}

// TestClient_addsAndRemovesIdentityProvidersAndWaitsUntilGraphShowsThem: each $ref is one request, sending
// one again (a 409, a 404) is no error, and the wait lasts until the lagging replicas show the set, ids
// compared without regard to case.
func TestClient_addsAndRemovesIdentityProvidersAndWaitsUntilGraphShowsThem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newFlowWithProviders(t, fakegraph.Options{}, "AADSignup-OAUTH")
		s.SetFaults(fakegraph.Faults{ReplicationLag: 2 * time.Second})
		ctx := t.Context()

		for _, step := range []func() error{
			func() error { return c.AddUserFlowIdentityProvider(ctx, "B2X_1_Partner", "Google-OAUTH") },
			func() error { return c.AddUserFlowIdentityProvider(ctx, "B2X_1_Partner", "google-oauth") },
			func() error { return c.RemoveUserFlowIdentityProvider(ctx, "B2X_1_Partner", "AADSignup-OAUTH") },
			func() error { return c.RemoveUserFlowIdentityProvider(ctx, "B2X_1_Partner", "AADSignup-OAUTH") },
		} {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
		got, err := c.WaitForUserFlowIdentityProviders(ctx, "B2X_1_Partner", []string{"GOOGLE-OAUTH"})

		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"Google-OAUTH"}) {
			t.Errorf("Graph shows %v", got)
		}
		if calls(s, http.MethodPost, "/$ref", http.StatusConflict) != 1 || calls(s, http.MethodDelete, "/$ref", http.StatusNotFound) != 1 {
			t.Error("the second add and remove were not answered 409 and 404; the test proves nothing")
		}
		if stale := slices.ContainsFunc(s.Requests(), func(r fakegraph.Request) bool { return r.Stale }); !stale {
			t.Error("no read saw the providers as they were; the test proves nothing")
		}
	})
}

// TestClient_identityProvidersNeverShownFailAtTheDeadline: Graph acknowledges the $ref and never applies it
// (Faults.UnappliedWrites identityProviderReference).
func TestClient_identityProvidersNeverShownFailAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newFlowWithProviders(t, fakegraph.Options{}, "AADSignup-OAUTH")
		s.SetFaults(fakegraph.Faults{UnappliedWrites: []string{fakegraph.WriteIdentityProviderReference}})
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()

		if err := c.AddUserFlowIdentityProvider(ctx, "B2X_1_Partner", "Facebook-OAUTH"); err != nil {
			t.Fatal(err)
		}
		got, err := c.WaitForUserFlowIdentityProviders(ctx, "B2X_1_Partner", []string{"AADSignup-OAUTH", "Facebook-OAUTH"})

		var notShown *NotShownError
		want := []Pending{{Property: "userFlowIdentityProviders", Sent: "AADSignup-OAUTH, Facebook-OAUTH", Shown: "AADSignup-OAUTH"}}
		if !errors.As(err, &notShown) || !slices.Equal(notShown.Pending, want) {
			t.Fatalf("error %v, want %v pending", err, want)
		}
		if !slices.Equal(got, []string{"AADSignup-OAUTH"}) {
			t.Errorf("got %v, want what Graph shows", got)
		}
	})
}

// TestClient_addIdentityProviderRecoversFromALostAnswer: the $ref is sent again, and Graph's 409 to it
// means it took.
func TestClient_addIdentityProviderRecoversFromALostAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newFlowWithProviders(t, fakegraph.Options{})
		s.SetFaults(fakegraph.Faults{LostResponseRatio: 1, Seed: 11})

		err := c.AddUserFlowIdentityProvider(t.Context(), "B2X_1_Partner", "Google-OAUTH")

		if err != nil {
			t.Fatal(err)
		}
		if f, _ := s.UserFlow("B2X_1_Partner"); !slices.Equal(f.IdentityProviders, []string{"Google-OAUTH"}) {
			t.Errorf("the flow offers %v", f.IdentityProviders)
		}
	})
}
