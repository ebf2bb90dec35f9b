# The module's policy refuses, at plan time and before any call to Graph, what would silently do nothing
# or something else than meant.

variables {
  display_name                = "Module test: validation"
  target_url                  = "https://api.contoso.com/b2c/validate"
  current_certificate         = jsondecode(file("${var.certificates_dir}/current.json"))
  current_certificate_version = 1
}

run "unknown_rotation_mode" {
  command = plan

  variables {
    rotation = "rolling"
  }

  expect_failures = [var.rotation]
}

run "plain_http_target" {
  command = plan

  variables {
    target_url = "http://api.contoso.com/b2c/validate"
  }

  expect_failures = [var.target_url]
}

run "next_version_not_above_current" {
  command = plan

  variables {
    next_certificate         = jsondecode(file("${var.certificates_dir}/future.json"))
    next_certificate_version = 1
  }

  expect_failures = [entra_identity_api_connector.this]
}
