package graph

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/entra-iac/terraform-provider-entra/internal/testing/fakegraph"
)

// newFlowWithPage is an emulator with the custom attribute Shoe size and the flow B2X_1_Partner collecting
// the given attributes (ids), in that order.
func newFlowWithPage(t *testing.T, opts fakegraph.Options, attributes ...string) (*fakegraph.Server, *Client, string) {
	t.Helper()
	s, c := newMemoryFakeGraph(t, opts)
	shoeSize, err := s.PutUserFlowAttribute(fakegraph.UserFlowAttribute{DisplayName: "Shoe size", DataType: "int64"})
	if err != nil {
		t.Fatal(err)
	}
	var page []fakegraph.AttributeAssignment
	for _, id := range attributes {
		page = append(page, fakegraph.AttributeAssignment{ID: strings.ReplaceAll(id, "{shoeSize}", shoeSize.ID)})
	}
	if _, err := s.PutUserFlow(fakegraph.UserFlow{ID: "B2X_1_Partner", AttributeAssignments: page}); err != nil {
		t.Fatal(err)
	}
	return s, c, shoeSize.ID
}

// TestClient_listsAttributeAssignmentsInTheOrderGetOrderGives: the list's order is not documented, so the
// fields are sorted by getOrder; the attribute's id comes from the expanded userAttribute, which need not
// be the assignment's. Two requests.
func TestClient_listsAttributeAssignmentsInTheOrderGetOrderGives(t *testing.T) {
	t.Parallel()
	s, c := newStub(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getOrder") {
			writeJSONAnswer(w, http.StatusOK, map[string]any{"order": []string{"city", "extension_guid_shoeSize"}})
			return
		}
		writeJSONAnswer(w, http.StatusOK, map[string]any{"value": []any{
			map[string]any{"id": "a-2", "isOptional": true, "requiresVerification": false, "userInputType": "RadioSingleSelect", "displayName": "Shoe size",
				"userAttributeValues": []any{map[string]any{"name": "Small", "value": "S", "isDefault": true}},
				"userAttribute":       map[string]any{"@odata.type": "#microsoft.graph.identityCustomUserFlowAttribute", "id": "extension_guid_shoeSize"}},
			map[string]any{"id": "City", "isOptional": false, "requiresVerification": false, "userInputType": "TextBox", "displayName": "City",
				"userAttributeValues": []any{}, "userAttribute": map[string]any{"id": "City"}},
		}})
	})

	got, err := c.ListAttributeAssignments(t.Context(), "B2X_1_Partner")

	if err != nil {
		t.Fatal(err)
	}
	want := []AttributeAssignment{
		{ID: "City", UserAttributeID: "City", DisplayName: "City", UserInputType: "TextBox", UserAttributeValues: []UserAttributeValue{}},
		{ID: "a-2", UserAttributeID: "extension_guid_shoeSize", DisplayName: "Shoe size", IsOptional: true, UserInputType: "RadioSingleSelect",
			UserAttributeValues: []UserAttributeValue{{"Small", "S", true}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("listed\n%+v\nwant\n%+v", got, want)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("sent %d requests, want the list and getOrder", n)
	}
}

func TestClient_listsAttributeAssignmentsAcrossPages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c, shoeSize := newFlowWithPage(t, fakegraph.Options{PageSize: 1}, "City", "{shoeSize}", "Surname")

		got, err := c.ListAttributeAssignments(t.Context(), "B2X_1_Partner")

		if err != nil {
			t.Fatal(err)
		}
		if ids := attributeIDs(got); ids != "City, "+shoeSize+", Surname" {
			t.Errorf("listed %s", ids)
		}
		if lists := calls(s, http.MethodGet, "/userAttributeAssignments", 0); lists != 4 {
			t.Errorf("sent %d requests, want 3 pages and getOrder", lists)
		}
	})
}

// TestClient_writesTheSignUpPageAndWaitsUntilGraphShowsIt: a create, an update, a delete and a new order,
// read back through replicas that lag behind, until Graph shows the page as written.
func TestClient_writesTheSignUpPageAndWaitsUntilGraphShowsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c, shoeSize := newFlowWithPage(t, fakegraph.Options{}, "City", "Surname")
		s.SetFaults(fakegraph.Faults{ReplicationLag: 2 * time.Second})
		ctx := t.Context()
		size := AttributeAssignment{UserAttributeID: shoeSize, DisplayName: "Shoe size", IsOptional: true, UserInputType: "DropdownSingleSelect",
			UserAttributeValues: []UserAttributeValue{{"Small", "38", false}, {"Large", "46", true}}}
		city := AttributeAssignment{UserAttributeID: "City", DisplayName: "Town", UserInputType: "textBox"}

		created, err := c.CreateAttributeAssignment(ctx, "B2X_1_Partner", size)
		if err != nil {
			t.Fatal(err)
		}
		if created.ID == "" || created.UserAttributeID != shoeSize {
			t.Errorf("created %+v", created)
		}
		if err := c.UpdateAttributeAssignment(ctx, "B2X_1_Partner", "City", city); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteAttributeAssignment(ctx, "B2X_1_Partner", "Surname"); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteAttributeAssignment(ctx, "B2X_1_Partner", "Surname"); err != nil {
			t.Errorf("deleting an assignment that is gone: %v", err)
		}
		if err := c.SetAttributeAssignmentOrder(ctx, "B2X_1_Partner", []string{shoeSize, "City"}); err != nil {
			t.Fatal(err)
		}
		got, err := c.WaitForAttributeAssignments(ctx, "B2X_1_Partner", []AttributeAssignment{size, city})

		if err != nil {
			t.Fatal(err)
		}
		if ids := attributeIDs(got); ids != shoeSize+", City" || got[0].UserInputType != "dropdownSingleSelect" || got[1].DisplayName != "Town" {
			t.Errorf("Graph shows %+v", got)
		}
		if stale := slices.ContainsFunc(s.Requests(), func(r fakegraph.Request) bool { return r.Stale }); !stale {
			t.Error("no read saw the page as it was; the test proves nothing")
		}
	})
}

// TestClient_attributeAssignmentsNeverShownFailAtTheDeadline: Graph acknowledges the writes and never
// applies them; each field and the order are named by Graph's names.
func TestClient_attributeAssignmentsNeverShownFailAtTheDeadline(t *testing.T) {
	tests := []struct {
		name  string
		write string
		// change writes and returns the page wanted and the Pending expected.
		change func(ctx context.Context, c *Client, shoeSize string) ([]AttributeAssignment, []Pending)
	}{
		{
			name: "a field", write: fakegraph.WriteAttributeAssignment,
			change: func(ctx context.Context, c *Client, shoeSize string) ([]AttributeAssignment, []Pending) {
				city := AttributeAssignment{UserAttributeID: "City", DisplayName: "Town", UserInputType: "textBox"}
				size := AttributeAssignment{UserAttributeID: shoeSize, DisplayName: "Shoe size", IsOptional: true, UserInputType: "textBox"}
				if err := c.UpdateAttributeAssignment(ctx, "B2X_1_Partner", "City", city); err != nil {
					t.Fatal(err)
				}
				if _, err := c.CreateAttributeAssignment(ctx, "B2X_1_Partner", size); err != nil {
					t.Fatal(err)
				}
				return []AttributeAssignment{city, size}, []Pending{
					{"userAttributeAssignments/City", `"Town", textBox, required`, `"City", textBox, required`},
					{"userAttributeAssignments/" + shoeSize, `"Shoe size", textBox, optional`, ""},
					{"userAttributeAssignments/Surname", "", `"Surname", textBox, required`},
				}
			},
		},
		{
			name: "the order", write: fakegraph.WriteAssignmentOrder,
			change: func(ctx context.Context, c *Client, _ string) ([]AttributeAssignment, []Pending) {
				if err := c.SetAttributeAssignmentOrder(ctx, "B2X_1_Partner", []string{"Surname", "City"}); err != nil {
					t.Fatal(err)
				}
				return []AttributeAssignment{
						{UserAttributeID: "surname", DisplayName: "Surname", UserInputType: "TEXTBOX"},
						{UserAttributeID: "City", DisplayName: "City", UserInputType: "textBox"},
					},
					[]Pending{{"userAttributeAssignments/order", "surname, City", "City, Surname"}}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s, c, shoeSize := newFlowWithPage(t, fakegraph.Options{}, "City", "Surname")
				s.SetFaults(fakegraph.Faults{UnappliedWrites: []string{tt.write}})
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()
				want, wantPending := tt.change(ctx, c, shoeSize)

				_, err := c.WaitForAttributeAssignments(ctx, "B2X_1_Partner", want)

				var notShown *NotShownError
				if !errors.As(err, &notShown) || !slices.Equal(notShown.Pending, wantPending) {
					t.Fatalf("error %v\nwant pending %v", err, wantPending)
				}
			})
		})
	}
}

// TestClient_createAttributeAssignmentRecoversFromALostAnswer: the assignment is looked for before the
// create is sent again: one POST, one field.
func TestClient_createAttributeAssignmentRecoversFromALostAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c, shoeSize := newFlowWithPage(t, fakegraph.Options{}, "City")
		s.SetFaults(fakegraph.Faults{LostResponseRatio: 1, Seed: 5})

		got, err := c.CreateAttributeAssignment(t.Context(), "B2X_1_Partner", AttributeAssignment{UserAttributeID: shoeSize, DisplayName: "Shoe size", UserInputType: "textBox"})

		if err != nil {
			t.Fatal(err)
		}
		if got.UserAttributeID != shoeSize || got.DisplayName != "Shoe size" {
			t.Errorf("adopted %+v", got)
		}
		if f, _ := s.UserFlow("B2X_1_Partner"); len(f.AttributeAssignments) != 2 || calls(s, http.MethodPost, "/userAttributeAssignments", 0) != 1 {
			t.Errorf("the flow collects %+v after %d creates; want 2 fields after 1", f.AttributeAssignments, calls(s, http.MethodPost, "/userAttributeAssignments", 0))
		}
	})
}

func TestClient_createAttributeAssignmentReportsAFieldThePageHasAlready(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, c, _ := newFlowWithPage(t, fakegraph.Options{}, "City")

		_, err := c.CreateAttributeAssignment(t.Context(), "B2X_1_Partner", AttributeAssignment{UserAttributeID: "City", DisplayName: "City", UserInputType: "textBox"})

		if !hasStatus(err, http.StatusConflict) {
			t.Errorf("error %v, want Graph's 409", err)
		}
	})
}

// TestClient_createAttributeAssignmentWithoutALabelTakesGraphs: a field created without a label is sent
// without displayName (Graph takes no empty one) and gets the attribute's display name, which the answer
// carries.
func TestClient_createAttributeAssignmentWithoutALabelTakesGraphs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, c, _ := newFlowWithPage(t, fakegraph.Options{})

		got, err := c.CreateAttributeAssignment(t.Context(), "B2X_1_Partner", AttributeAssignment{UserAttributeID: "Country", UserInputType: "textBox"})

		if err != nil {
			t.Fatal(err)
		}
		if got.DisplayName != "Country/Region" {
			t.Errorf("created %+v, want the attribute's display name as the label", got)
		}
		for _, r := range s.Requests() {
			if r.Method == http.MethodPost && strings.Contains(string(r.Body), "displayName") {
				t.Errorf("the create sent %s, want no displayName", r.Body)
			}
		}
	})
}
