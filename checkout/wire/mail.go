package wire

import (
	"time"
)

// MailProblemView is a failed e-mail as the owner sees it. The error text
// holds neither the customer's name nor their address (mail.SMTP scrubs it).
type MailProblemView struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	OrderID   string    `json:"order_id,omitempty"`
	To        string    `json:"to"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	Dead      bool      `json:"given_up"` // no more automatic attempts
	NextAt    time.Time `json:"next_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
}
