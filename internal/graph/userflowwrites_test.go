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

// calls counts the Graph requests with method whose path holds part, in the emulator's log; status, when
// not 0, counts only those answered with it.
func calls(s *fakegraph.Server, method, part string, status int) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && strings.Contains(r.Path, part) && (status == 0 || r.Status == status) {
			n++
		}
	}
	return n
}

// partnerFlow is the b2x flow of the reference's create example.
var partnerFlow = NewUserFlow{Kind: B2XUserFlow, Name: "Partner", UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 1}

// TestClient_createUserFlowTakesTheIDFromGraphsAnswerAndWaitsUntilGraphServesIt: Graph adds the kind's
// prefix; the flow is read back until replicas serve it, so the next read finds it.
func TestClient_createUserFlowTakesTheIDFromGraphsAnswerAndWaitsUntilGraphServesIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		s.SetFaults(fakegraph.Faults{ReplicationLag: 2 * time.Second})
		yes, tag := true, "fr"

		b2x, err := c.CreateUserFlow(t.Context(), partnerFlow)
		if err != nil {
			t.Fatal(err)
		}
		b2c, err := c.CreateUserFlow(t.Context(), NewUserFlow{Kind: B2CUserFlow, Name: "Customer", UserFlowType: "signUp", UserFlowTypeVersion: 3,
			IsLanguageCustomizationEnabled: &yes, DefaultLanguageTag: &tag})
		if err != nil {
			t.Fatal(err)
		}

		if b2x.ID != "B2X_1_Partner" || b2x.Kind != B2XUserFlow || b2x.UserFlowType != "signUpOrSignIn" || b2x.UserFlowTypeVersion != 1 {
			t.Errorf("b2x flow %+v", b2x)
		}
		want := UserFlow{ID: "B2C_1_Customer", Kind: B2CUserFlow, UserFlowType: "signUp", UserFlowTypeVersion: 3,
			IsLanguageCustomizationEnabled: true, DefaultLanguageTag: "fr"}
		if *b2c != want {
			t.Errorf("B2C flow %+v, want %+v", b2c, want)
		}
		for _, id := range []string{b2x.ID, b2c.ID} {
			if _, err := c.GetUserFlow(t.Context(), id); err != nil {
				t.Errorf("reading %s right after its create: %v", id, err)
			}
		}
		if calls(s, http.MethodGet, "UserFlows/", http.StatusNotFound) == 0 {
			t.Error("no read saw the replication lag; the test proves nothing")
		}
	})
}

// TestClient_createUserFlowAdoptsTheFlowWhoseAnswerWasLost: the flow is looked for under its prefixed
// name, in any case, before the create is sent again: one POST, one flow.
func TestClient_createUserFlowAdoptsTheFlowWhoseAnswerWasLost(t *testing.T) {
	for name, lag := range map[string]time.Duration{"consistent Graph": 0, "Graph that lists the new flow late": 1500 * time.Millisecond} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, c := newFakeGraphLosingOneAnswer(t)
				s.SetFaults(fakegraph.Faults{LostResponseRatio: 1, Seed: 7, ReplicationLag: lag})

				got, err := c.CreateUserFlow(t.Context(), NewUserFlow{Kind: B2XUserFlow, Name: "partner", UserFlowType: "signUpOrSignIn", UserFlowTypeVersion: 1})

				if err != nil {
					t.Fatal(err)
				}
				if got.ID != "B2X_1_partner" {
					t.Errorf("adopted %+v", got)
				}
				if posts := calls(s, http.MethodPost, "b2xUserFlows", 0); posts != 1 || len(s.UserFlows()) != 1 {
					t.Errorf("sent %d creates and Graph holds %d flows; want 1 and 1", posts, len(s.UserFlows()))
				}
			})
		})
	}
}

// TestClient_createUserFlowSentAgainAdoptsTheFlowA409Names: the lost create made the flow, but Graph lists
// it only 4 s later, after the search for it (3 s, the test client's bound) has ended: the create sent again
// answers 409, and the flow is looked for again and adopted.
func TestClient_createUserFlowSentAgainAdoptsTheFlowA409Names(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var s *fakegraph.Server
		s, c := newMemoryFakeGraph(t, fakegraph.Options{OnRequest: func(r fakegraph.Request) {
			if r.Status == 0 {
				s.SetFaults(fakegraph.Faults{ReplicationLag: 4 * time.Second})
			}
		}})
		s.SetFaults(fakegraph.Faults{LostResponseRatio: 1, Seed: 3, ReplicationLag: 4 * time.Second})

		got, err := c.CreateUserFlow(t.Context(), partnerFlow)

		if err != nil {
			t.Fatal(err)
		}
		if got.ID != "B2X_1_Partner" || calls(s, http.MethodPost, "b2xUserFlows", http.StatusConflict) != 1 {
			t.Errorf("got %+v after %d conflicts; want the flow after one 409", got, calls(s, http.MethodPost, "b2xUserFlows", http.StatusConflict))
		}
	})
}

func TestClient_createUserFlowReportsANameTaken(t *testing.T) {
	t.Parallel()
	s, c := newFakeGraph(t, fakegraph.Options{})
	if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2X_1_Partner"}); err != nil {
		t.Fatal(err)
	}

	_, err := c.CreateUserFlow(t.Context(), partnerFlow)

	if !hasStatus(err, http.StatusConflict) {
		t.Errorf("error %v, want Graph's 409", err)
	}
	if posts := calls(s, http.MethodPost, "b2xUserFlows", 0); posts != 1 {
		t.Errorf("sent %d creates, want 1", posts)
	}
}

// TestClient_createUserFlowDoesNotAdoptAFlowOfAnotherType: after a lost answer, a flow of the name with
// another type is not the one the create made.
func TestClient_createUserFlowDoesNotAdoptAFlowOfAnotherType(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var posts int
		_, c := newMemoryStub(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				posts++
				dropConnection(t, w)
				return
			}
			writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{
				map[string]any{"id": "B2C_1_CUSTOMER", "userFlowType": "signIn", "userFlowTypeVersion": 1},
			}})
		})

		_, err := c.CreateUserFlow(t.Context(), NewUserFlow{Kind: B2CUserFlow, Name: "Customer", UserFlowType: "signUp", UserFlowTypeVersion: 1})

		if err == nil || !strings.Contains(err.Error(), "B2C_1_CUSTOMER exists, of type signIn version 1") || posts != 1 {
			t.Errorf("error %v after %d creates; want one create and the flow of another type named", err, posts)
		}
	})
}

// TestClient_updateUserFlowReadsBackUntilGraphShowsIt, and accepts the 200 with a body that the page's text
// promises as well as the example's 204.
func TestClient_updateUserFlowReadsBackUntilGraphShowsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2C_1_Customer", DefaultLanguageTag: "en"}); err != nil {
			t.Fatal(err)
		}
		yes, tag := true, "DE"

		got, err := c.UpdateUserFlow(t.Context(), "B2C_1_Customer", UserFlowUpdate{IsLanguageCustomizationEnabled: &yes, DefaultLanguageTag: &tag})

		if err != nil {
			t.Fatal(err)
		}
		if !got.IsLanguageCustomizationEnabled || got.DefaultLanguageTag != "DE" {
			t.Errorf("got %+v", got)
		}
		if patches := calls(s, http.MethodPatch, "b2cUserFlows", 0); patches != 1 {
			t.Errorf("sent %d PATCHes", patches)
		}
	})

	t.Run("200 with a body", func(t *testing.T) {
		t.Parallel()
		_, c := newStub(t, func(w http.ResponseWriter, _ *http.Request) {
			writeJSONAnswer(w, http.StatusOK, map[string]any{"id": "B2C_1_Customer", "userFlowType": "signUp", "userFlowTypeVersion": 1,
				"isLanguageCustomizationEnabled": true, "defaultLanguageTag": "en"})
		})
		yes := true
		if got, err := c.UpdateUserFlow(t.Context(), "B2C_1_Customer", UserFlowUpdate{IsLanguageCustomizationEnabled: &yes}); err != nil || !got.IsLanguageCustomizationEnabled {
			t.Errorf("got %+v, %v", got, err)
		}
	})
}

// TestClient_updateUserFlowNeverShownFailsAtTheDeadline: Graph acknowledges the PATCH and never applies it
// (Faults.UnappliedWrites userFlowUpdate); the error names each property by Graph's name.
func TestClient_updateUserFlowNeverShownFailsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2C_1_Customer", DefaultLanguageTag: "en"}); err != nil {
			t.Fatal(err)
		}
		s.SetFaults(fakegraph.Faults{UnappliedWrites: []string{fakegraph.WriteUserFlowUpdate}})
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		yes, tag := true, "fr"

		got, err := c.UpdateUserFlow(ctx, "B2C_1_Customer", UserFlowUpdate{IsLanguageCustomizationEnabled: &yes, DefaultLanguageTag: &tag})

		var notShown *NotShownError
		want := []Pending{{"isLanguageCustomizationEnabled", "true", "false"}, {"defaultLanguageTag", "fr", "en"}}
		if !errors.As(err, &notShown) || !slices.Equal(notShown.Pending, want) {
			t.Fatalf("error %v, want %v pending", err, want)
		}
		if got == nil || got.DefaultLanguageTag != "en" || !strings.Contains(err.Error(), "PATCH /beta/identity/b2cUserFlows/B2C_1_Customer") {
			t.Errorf("got %+v, %v; want the flow as Graph shows it and the PATCH named", got, err)
		}
	})
}

func TestClient_emptyUserFlowUpdateSendsNothing(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, flowAsCodeReference)
	if got, err := c.UpdateUserFlow(t.Context(), "B2C_1_Customer", UserFlowUpdate{}); got != nil || err != nil {
		t.Fatal(got, err)
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("sent %d requests", n)
	}
}

// TestClient_deleteUserFlowWaitsUntilGraphNoLongerServesIt, and deleting one already gone is no error.
func TestClient_deleteUserFlowWaitsUntilGraphNoLongerServesIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2C_1_Customer"}); err != nil {
			t.Fatal(err)
		}
		s.SetFaults(fakegraph.Faults{ReplicationLag: 2 * time.Second})

		if err := c.DeleteUserFlow(t.Context(), "B2C_1_Customer"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetUserFlow(t.Context(), "B2C_1_Customer"); !IsNotFound(err) {
			t.Errorf("reading the flow right after its delete: %v, want a 404", err)
		}
		if calls(s, http.MethodGet, "b2cUserFlows/", http.StatusOK) == 0 {
			t.Error("no read saw the deleted flow; the test proves nothing")
		}
		if err := c.DeleteUserFlow(t.Context(), "B2C_1_Customer"); err != nil {
			t.Errorf("deleting a flow that is gone: %v", err)
		}
	})
}

// TestClient_deleteUserFlowNeverShownFailsAtTheDeadline: a replica keeps serving the deleted flow.
func TestClient_deleteUserFlowNeverShownFailsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c := newMemoryFakeGraph(t, fakegraph.Options{})
		if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2X_1_Partner"}); err != nil {
			t.Fatal(err)
		}
		s.SetFaults(fakegraph.Faults{ReplicationLag: time.Hour})
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()

		err := c.DeleteUserFlow(ctx, "B2X_1_Partner")

		var notShown *NotShownError
		if !errors.As(err, &notShown) || !strings.Contains(err.Error(), "DELETE /v1.0/identity/b2xUserFlows/B2X_1_Partner") {
			t.Errorf("error %v, want the DELETE not shown", err)
		}
	})
}
