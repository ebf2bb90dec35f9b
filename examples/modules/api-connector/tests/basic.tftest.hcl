# HTTP basic authentication instead of a certificate, chosen by var.authentication, which picks one of the
# module's two dynamic auth blocks; then a switch to a certificate.

variables {
  display_name = "Module test: basic authentication"
  target_url   = "https://api.contoso.com/b2c/basic"
}

run "create_with_basic_auth" {
  command = apply

  variables {
    authentication      = "basic"
    basic_auth_username = "module-user"
    basic_auth_password = "module-password-1"
  }

  assert {
    condition     = length(output.certificates) == 0 && output.active_thumbprint == null
    error_message = "a connector with basic authentication holds no certificate"
  }
  assert {
    condition     = !output.rotation_due && output.sent_version == 1
    error_message = "basic authentication has no rotation due, and password version 1 was sent"
  }
}

run "rotate_the_password" {
  command = apply

  variables {
    authentication              = "basic"
    basic_auth_username         = "module-user"
    basic_auth_password         = "module-password-2"
    basic_auth_password_version = 2
  }

  assert {
    condition     = output.sent_version == 2
    error_message = "password version 2 should have been sent"
  }
}

run "switch_to_a_certificate" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/current.json"))
    current_certificate_version = 1
  }

  assert {
    condition     = length(output.certificates) == 1 && output.active_thumbprint == jsondecode(file("${var.certificates_dir}/current.json")).thumbprint
    error_message = "after the switch the connector holds the certificate alone"
  }
}

run "basic_without_username" {
  command = plan

  variables {
    authentication = "basic"
  }

  expect_failures = [var.basic_auth_username]
}
