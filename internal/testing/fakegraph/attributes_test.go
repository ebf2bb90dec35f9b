package fakegraph

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

const attributesPath = "/v1.0/identity/userFlowAttributes"

var builtInIDs = []string{"City", "Country", "DisplayName", "Email", "GivenName", "JobTitle", "PostalCode", "State", "StreetAddress", "Surname"}

func TestAttributes_builtInsAndCustomInOneList(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	g := newGraph(t, s)

	r := g.do(http.MethodGet, attributesPath, nil)
	if got := ids(t, r); !slices.Equal(got, append(slices.Clone(builtInIDs), shoeSize)) {
		t.Errorf("list %v", got)
	}
	body := r.json(t)
	if body["@odata.context"] != s.URL()+"/v1.0/$metadata#identity/userFlowAttributes" {
		t.Errorf("@odata.context %v", body["@odata.context"])
	}
	city := body["value"].([]any)[0].(map[string]any)
	if city["displayName"] != "City" || city["description"] != "Your city" || city["userFlowAttributeType"] != "builtIn" || city["dataType"] != "string" {
		t.Errorf("City %v", city)
	}
	if country := g.do(http.MethodGet, attributesPath+"/country", nil).json(t); country["id"] != "Country" || country["displayName"] != "Country/Region" {
		t.Errorf("Country %v", country)
	}
	if shoeSize != "extension_d09380e2b4c642b9a203fb816a04a7ad_Shoesize" {
		t.Errorf("the seeded id %s", shoeSize)
	}
}

func TestAttributes_filter(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	if _, err := s.PutUserFlowAttribute(UserFlowAttribute{DisplayName: "Newsletter", DataType: "boolean"}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	tests := []struct {
		filter string
		want   []string
	}{
		{"userFlowAttributeType eq 'custom'", []string{shoeSize, "extension_d09380e2b4c642b9a203fb816a04a7ad_Newsletter"}},
		{"dataType eq 'Boolean'", []string{"extension_d09380e2b4c642b9a203fb816a04a7ad_Newsletter"}},
		{"displayName eq 'Shoe size' or id eq 'City'", []string{"City", shoeSize}},
		{"userFlowAttributeType eq 'custom' and dataType ne 'boolean'", []string{shoeSize}},
		{"id eq 'it''s'", nil},
	}
	for _, tt := range tests {
		if got := ids(t, g.do(http.MethodGet, attributesPath+"?$filter="+url.QueryEscape(tt.filter), nil)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.filter, got, tt.want)
		}
	}
	for _, bad := range []string{"description eq 'x'", "startswith(id, 'C')", "id gt 'C'", "id eq City", "id eq 'City' and"} {
		if r := g.do(http.MethodGet, attributesPath+"?$filter="+url.QueryEscape(bad), nil); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
	// No other list takes $filter.
	if r := g.do(http.MethodGet, b2xFlowsPath+"?$filter="+url.QueryEscape("id eq 'x'"), nil); r.status != http.StatusBadRequest {
		t.Errorf("$filter on flows: %d", r.status)
	}
}

func TestAttributes_createAsTheReferenceShows(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	g := newGraph(t, s)
	r := g.do(http.MethodPost, attributesPath, `{"displayName": "Hobby", "description": "Your hobby", "dataType": "string"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	const id = "extension_d09380e2b4c642b9a203fb816a04a7ad_Hobby"
	// The reference writes this Location as a quoted relative path.
	if loc := r.header.Get("Location"); loc != `"/identity/userFlowAttributes('`+id+`')"` {
		t.Errorf("Location %s", loc)
	}
	body := r.json(t)
	if body["id"] != id || body["displayName"] != "Hobby" || body["description"] != "Your hobby" || body["userFlowAttributeType"] != "custom" || body["dataType"] != "string" {
		t.Errorf("body %v", body)
	}
	// OData's key syntax reads the same attribute.
	if r := g.do(http.MethodGet, "/v1.0/identity/userFlowAttributes('"+id+"')", nil); r.status != http.StatusOK || r.json(t)["id"] != id {
		t.Errorf("key syntax: %d %s", r.status, r.body)
	}

	// The name part keeps the display name's ASCII letters and digits.
	for _, tt := range []struct{ body, id string }{
		{`{"displayName": "Shoe size 2", "dataType": "Int64"}`, "extension_d09380e2b4c642b9a203fb816a04a7ad_Shoesize2"},
		{`{"displayName": "Opt-in (marketing)?", "dataType": "boolean", "description": null}`, "extension_d09380e2b4c642b9a203fb816a04a7ad_Optinmarketing"},
	} {
		r := g.do(http.MethodPost, attributesPath, tt.body)
		if r.status != http.StatusCreated || r.json(t)["id"] != tt.id {
			t.Errorf("%s: %d %s, want id %s", tt.body, r.status, r.body, tt.id)
		}
	}
	if a, _ := s.UserFlowAttribute("extension_d09380e2b4c642b9a203fb816a04a7ad_Shoesize2"); a.DataType != "int64" {
		t.Errorf("stored %+v", a)
	}
}

func TestAttributes_idCarriesTheTenantsExtensionsApp(t *testing.T) {
	s, _ := newTestServer(t, Options{ExtensionsAppID: "11111111-2222-3333-4444-555555555555"})
	r := newGraph(t, s).do(http.MethodPost, "/beta/identity/userFlowAttributes", `{"displayName": "Hobby", "dataType": "string"}`)
	if r.json(t)["id"] != "extension_11111111222233334444555555555555_Hobby" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

func TestAttributes_createRefusals(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	seedShoeSize(t, s)
	g := newGraph(t, s)
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"the same display name", `{"displayName": "shoe size", "dataType": "string"}`, http.StatusConflict, "AADB2C"},
		{"the same id from another display name", `{"displayName": "Shoe-size", "dataType": "string"}`, http.StatusConflict, "AADB2C"},
		{"a built-in's display name", `{"displayName": "City", "dataType": "string"}`, http.StatusConflict, "AADB2C"},
		{"a read-only data type", `{"displayName": "Tags", "dataType": "stringCollection"}`, http.StatusBadRequest, "AADB2C"},
		{"not a data type", `{"displayName": "Tags", "dataType": "float"}`, http.StatusBadRequest, "BadRequest"},
		{"no data type", `{"displayName": "Tags"}`, http.StatusBadRequest, "AADB2C"},
		{"no display name", `{"dataType": "string"}`, http.StatusBadRequest, "AADB2C"},
		{"nothing to name it by", `{"displayName": "$$$", "dataType": "string"}`, http.StatusBadRequest, "AADB2C"},
		{"the read-only id", `{"id": "extension_x_Tags", "displayName": "Tags", "dataType": "string"}`, http.StatusBadRequest, "BadRequest"},
		{"the read-only type", `{"userFlowAttributeType": "builtIn", "displayName": "Tags", "dataType": "string"}`, http.StatusBadRequest, "BadRequest"},
		{"an unknown property", `{"displayName": "Tags", "dataType": "string", "maxLength": 3}`, http.StatusBadRequest, "BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := g.do(http.MethodPost, attributesPath, tt.body)
			if r.status != tt.status || r.odataCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tt.status, tt.code)
			}
		})
	}
	if n := len(s.UserFlowAttributes()); n != len(builtInIDs)+1 {
		t.Errorf("%d attributes after only refusals", n)
	}
}

func TestAttributes_updateTheDescriptionOnly(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	g := newGraph(t, s)
	path := attributesPath + "/" + shoeSize

	if r := g.do(http.MethodPatch, path, `{"description": "Your size in EU units"}`); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if a, _ := s.UserFlowAttribute(shoeSize); a.Description != "Your size in EU units" {
		t.Errorf("stored %+v", a)
	}
	for _, bad := range []struct {
		path, body string
		code       string
	}{
		{path, `{"displayName": "Shoe"}`, "BadRequest"},
		{path, `{"dataType": "int64"}`, "BadRequest"},
		{path, `{"colour": "red"}`, "BadRequest"},
		{attributesPath + "/City", `{"description": "The city"}`, "AADB2C"},
	} {
		if r := g.do(http.MethodPatch, bad.path, bad.body); r.status != http.StatusBadRequest || r.odataCode(t) != bad.code {
			t.Errorf("PATCH %s %s: %d %s", bad.path, bad.body, r.status, r.body)
		}
	}
	if r := g.do(http.MethodPatch, attributesPath+"/extension_x_Nope", `{"description": "x"}`); r.status != http.StatusNotFound {
		t.Errorf("a missing attribute: %d", r.status)
	}
}

func TestAttributes_delete(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: shoeSize}}}); err != nil {
		t.Fatal(err)
	}
	g := newGraph(t, s)
	path := attributesPath + "/" + shoeSize

	if r := g.do(http.MethodDelete, attributesPath+"/City", nil); r.status != http.StatusBadRequest || r.odataCode(t) != "AADB2C" {
		t.Errorf("a built-in: %d %s", r.status, r.body)
	}
	// An attribute a flow still collects is in use.
	if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusConflict || r.odataCode(t) != "AADB2C" {
		t.Errorf("an assigned attribute: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodDelete, partnerAssignments+"/"+shoeSize, nil); r.status != http.StatusNoContent {
		t.Fatalf("unassign: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodDelete, path, nil); r.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, path, nil); r.status != http.StatusNotFound {
		t.Errorf("read after delete: %d", r.status)
	}
	if _, ok := s.UserFlowAttribute(shoeSize); ok {
		t.Error("still stored")
	}
}

func TestAttributes_replicationLag(t *testing.T) {
	s, clock := newTestServer(t, Options{})
	seedUserFlows(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{ReplicationLag: time.Second})
	id := g.do(http.MethodPost, attributesPath, `{"displayName": "Hobby", "dataType": "string"}`).json(t)["id"].(string)
	if r := g.do(http.MethodGet, attributesPath+"/"+id, nil); r.status != http.StatusNotFound {
		t.Errorf("right after the create: %d", r.status)
	}
	if got := ids(t, g.do(http.MethodGet, attributesPath, nil)); slices.Contains(got, id) {
		t.Errorf("the list shows %v", got)
	}
	if r := g.do(http.MethodPost, partnerAssignments, `{"userAttribute": {"id": "`+id+`"}}`); r.status != http.StatusBadRequest {
		t.Errorf("assigning an attribute still replicating: %d %s", r.status, r.body)
	}
	clock.Advance(time.Second)
	if r := g.do(http.MethodDelete, attributesPath+"/"+id, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := g.do(http.MethodGet, attributesPath+"/"+id, nil); r.status != http.StatusOK {
		t.Errorf("right after the delete: %d, want 200 from a lagging replica", r.status)
	}
	clock.Advance(time.Second)
	if r := g.do(http.MethodGet, attributesPath+"/"+id, nil); r.status != http.StatusNotFound {
		t.Errorf("after the lag: %d", r.status)
	}
}

func TestUnappliedWrites_userFlowAttributeUpdateAnswers204AndChangesNothing(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	g := newGraph(t, s)
	s.SetFaults(Faults{UnappliedWrites: []string{WriteUserFlowAttributeUpdate}})
	if r := g.do(http.MethodPatch, attributesPath+"/"+shoeSize, `{"description": "changed"}`); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if a, _ := s.UserFlowAttribute(shoeSize); a.Description != "Your shoe size" {
		t.Errorf("stored %+v", a)
	}
	if marks := unappliedMarks(s, http.MethodPatch); !slices.Equal(marks, []bool{true}) {
		t.Errorf("marks %v", marks)
	}
}

func TestAttributes_outOfBandEdits(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	shoeSize := seedShoeSize(t, s)
	if _, err := s.PutUserFlow(UserFlow{ID: "B2X_1_PartnerSignUp", AttributeAssignments: []AttributeAssignment{{ID: shoeSize}, {ID: "City"}}}); err != nil {
		t.Fatal(err)
	}
	if !s.EditUserFlowAttribute(shoeSize, func(a *UserFlowAttribute) { a.Description = "edited" }) || s.EditUserFlowAttribute("City", func(*UserFlowAttribute) {}) {
		t.Fatal("EditUserFlowAttribute edits custom attributes only")
	}
	if a, _ := s.UserFlowAttribute(shoeSize); a.Description != "edited" {
		t.Errorf("after the edit %+v", a)
	}
	// Deleted in the portal, the attribute is no longer collected by the flow that assigned it.
	if !s.DeleteUserFlowAttribute(shoeSize) || s.DeleteUserFlowAttribute("City") {
		t.Fatal("DeleteUserFlowAttribute deletes custom attributes only")
	}
	if f, _ := s.UserFlow("B2X_1_PartnerSignUp"); len(f.AttributeAssignments) != 1 || f.AttributeAssignments[0].ID != "City" {
		t.Errorf("the flow collects %+v", f.AttributeAssignments)
	}
	if _, err := s.PutUserFlowAttribute(UserFlowAttribute{ID: "City"}); err == nil {
		t.Error("a built-in attribute was replaced")
	}
}
