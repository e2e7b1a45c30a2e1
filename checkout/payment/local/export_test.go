package local

// NewPaymentIDForTest is newPaymentID for the external tests.
var NewPaymentIDForTest = newPaymentID
