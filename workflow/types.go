package workflow

import "motcua/store"

// The read models and filters the use cases take and return are declared
// next to their SQL in package store. These aliases let the callers of the
// use cases (package web) name them without importing store: web talks to
// workflow only, and workflow decides what each caller may read.
type (
	// AgencyFilter selects agencies of the catalog.
	AgencyFilter = store.AgencyFilter
	// ProcedureFilter selects procedures of the catalog.
	ProcedureFilter = store.ProcedureFilter
	// DossierFilter selects a work list; Scope and Now are set by the use case.
	DossierFilter = store.DossierFilter
	// DossierRow is one line of a work list.
	DossierRow = store.DossierRow
	// Override is a day the calendar treats differently (holiday, swap…).
	Override = store.Override
	// Payment is a fee collected, with its e-receipt.
	Payment = store.Payment
	// PaymentOrder is an online payment through the gateway (payment.go).
	PaymentOrder = store.PaymentOrder
	// QueueService is a service a center's kiosk issues tickets for.
	QueueService = store.QueueService
	// QueueTicket is a queue number.
	QueueTicket = store.QueueTicket
	// QueueStat is one line of the queue statistics.
	QueueStat = store.QueueStat
	// Rating is one satisfaction rating.
	Rating = store.Rating
	// RatingFilter selects ratings.
	RatingFilter = store.RatingFilter
	// RatingTotals counts the ratings of a period.
	RatingTotals = store.RatingTotals
	// LedgerRow is one dossier of the ledger (sổ theo dõi).
	LedgerRow = store.LedgerRow
	// OverdueRow is one overdue dossier of the reports.
	OverdueRow = store.OverdueRow
	// WarehouseItem is a result an applicant already holds.
	WarehouseItem = store.WarehouseItem
	// BlobMeta describes a stored file.
	BlobMeta = store.BlobMeta
	// StoredResponse is the response kept for an Idempotency-Key.
	StoredResponse = store.IdempotentResponse
	// OutboxEvent is one message of the outbox.
	OutboxEvent = store.OutboxEvent
)

// Queue ticket statuses.
const (
	TicketWaiting = store.TicketWaiting
	TicketCalled  = store.TicketCalled
)
