# The user flow that calls the connector: none by default; an existing one named by user_flow.id (the emulator
# starts with B2X_1_PartnerSignUp, as if made in the portal, and tests/flow_made_elsewhere passes an id known
# only at apply); or one the module creates from user_flow.name, with its identity providers and sign-up page.
# tests/flow reads a flow back as Graph describes it.

variables {
  display_name        = "Module test: user flow"
  target_url          = "https://api.contoso.com/b2c/flow"
  authentication      = "basic"
  basic_auth_username = "module-user"
  basic_auth_password = "module-password-1"
}

run "no_flow_by_default" {
  command = apply

  assert {
    condition     = length(entra_user_flow.this) == 0 && length(entra_user_flow_api_connectors.this) == 0 && output.user_flow_id == null
    error_message = "without user_flow the module creates a connector alone"
  }
}

run "wire_an_existing_flow" {
  command = apply

  variables {
    user_flow = { id = "B2X_1_PartnerSignUp" }
  }

  assert {
    condition     = length(entra_user_flow.this) == 0 && output.user_flow_id == "B2X_1_PartnerSignUp"
    error_message = "user_flow.id wires the connector into that flow and creates none"
  }
}

run "the_existing_flow_calls_the_connector" {
  command = plan

  module {
    source = "./tests/flow"
  }

  variables {
    id        = "B2X_1_PartnerSignUp"
    connector = run.wire_an_existing_flow.id
  }

  assert {
    condition     = output.post_attribute_collection == var.connector
    error_message = "Graph should say B2X_1_PartnerSignUp calls the connector after the sign-up form"
  }
}

run "create_the_flow" {
  command = apply

  variables {
    user_flow = {
      name               = "ModuleSignUp"
      identity_providers = ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"]
      user_attribute_assignments = [
        { user_attribute_id = "Email", user_input_type = "emailBox" },
        { user_attribute_id = "GivenName" },
        { user_attribute_id = "City", display_name = "Town", is_optional = true },
      ]
    }
    user_flow_step = "post_federation_signup"
  }

  assert {
    condition     = output.user_flow_id == "B2X_1_ModuleSignUp" && entra_user_flow.this[0].id == "B2X_1_ModuleSignUp"
    error_message = "user_flow.name creates B2X_1_ModuleSignUp and wires the connector into it"
  }
}

run "the_created_flow_calls_the_connector" {
  command = plan

  module {
    source = "./tests/flow"
  }

  variables {
    id        = "B2X_1_ModuleSignUp"
    connector = run.create_the_flow.id
  }

  assert {
    condition     = output.post_federation_signup == var.connector && output.post_attribute_collection == null
    error_message = "Graph should say B2X_1_ModuleSignUp calls the connector after federation, and at no other step"
  }
  assert {
    condition     = output.fields == ["Email", "GivenName", "City"]
    error_message = "the new flow's sign-up page should ask for Email, GivenName and City, in that order"
  }
  assert {
    condition     = output.identity_providers == toset(["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"])
    error_message = "the new flow should offer exactly the two providers asked for"
  }
}

run "the_existing_flow_is_left_as_it_was" {
  command = plan

  module {
    source = "./tests/flow"
  }

  variables {
    id = "B2X_1_PartnerSignUp"
  }

  assert {
    condition     = output.post_attribute_collection == null
    error_message = "moving the connector to the created flow clears the step it set on B2X_1_PartnerSignUp"
  }
}

run "a_flow_made_elsewhere" {
  command = apply

  module {
    source = "./tests/flow_made_elsewhere"
  }

  assert {
    condition     = output.user_flow_id == "B2X_1_MadeElsewhere"
    error_message = "an id known only at apply wires the connector into that flow"
  }
}

run "the_flow_made_elsewhere_calls_the_connector" {
  command = plan

  module {
    source = "./tests/flow"
  }

  variables {
    id        = "B2X_1_MadeElsewhere"
    connector = run.a_flow_made_elsewhere.connector_id
  }

  assert {
    condition     = output.post_attribute_collection == var.connector
    error_message = "Graph should say B2X_1_MadeElsewhere calls the connector after the sign-up form"
  }
}

run "both_an_id_and_a_name" {
  command = plan

  variables {
    user_flow = { id = "B2X_1_PartnerSignUp", name = "ModuleSignUp" }
  }

  expect_failures = [var.user_flow]
}

run "neither_an_id_nor_a_name" {
  command = plan

  variables {
    user_flow = { identity_providers = ["AADSignup-OAUTH"] }
  }

  expect_failures = [var.user_flow]
}

run "a_sign_up_page_for_an_existing_flow" {
  command = plan

  variables {
    user_flow = { id = "B2X_1_PartnerSignUp", user_attribute_assignments = [{ user_attribute_id = "City" }] }
  }

  expect_failures = [var.user_flow]
}

run "unknown_step" {
  command = plan

  variables {
    user_flow      = { id = "B2X_1_PartnerSignUp" }
    user_flow_step = "before_sign_in"
  }

  expect_failures = [var.user_flow_step]
}
