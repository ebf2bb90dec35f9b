# Staging ahead of time: a certificate whose validity starts next week is uploaded today. Graph keeps
# presenting the current certificate until then, so the API can start trusting the new one at leisure.

variables {
  display_name = "Module test: staged rotation"
  target_url   = "https://api.contoso.com/b2c/validate"
}

run "create" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/current.json"))
    current_certificate_version = 1
  }

  assert {
    condition     = output.active_thumbprint == jsondecode(file("${var.certificates_dir}/current.json")).thumbprint
    error_message = "the uploaded certificate should be active"
  }
}

run "stage_a_certificate_valid_from_next_week" {
  command = apply

  variables {
    current_certificate         = jsondecode(file("${var.certificates_dir}/current.json"))
    current_certificate_version = 1
    next_certificate            = jsondecode(file("${var.certificates_dir}/future.json"))
    next_certificate_version    = 2
  }

  assert {
    condition     = length(output.certificates) == 2
    error_message = "both certificates should be held"
  }
  assert {
    condition     = output.active_thumbprint == jsondecode(file("${var.certificates_dir}/current.json")).thumbprint
    error_message = "the current certificate should stay active until the next one becomes valid"
  }
  assert {
    condition = one([
      for c in output.certificates : c.not_before
      if c.thumbprint == jsondecode(file("${var.certificates_dir}/future.json")).thumbprint
    ]) == jsondecode(file("${var.certificates_dir}/future.json")).not_before
    error_message = "the staged certificate should start its validity next week"
  }
}
