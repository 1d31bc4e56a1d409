// Package pdf renders the print-ready PDF documents of the one-stop desk:
// the forms of Circular 01/2018/TT-VPCP and Circular 03/2025/TT-VPCP
// (receipt, guidance slip, refusal slip, apology slip, stop notice, control
// slip, dossier ledger) and the result document in the layout of
// Decree 30/2020/NĐ-CP.
//
// The package defines its own input structs; callers map domain types onto
// them. Every string is normalised to Unicode NFC before it is measured or
// drawn: the writer has no mark positioning, and decomposed (NFD)
// Vietnamese would print with misplaced tone marks. Times are printed in
// Asia/Ho_Chi_Minh. Output is deterministic: the same input gives the same
// bytes (the PDF creation date is taken from the input, never the clock).
//
// Text is set in Liberation Serif 2.x (metric-compatible with Times New
// Roman, SIL OFL 1.1, see fonts/OFL.txt), embedded in the binary. The PDF
// writer is our own (writer.go): a few drawing operators, Type 0 fonts with
// a fixed Vietnamese subset of each face built and compressed once per
// process (fonts.go, internal/ttf), and a classic cross-reference table
// that signers extend with incremental updates. It replaced gopdf, which
// rebuilt and recompressed the font subsets for every document (80 % of
// the time of a receipt).
//
// Entry points: NewRenderer, then Renderer.RenderReceipt (form 01),
// RenderGuidanceSlip (02), RenderRefusalSlip (03), RenderApologySlip (04),
// RenderStopNotice (05 of TT03/2025), RenderControlSlip (05/06),
// RenderLedger (06/07) and RenderResult; WriteLedgerXLSX exports the ledger;
// SealPNG and SignaturePNG draw demo appearance images for the signer.
package pdf
