# A certificate's life in the module, against the Graph emulator: created a week before it expires, the
# next one staged next to it, the rotation finished, and a compromised key replaced outright.
# make module-test writes the certificates to var.certificates_dir (scripts/module-test.sh).

variables {
  display_name = "Module test: claims enrichment"
  target_url   = "https://api.contoso.com/b2c/claims"
}

run "create_with_certificate_expiring_in_a_week" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/expiring.json"))
    current_certificate_version = 1
  }

  assert {
    condition     = length(output.certificates) == 1
    error_message = "the new connector should hold exactly one certificate"
  }
  assert {
    condition     = output.active_thumbprint == jsondecode(file("${var.certificates_dir}/expiring.json")).thumbprint
    error_message = "the uploaded certificate should be the active one"
  }
  assert {
    condition     = output.rotation_due
    error_message = "a certificate that expires in a week is due for rotation"
  }
  assert {
    condition     = output.sent_version == 1
    error_message = "version 1 should have been sent"
  }
}

run "stage_next_certificate_beside_the_current_one" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/expiring.json"))
    current_certificate_version = 1
    next_certificate            = jsondecode(file("${var.certificates_dir}/next.json"))
    next_certificate_version    = 2
  }

  assert {
    condition = toset(output.certificates[*].thumbprint) == toset([
      jsondecode(file("${var.certificates_dir}/expiring.json")).thumbprint,
      jsondecode(file("${var.certificates_dir}/next.json")).thumbprint,
    ])
    error_message = "with rotation = \"append\" the connector should hold both certificates"
  }
  assert {
    condition     = output.active_thumbprint == jsondecode(file("${var.certificates_dir}/next.json")).thumbprint
    error_message = "the newest valid certificate should be the active one"
  }
  assert {
    condition     = !output.rotation_due && output.sent_version == 2
    error_message = "after staging a certificate valid for a year, no rotation should be due"
  }
}

run "finish_the_rotation_without_sending_again" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/next.json"))
    current_certificate_version = 2
  }

  assert {
    condition     = length(output.certificates) == 2
    error_message = "moving next_* to current_* with the same version should send nothing"
  }
  assert {
    condition     = output.active_thumbprint == jsondecode(file("${var.certificates_dir}/next.json")).thumbprint
    error_message = "the promoted certificate should stay active"
  }
}

run "replace_a_compromised_certificate" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/replacement.json"))
    current_certificate_version = 3
    rotation                    = "replace"
  }

  assert {
    condition     = length(output.certificates) == 1 && output.active_thumbprint == jsondecode(file("${var.certificates_dir}/replacement.json")).thumbprint
    error_message = "with rotation = \"replace\" the new certificate should be the only one"
  }
  assert {
    condition     = output.sent_version == 3
    error_message = "version 3 should have been sent"
  }
}
