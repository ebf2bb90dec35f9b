package fakegraph

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const partnerAssignments = b2xFlowsPath + "/B2X_1_PartnerSignUp/userAttributeAssignments"

// seedShoeSize stores the custom attribute of the reference's examples and returns its id.
func seedShoeSize(t *testing.T, s *Server) string {
	t.Helper()
	a, err := s.PutUserFlowAttribute(UserFlowAttribute{DisplayName: "Shoe size", Description: "Your shoe size"})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// order is what getOrder answers.
func order(t *testing.T, g *graph, path string) []string {
	t.Helper()
	r := g.do(http.MethodGet, path+"/getOrder", nil)
	if r.status != http.StatusOK {
		t.Fatalf("getOrder: %d %s", r.status, r.body)
	}
	var out []string
	for _, id := range r.json(t)["order"].([]any) {
		out = append(out, id.(string))
	}
	return out
}

func TestAssignments_createAsTheReferenceShows(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	shoeSize := seedShoeSize(t, s)
	g := newGraph(t, s)

	// The reference's example, with its PascalCase input type.
	r := g.do(http.MethodPost, partnerAssignments, `{"isOptional": false, "requiresVerification": false, "userInputType": "TextBox",
		"displayName": "Shoe size", "userAttributeValues": [], "userAttribute": {"id": "`+shoeSize+`"}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if loc := r.header.Get("Location"); loc != s.URL()+partnerAssignments+"/"+shoeSize {
		t.Errorf("Location %q", loc)
	}
	body := r.json(t)
	if body["id"] != shoeSize || body["userInputType"] != "textBox" || body["displayName"] != "Shoe size" || body["isOptional"] != false {
		t.Errorf("body %v", body)
	}
	if values, _ := body["userAttributeValues"].([]any); values == nil || len(values) != 0 {
		t.Errorf("userAttributeValues %v, want []", body["userAttributeValues"])
	}

	// Microsoft365DSC leaves requiresVerification out; a choice field carries its values.
	r = g.do(http.MethodPost, partnerAssignments, `{"displayName": "City", "isOptional": true, "userInputType": "radioSingleSelect",
		"userAttributeValues": [{"name": "S", "value": "1", "isDefault": true}, {"name": "M", "value": "2", "isDefault": false}],
		"userAttribute": {"id": "city"}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if body := r.json(t); body["id"] != "City" || body["requiresVerification"] != false || len(body["userAttributeValues"].([]any)) != 2 {
		t.Errorf("body %v", body)
	}
	// Only the attribute is required: the rest takes the attribute's name and a text box.
	if r := g.do(http.MethodPost, partnerAssignments, `{"userAttribute": {"id": "Email"}}`); r.status != http.StatusCreated ||
		r.json(t)["displayName"] != "Email Address" || r.json(t)["userInputType"] != "textBox" {
		t.Errorf("minimal create: %d %s", r.status, r.body)
	}
	// New assignments go to the end of the order.
	if got := order(t, g, partnerAssignments); !slices.Equal(got, []string{shoeSize, "City", "Email"}) {
		t.Errorf("order %v", got)
	}
	if got := ids(t, g.do(http.MethodGet, partnerAssignments, nil)); !slices.Equal(got, []string{shoeSize, "City", "Email"}) {
		t.Errorf("list %v", got)
	}
}

func TestAssignments_createRefusals(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_WithCity", AttributeAssignments: []AttributeAssignment{{ID: "City"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	tests := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"no attribute", partnerAssignments, `{"displayName": "City", "userInputType": "textBox"}`, http.StatusBadRequest, "AADB2C"},
		{"an attribute that does not exist", partnerAssignments, `{"userAttribute": {"id": "extension_x_Nope"}}`, http.StatusBadRequest, "AADB2C"},
		{"the same attribute twice", b2xFlowsPath + "/B2X_1_WithCity/userAttributeAssignments", `{"userAttribute": {"id": "CITY"}}`, http.StatusConflict, "AADB2C"},
		{"not an input type", partnerAssignments, `{"userInputType": "slider", "userAttribute": {"id": "City"}}`, http.StatusBadRequest, "BadRequest"},
		{"values for a text box", partnerAssignments, `{"userInputType": "textBox", "userAttributeValues": [{"name": "a", "value": "1", "isDefault": false}],
			"userAttribute": {"id": "City"}}`, http.StatusBadRequest, "AADB2C"},
		{"a select without values", partnerAssignments, `{"userInputType": "dropdownSingleSelect", "userAttribute": {"id": "City"}}`, http.StatusBadRequest, "AADB2C"},
		{"two defaults of a single select", partnerAssignments, `{"userInputType": "radioSingleSelect", "userAttribute": {"id": "City"},
			"userAttributeValues": [{"name": "a", "value": "1", "isDefault": true}, {"name": "b", "value": "2", "isDefault": true}]}`, http.StatusBadRequest, "AADB2C"},
		{"a value without a name", partnerAssignments, `{"userInputType": "checkboxMultiSelect", "userAttribute": {"id": "City"},
			"userAttributeValues": [{"value": "1"}]}`, http.StatusBadRequest, "AADB2C"},
		{"the read-only id", partnerAssignments, `{"id": "City", "userAttribute": {"id": "City"}}`, http.StatusBadRequest, "BadRequest"},
		{"the example's userFlowId", partnerAssignments, `{"userFlowId": "B2C_1_Consumer", "userAttribute": {"id": "City"}}`, http.StatusBadRequest, "BadRequest"},
		{"isOptional as text", partnerAssignments, `{"isOptional": "no", "userAttribute": {"id": "City"}}`, http.StatusBadRequest, "BadRequest"},
		{"a flow that does not exist", b2xFlowsPath + "/B2X_1_Missing/userAttributeAssignments", `{"userAttribute": {"id": "City"}}`, http.StatusNotFound, "Request_ResourceNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := g.do(http.MethodPost, tt.path, tt.body)
			if r.status != tt.status || r.odataCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.AttributeAssignments) != 0 {
		t.Errorf("a refused create changed the flow: %+v", f.AttributeAssignments)
	}
}

func TestAssignments_readWithSelectAndExpand(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{
		{ID: "City", UserInputType: "radioSingleSelect", UserAttributeValues: []UserAttributeValue{{Name: "S", Value: "1", IsDefault: true}}},
		{ID: shoeSize, DisplayName: "Shoe size"},
	}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)

	list := g.do(http.MethodGet, partnerAssignments+"?$expand=userAttribute", nil).json(t)
	if list["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/b2xUserFlows('B2X_1_PartnerSignUp')/userAttributeAssignments(userAttribute)" {
		t.Errorf("@odata.context %v", list["@odata.context"])
	}
	items := list["value"].([]any)
	city, _ := items[0].(map[string]any)["userAttribute"].(map[string]any)
	if city["@odata.type"] != "#microsoft.graph.identityBuiltInUserFlowAttribute" || city["userFlowAttributeType"] != "builtIn" || city["dataType"] != "string" {
		t.Errorf("City's attribute %v", city)
	}
	custom, _ := items[1].(map[string]any)["userAttribute"].(map[string]any)
	if custom["@odata.type"] != "#microsoft.graph.identityCustomUserFlowAttribute" || custom["id"] != shoeSize || custom["description"] != "Your shoe size" {
		t.Errorf("the custom attribute %v", custom)
	}

	one := g.do(http.MethodGet, partnerAssignments+"/city?$select=id,userAttributeValues", nil).json(t)
	if got := memberNames(one); !slices.Equal(got, []string{"@odata.context", "id", "userAttributeValues"}) || one["id"] != "City" {
		t.Errorf("one assignment %v", one)
	}
	if r := g.do(http.MethodGet, partnerAssignments+"/Email", nil); r.status != http.StatusNotFound {
		t.Errorf("an attribute the flow does not collect: %d", r.status)
	}
	if attr := g.do(http.MethodGet, partnerAssignments+"/"+shoeSize+"/userAttribute", nil).json(t); attr["id"] != shoeSize || attr["userFlowAttributeType"] != "custom" {
		t.Errorf("the assignment's userAttribute %v", attr)
	}
	if r := g.do(http.MethodGet, partnerAssignments+"?$select=colour", nil); r.status != http.StatusBadRequest {
		t.Errorf("$select of a property the type lacks: %d", r.status)
	}
	if got := ids(t, g.do(http.MethodGet, partnerAssignments+"?$top=1", nil)); !slices.Equal(got, []string{"City"}) {
		t.Errorf("a page of one: %v", got)
	}
}

func TestAssignments_updateAndDelete(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: "City"}, {ID: "Email"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	stored := func() []AttributeAssignment {
		f, _ := s.UserFlow("B2X_1_PartnerSignUp")
		return f.AttributeAssignments
	}

	r := g.do(http.MethodPatch, partnerAssignments+"/city", `{"displayName": "Town", "isOptional": true, "userInputType": "DropdownSingleSelect",
		"userAttributeValues": [{"name": "Paris", "value": "paris", "isDefault": true}]}`)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %s, want 204 as the example answers", r.status, r.body)
	}
	if city := stored()[0]; city.DisplayName != "Town" || !city.IsOptional || city.UserInputType != "dropdownSingleSelect" || len(city.UserAttributeValues) != 1 {
		t.Errorf("after the update %+v", city)
	}
	// Back to a text box: the choices must go with it.
	if r := g.do(http.MethodPatch, partnerAssignments+"/City", `{"userInputType": "textBox"}`); r.status != http.StatusBadRequest {
		t.Errorf("a text box that keeps its choices: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodPatch, partnerAssignments+"/City", `{"userInputType": "textBox", "userAttributeValues": []}`); r.status != http.StatusNoContent {
		t.Errorf("a text box without choices: %d %s", r.status, r.body)
	}
	for _, bad := range []string{`{"userAttribute": {"id": "Email"}}`, `{"id": "Email"}`, `{"displayName": ""}`, `{"colour": "red"}`} {
		if r := g.do(http.MethodPatch, partnerAssignments+"/City", bad); r.status != http.StatusBadRequest {
			t.Errorf("PATCH %s: %d %s", bad, r.status, r.body)
		}
	}
	if r := g.do(http.MethodPatch, partnerAssignments+"/Surname", `{"isOptional": true}`); r.status != http.StatusNotFound {
		t.Errorf("PATCH of an assignment the flow lacks: %d", r.status)
	}

	if r := g.do(http.MethodDelete, partnerAssignments+"/CITY", nil); r.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if got := stored(); len(got) != 1 || got[0].ID != "Email" {
		t.Errorf("after the delete %+v", got)
	}
	if r := g.do(http.MethodDelete, partnerAssignments+"/City", nil); r.status != http.StatusNotFound {
		t.Errorf("a second delete: %d", r.status)
	}
}

func TestAssignments_setOrderNamesEveryAssignmentOnce(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: "City"}, {ID: "Email"}, {ID: "Surname"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)

	if r := g.do(http.MethodPost, partnerAssignments+"/setOrder", `{"newAssignmentOrder": {"order": ["surname", "City", "Email"]}}`); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	// The SDKs call the function with its parentheses.
	r := g.do(http.MethodGet, partnerAssignments+"/getOrder()", nil)
	body := r.json(t)
	if body["@odata.context"] != s.URL()+"/v1.0/$metadata#microsoft.graph.assignmentOrder" {
		t.Errorf("@odata.context %v", body["@odata.context"])
	}
	if got := order(t, g, partnerAssignments); !slices.Equal(got, []string{"Surname", "City", "Email"}) {
		t.Errorf("order %v", got)
	}
	if got := ids(t, g.do(http.MethodGet, partnerAssignments, nil)); !slices.Equal(got, []string{"Surname", "City", "Email"}) {
		t.Errorf("the list follows the order: %v", got)
	}

	for _, bad := range []string{
		`{"newAssignmentOrder": {"order": ["City", "Email"]}}`,
		`{"newAssignmentOrder": {"order": ["City", "Email", "Surname", "City"]}}`,
		`{"newAssignmentOrder": {"order": ["City", "Email", "email"]}}`,
		`{"newAssignmentOrder": {"order": ["City", "Email", "GivenName"]}}`,
		`{"order": ["City", "Email", "Surname"]}`,
		`{"newAssignmentOrder": {"order": "City"}}`,
	} {
		if r := g.do(http.MethodPost, partnerAssignments+"/setOrder", bad); r.status != http.StatusBadRequest {
			t.Errorf("setOrder %s: %d %s", bad, r.status, r.body)
		}
	}
	if got := order(t, g, partnerAssignments); !slices.Equal(got, []string{"Surname", "City", "Email"}) {
		t.Errorf("a refused setOrder changed the order: %v", got)
	}
	if r := g.do(http.MethodGet, partnerAssignments+"/setOrder", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET on the action: %d %s", r.status, r.body)
	}
}

func TestAssignments_b2cFlowsOnBetaOnly(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	path := b2cFlowsPath + "/B2C_1_SignUpSignIn/userAttributeAssignments"
	if r := g.do(http.MethodPost, path, `{"userAttribute": {"id": "GivenName"}}`); r.status != http.StatusCreated ||
		r.header.Get("Location") != s.URL()+path+"/GivenName" {
		t.Fatalf("%d %v %s", r.status, r.header, r.body)
	}
	if got := ids(t, g.do(http.MethodGet, path, nil)); !slices.Equal(got, []string{"GivenName"}) {
		t.Errorf("list %v", got)
	}
	if r := g.do(http.MethodGet, "/v1.0/identity/b2cUserFlows/B2C_1_SignUpSignIn/userAttributeAssignments", nil); r.status != http.StatusBadRequest {
		t.Errorf("B2C assignments on v1.0: %d", r.status)
	}
}

func TestAssignments_replicationLagHidesANewAssignmentAndAnOrder(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: "City"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: time.Second})

	if r := g.do(http.MethodPost, partnerAssignments, `{"userAttribute": {"id": "Email"}}`); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, partnerAssignments+"/Email", nil); r.status != http.StatusNotFound {
		t.Errorf("the new assignment right away: %d, want 404", r.status)
	}
	clock.Advance(time.Second)
	if r := g.do(http.MethodGet, partnerAssignments+"/Email", nil); r.status != http.StatusOK {
		t.Errorf("after the lag: %d", r.status)
	}

	if r := g.do(http.MethodPost, partnerAssignments+"/setOrder", `{"newAssignmentOrder": {"order": ["Email", "City"]}}`); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := order(t, g, partnerAssignments); !slices.Equal(got, []string{"City", "Email"}) {
		t.Errorf("the order right after setOrder %v, want the old one", got)
	}
	clock.Advance(time.Second)
	if got := order(t, g, partnerAssignments); !slices.Equal(got, []string{"Email", "City"}) {
		t.Errorf("after the lag %v", got)
	}
	if got := staleMarks(s); !slices.Equal(got, []bool{true, false, true, false}) {
		t.Errorf("stale marks %v", got)
	}
}

func TestAssignments_notFoundFlapsOnTheirReads(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: "City"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	s.SetFaults(Faults{NotFoundFlaps: 3})
	for _, path := range []string{partnerAssignments, partnerAssignments + "/City", partnerAssignments + "/getOrder"} {
		if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want a flapped 404", path, r.status)
		}
	}
	if r := g.do(http.MethodGet, partnerAssignments+"/getOrder", nil); r.status != http.StatusOK {
		t.Errorf("after the flaps: %d", r.status)
	}
}

func TestUnappliedWrites_attributeAssignmentAnswersAsAppliedAndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: "City"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	s.SetFaults(Faults{UnappliedWrites: []string{WriteAttributeAssignment}})

	r := g.do(http.MethodPost, partnerAssignments, `{"userAttribute": {"id": "Email"}, "displayName": "Mail"}`)
	if r.status != http.StatusCreated || r.json(t)["displayName"] != "Mail" || !strings.HasSuffix(r.header.Get("Location"), "/Email") {
		t.Errorf("create: %d %v %s", r.status, r.header, r.body)
	}
	if r := g.do(http.MethodPatch, partnerAssignments+"/City", `{"isOptional": true}`); r.status != http.StatusNoContent {
		t.Errorf("update: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodDelete, partnerAssignments+"/City", nil); r.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.AttributeAssignments) != 1 || f.AttributeAssignments[0].IsOptional {
		t.Errorf("the flow's assignments %+v", f.AttributeAssignments)
	}
	marks := append(append(unappliedMarks(s, http.MethodPost), unappliedMarks(s, http.MethodPatch)...), unappliedMarks(s, http.MethodDelete)...)
	if !slices.Equal(marks, []bool{true, true, true}) {
		t.Errorf("marks %v", marks)
	}
}

func TestUnappliedWrites_assignmentOrderAnswers204AndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: "City"}, {ID: "Email"}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	s.SetFaults(Faults{UnappliedWrites: []string{WriteAssignmentOrder}})
	if r := g.do(http.MethodPost, partnerAssignments+"/setOrder", `{"newAssignmentOrder": {"order": ["Email", "City"]}}`); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if got := order(t, g, partnerAssignments); !slices.Equal(got, []string{"City", "Email"}) {
		t.Errorf("order %v", got)
	}
	// A setOrder that would be refused is still refused.
	if r := g.do(http.MethodPost, partnerAssignments+"/setOrder", `{"newAssignmentOrder": {"order": ["Email"]}}`); r.status != http.StatusBadRequest {
		t.Errorf("an incomplete order: %d", r.status)
	}
}
