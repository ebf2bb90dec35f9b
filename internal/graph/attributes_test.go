package graph

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// hobby is the attribute of the reference's create example.
var hobby = UserFlowAttribute{DisplayName: "Hobby", Description: "Your hobby", DataType: "string"}

func TestClient_listsUserFlowAttributesOfEitherKindAcrossPages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{PageSize: 4})
		for _, name := range []string{"Hobby", "Shoe size"} {
			if _, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: name}); err != nil {
				t.Fatal(err)
			}
		}

		all, err := c.ListUserFlowAttributes(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		custom, err := c.ListUserFlowAttributes(t.Context(), CustomAttribute)
		if err != nil {
			t.Fatal(err)
		}
		builtIn, err := c.ListUserFlowAttributes(t.Context(), BuiltInAttribute)
		if err != nil {
			t.Fatal(err)
		}

		if len(all) != 12 || len(custom) != 2 || len(builtIn) != 10 {
			t.Errorf("listed %d, %d custom and %d built-in; want 12, 2 and 10", len(all), len(custom), len(builtIn))
		}
		if custom[0].DisplayName != "Hobby" || custom[0].UserFlowAttributeType != "custom" || !strings.HasPrefix(custom[0].ID, "extension_") {
			t.Errorf("custom attribute %+v", custom[0])
		}
		if pages := calls(s, http.MethodGet, "/userFlowAttributes", 0); pages != 3+1+3 {
			t.Errorf("read %d pages, want 7", pages)
		}
	})
}

// TestClient_createUserFlowAttributeTakesTheIDFromGraphsAnswer: the id is Graph's (here with another
// aad-extensions-app than the reference's), and the attribute is read back until replicas serve it.
func TestClient_createUserFlowAttributeTakesTheIDFromGraphsAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{ExtensionsAppID: "11111111-2222-3333-4444-555555555555"})
		s.SetFaults(fakegraph.Faults{ReplicationLag: 2 * time.Second})

		got, err := c.CreateUserFlowAttribute(t.Context(), hobby)

		if err != nil {
			t.Fatal(err)
		}
		want := UserFlowAttribute{ID: "extension_11111111222233334444555555555555_Hobby", DisplayName: "Hobby", Description: "Your hobby",
			DataType: "string", UserFlowAttributeType: "custom"}
		if *got != want {
			t.Errorf("created %+v, want %+v", got, want)
		}
		if _, err := c.GetUserFlowAttribute(t.Context(), got.ID); err != nil {
			t.Errorf("reading the attribute right after its create: %v", err)
		}
		if calls(s, http.MethodGet, "/userFlowAttributes/", http.StatusNotFound) == 0 {
			t.Error("no read saw the replication lag; the test proves nothing")
		}
	})
}

// TestClient_createUserFlowAttributeRecoversFromALostAnswer: the attribute is looked for by its display
// name before the create is sent again, also when Graph lists it late, or only after a 409.
func TestClient_createUserFlowAttributeRecoversFromALostAnswer(t *testing.T) {
	for name, lag := range map[string]time.Duration{"consistent Graph": 0, "listed late": 1500 * time.Millisecond, "listed after the search": 4 * time.Second} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var s *fakegraph.Server
				s, c := newMemoryFakeGraph(t, fakegraph.Options{OnRequest: func(r fakegraph.Request) {
					if r.Status == 0 {
						s.SetFaults(fakegraph.Faults{ReplicationLag: lag})
					}
				}})
				s.SetFaults(fakegraph.Faults{LostResponseRatio: 1, Seed: 9, ReplicationLag: lag})

				got, err := c.CreateUserFlowAttribute(t.Context(), UserFlowAttribute{DisplayName: "hobby", DataType: "String"})

				if err != nil {
					t.Fatal(err)
				}
				custom := slices.DeleteFunc(s.UserFlowAttributes(), func(a fakegraph.UserFlowAttribute) bool { return a.BuiltIn })
				if len(custom) != 1 || got.ID != custom[0].ID {
					t.Errorf("adopted %+v; Graph holds %+v", got, custom)
				}
			})
		})
	}
}

func TestClient_createUserFlowAttributeReportsANameTaken(t *testing.T) {
	t.Parallel()
	s, c := newFakeGraph(t, fakegraph.Options{})
	if _, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: "Hobby"}); err != nil {
		t.Fatal(err)
	}

	if _, err := c.CreateUserFlowAttribute(t.Context(), hobby); !hasStatus(err, http.StatusConflict) {
		t.Errorf("error %v, want Graph's 409", err)
	}
}

// TestClient_updateUserFlowAttributeReadsBackTheDescription: one PATCH, and the attribute as Graph shows it.
func TestClient_updateUserFlowAttributeReadsBackTheDescription(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		a, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: "Hobby", Description: "Your hobby"})
		if err != nil {
			t.Fatal(err)
		}

		got, err := c.UpdateUserFlowAttribute(t.Context(), a.ID, "What you do for fun")

		if err != nil {
			t.Fatal(err)
		}
		if got.Description != "What you do for fun" || calls(s, http.MethodPatch, "/userFlowAttributes/", 0) != 1 {
			t.Errorf("got %+v", got)
		}
	})
}

// TestClient_updateUserFlowAttributeNeverShownFailsAtTheDeadline: Graph acknowledges the PATCH and never
// applies it (Faults.UnappliedWrites userFlowAttributeUpdate).
func TestClient_updateUserFlowAttributeNeverShownFailsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		a, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: "Hobby", Description: "Your hobby"})
		if err != nil {
			t.Fatal(err)
		}
		s.SetFaults(fakegraph.Faults{UnappliedWrites: []string{fakegraph.WriteUserFlowAttributeUpdate}})
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()

		got, err := c.UpdateUserFlowAttribute(ctx, a.ID, "What you do for fun")

		var notShown *NotShownError
		want := []Pending{{"description", "What you do for fun", "Your hobby"}}
		if !errors.As(err, &notShown) || !slices.Equal(notShown.Pending, want) {
			t.Fatalf("error %v, want %v pending", err, want)
		}
		if got == nil || got.Description != "Your hobby" {
			t.Errorf("got %+v, want the attribute as Graph shows it", got)
		}
		if waited := time.Since(start); waited != time.Minute {
			t.Errorf("waited %s, want the operation's minute", waited)
		}
	})
}

// TestClient_deleteUserFlowAttribute: read back until gone; already gone is fine; one a flow collects is
// Graph's refusal, returned as it is.
func TestClient_deleteUserFlowAttribute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		a, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: "Hobby"})
		if err != nil {
			t.Fatal(err)
		}
		used, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: "Shoe size"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2X_1_Partner", AttributeAssignments: []fakegraph.AttributeAssignment{{ID: used.ID}}}); err != nil {
			t.Fatal(err)
		}
		s.SetFaults(fakegraph.Faults{ReplicationLag: 2 * time.Second})

		if err := c.DeleteUserFlowAttribute(t.Context(), a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetUserFlowAttribute(t.Context(), a.ID); !IsNotFound(err) {
			t.Errorf("reading the attribute right after its delete: %v, want a 404", err)
		}
		if err := c.DeleteUserFlowAttribute(t.Context(), a.ID); err != nil {
			t.Errorf("deleting an attribute that is gone: %v", err)
		}
		if err := c.DeleteUserFlowAttribute(t.Context(), used.ID); !IsClientError(err) || !strings.Contains(err.Error(), "B2X_1_Partner") {
			t.Errorf("deleting an attribute a flow collects: %v, want Graph's refusal", err)
		}
	})
}

func TestClient_getUserFlowAttributeConfirmedBelievesA404OnlyWhenRepeated(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		start := time.Now()

		_, err := c.GetUserFlowAttributeConfirmed(t.Context(), "extension_gone_Hobby")

		if !IsNotFound(err) || time.Since(start) < 3*time.Second || calls(s, http.MethodGet, "/userFlowAttributes/", 0) < notFoundReads {
			t.Errorf("got %v after %s; want a 404 repeated for 3 s", err, time.Since(start))
		}
		if got, err := c.GetUserFlowAttributeConfirmed(t.Context(), "City"); err != nil || got.UserFlowAttributeType != BuiltInAttribute {
			t.Errorf("got %+v, %v; want the built-in City", got, err)
		}
	})
}
