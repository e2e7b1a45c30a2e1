package payment

// CanTransition reports whether a payment may move from one status to
// another, following Mollie's documented life cycle: open may become any
// other status; pending may become paid, failed or expired (SEPA Direct
// Debit can go pending -> failed); authorized may become paid, canceled,
// expired or failed (captured, voided, lapsed); final statuses never change.
// Staying in the same status is not a transition.
func CanTransition(from, to Status) bool {
	if from == to || from.Final() || !to.Valid() {
		return false
	}
	switch from {
	case StatusOpen:
		return true
	case StatusPending:
		return to == StatusPaid || to == StatusFailed || to == StatusExpired
	case StatusAuthorized:
		return to == StatusPaid || to == StatusCanceled || to == StatusExpired || to == StatusFailed
	}
	return false
}

// Valid reports whether s is one of Mollie's payment statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusPending, StatusAuthorized, StatusPaid, StatusCanceled, StatusExpired, StatusFailed:
		return true
	}
	return false
}
