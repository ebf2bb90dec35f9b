package userflow

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entra-iac/terraform-provider-entra/internal/graph"
)

func TestRefresh(t *testing.T) {
	const (
		ours   = "be1f769b-9b13-437e-b540-79a905c4932c"
		theirs = "0b6e1b8c-1f4a-4d39-9a7e-7d3f5e2a9c41"
	)
	ourUpper := "BE1F769B-9B13-437E-B540-79A905C4932C"
	tests := map[string]struct {
		state  linkModel
		remote graph.APIConnectorConfiguration
		adopt  bool
		want   linkModel
	}{
		"a managed step in step with Graph stays": {
			state:  link(ours, ""),
			remote: graph.APIConnectorConfiguration{graph.PostFederationSignup: ours},
			want:   link(ours, ""),
		},
		"a managed step pointed elsewhere takes Graph's connector, so the plan puts it back": {
			state:  link(ours, ""),
			remote: graph.APIConnectorConfiguration{graph.PostFederationSignup: theirs},
			want:   link(theirs, ""),
		},
		"a managed step cleared outside Terraform becomes null": {
			state:  link(ours, ""),
			remote: graph.APIConnectorConfiguration{},
			want:   link("", ""),
		},
		"a step the state does not manage is not reported": {
			state:  link(ours, ""),
			remote: graph.APIConnectorConfiguration{graph.PostFederationSignup: ours, graph.PostAttributeCollection: theirs},
			want:   link(ours, ""),
		},
		"after an import every step is taken": {
			state:  link("", ""),
			remote: graph.APIConnectorConfiguration{graph.PostFederationSignup: ours, graph.PostAttributeCollection: theirs},
			adopt:  true,
			want:   link(ours, theirs),
		},
		"an id that differs only in case keeps the configuration's spelling": {
			state:  link(ourUpper, ""),
			remote: graph.APIConnectorConfiguration{graph.PostFederationSignup: ours},
			want:   link(ourUpper, ""),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := refresh(tc.state, tc.remote, tc.adopt)
			for _, s := range steps {
				if !s.link(&got).Equal(*s.link(&tc.want)) {
					t.Errorf("%s = %s, want %s", s.attribute, *s.link(&got), *s.link(&tc.want))
				}
			}
			if !got.ID.Equal(tc.state.UserFlowID) {
				t.Errorf("id = %s, want the flow's id", got.ID)
			}
		})
	}
}

// link is the state of a b2x flow's resource with the given connector ids ("" for null).
func link(postFederationSignup, postAttributeCollection string) linkModel {
	return linkModel{
		UserFlowID:              types.StringValue("B2X_1_PartnerSignUp"),
		PostFederationSignup:    stringOrNull(postFederationSignup),
		PostAttributeCollection: stringOrNull(postAttributeCollection),
		PreTokenIssuance:        types.StringNull(),
	}
}

// TestSteps_coverEveryGraphStep makes sure every step the client knows has an argument, once.
func TestSteps_coverEveryGraphStep(t *testing.T) {
	seen := map[graph.UserFlowStep]int{}
	for _, s := range steps {
		seen[s.graph]++
		if len(s.kindsWith()) == 0 {
			t.Errorf("%s belongs to no kind of flow", s.attribute)
		}
	}
	for _, kind := range graph.UserFlowKinds() {
		for _, step := range kind.Steps() {
			if seen[step] != 1 {
				t.Errorf("%s of %s flows has %d arguments, want 1", step, kind, seen[step])
			}
		}
	}
}

func TestUserFlowIDPattern(t *testing.T) {
	for id, want := range map[string]bool{
		"B2X_1_PartnerSignUp": true, "b2c_1_signin": true, "B2C_1_Sign-Up_2": true,
		"PartnerSignUp": false, "B2X_1_": false, "B2X_1_a/b": false, "B2X_1_a b": false, "B2X_1_a?x": false,
	} {
		if got := userFlowIDPattern.MatchString(id); got != want {
			t.Errorf("%q matches: %v, want %v", id, got, want)
		}
	}
}
