package server

import (
	"github.com/storefront/storefront/checkout/server/owner"
	"github.com/storefront/storefront/checkout/usecase"
)

// The owner's names the sidecar's tests use, from package owner (issue 11
// moved them there; the tests read as before).
const (
	adminCookie      = owner.AdminCookie
	ownerCookie      = owner.OwnerCookie
	adminSessionIdle = owner.SessionIdle
	adminBy          = owner.By
)

// AlertsView is the alerts' JSON; a type of the tests' own, for their count.
type AlertsView owner.AlertsView

type (
	MailProblems  = owner.MailProblems
	PromiseAnswer = owner.PromiseAnswer
	Readiness     = usecase.Readiness
)

var (
	bodies    = owner.Bodies // an outbox message's text and HTML
	codesDone = owner.CodesDone
)
