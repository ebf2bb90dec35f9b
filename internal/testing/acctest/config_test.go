package acctest

import "testing"

func TestConnector_HCL(t *testing.T) {
	got := Connector{Count: 2, DisplayName: "say \"hi\"\\ \u0007\u200b 🏴\U000E0067\U000E007F ${count.index}", TargetURL: Expr("var.url"),
		Basic: &Basic{Username: "a\tb", Password: Expr("var.password"), Version: 1}}.HCL()
	want := `
resource "entra_identity_api_connector" "test" {
  count = 2
  display_name = "say \"hi\"\\ \u0007\u200b 🏴\U000e0067\U000e007f ${count.index}"
  target_url = var.url

  basic_auth {
    username = "a\tb"
    password_wo = var.password
    password_wo_version = 1
  }
}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
