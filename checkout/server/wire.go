package server

import "github.com/storefront/storefront/checkout/wire"

// The JSON bodies of the API live in checkout/wire, shared with the CLI;
// these names keep them callable here as before.
type (
	RefundRequest   = wire.RefundRequest
	WantLine        = wire.WantLine
	RefundView      = wire.RefundView
	AfterSaleView   = wire.AfterSaleView
	ReceivedRequest = wire.ReceivedRequest
	ReturnView      = wire.ReturnView
	WantLineView    = wire.WantLineView
	MailProblemView = wire.MailProblemView
	OrderView       = wire.OrderView
	CodeRequest     = wire.CodeRequest
	CodeView        = wire.CodeView
	CodeList        = wire.CodeList
	AdjustmentView  = wire.AdjustmentView
	CustomerView    = wire.CustomerView
	LineView        = wire.LineView
	VATView         = wire.VATView
	StepView        = wire.StepView
	EventView       = wire.EventView
	OrderList       = wire.OrderList
	PickLine        = wire.PickLine
	PickOrder       = wire.PickOrder
	PickList        = wire.PickList
	ReviewList      = wire.ReviewList
	MethodFigures   = wire.MethodFigures
	StatsAnswer     = wire.StatsAnswer
	InvoiceView     = wire.InvoiceView
	LabelResult     = wire.LabelResult
	StandingView    = wire.StandingView
	StandingList    = wire.StandingList
)
