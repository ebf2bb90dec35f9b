package fakegraph

import "slices"

// The kinds of write Faults.UnappliedWrites names.
const (
	// WriteConnectorUpdate is PATCH /identity/apiConnectors/{id}: 204 and the connector unchanged.
	WriteConnectorUpdate = "connectorUpdate"
	// WriteCertificateUpload is uploadClientCertificate: 200 with the connector as it stands, without the
	// new certificate.
	WriteCertificateUpload = "certificateUpload"
	// WriteStepReference is PUT …/apiConnectorConfiguration/{step}/$ref: 204 and the step unchanged.
	WriteStepReference = "stepReference"
	// WriteUserFlowUpdate is PATCH of a B2C user flow: 204 and the flow unchanged.
	WriteUserFlowUpdate = "userFlowUpdate"
	// WriteIdentityProviderReference is adding or removing an identity provider of a flow, through either
	// navigation: 204 and the flow's providers unchanged.
	WriteIdentityProviderReference = "identityProviderReference"
	// WriteAttributeAssignment is the create (201 with the assignment), update and delete (204) of a flow's
	// attribute assignment, with the flow's assignments unchanged.
	WriteAttributeAssignment = "attributeAssignment"
	// WriteAssignmentOrder is setOrder of a flow's attribute assignments: 204 and the order unchanged.
	WriteAssignmentOrder = "assignmentOrder"
	// WriteUserFlowAttributeUpdate is PATCH /identity/userFlowAttributes/{id}: 204 and the attribute
	// unchanged.
	WriteUserFlowAttributeUpdate = "userFlowAttributeUpdate"
)

// unappliedWrite reports whether the write of the given kind, which has passed every check, is one Graph
// acknowledges without applying (Faults.UnappliedWrites); the request log then marks the call so. The
// caller answers as for an applied write and changes nothing.
func (c *call) unappliedWrite(kind string) bool {
	if slices.Contains(c.faults.UnappliedWrites, kind) {
		c.unapplied = true
		return true
	}
	return false
}
