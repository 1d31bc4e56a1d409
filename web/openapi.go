package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// The published description of the JSON API (contract §9, issue 18 item
// 7): OpenAPI 3.1 at GET /api/v1/openapi.json. It is written here by hand,
// one line per route (apiOps); TestOpenAPICoversEveryRoute fails when a
// route under /api/ is registered without its line, or a line describes a
// route that does not exist, and TestOpenAPIValidatesResponses checks real
// answers against the schemas.

// apiOp describes one operation.
type apiOp struct {
	route   string // "METHOD /path", as registered
	tag     string
	summary string
	auth    bool   // needs a signed-in user (bearer token or session)
	body    string // request body: a schema name, "multipart", "binary" or ""
	resp    string // 2xx response: a schema name, "list:Name", "pdf", "xlsx", "sse", "binary", "p7s" or ""
	status  int    // 2xx status; 200 when 0
	query   []string
	extra   []int // further problem statuses
}

// apiOps lists every JSON route. Keep it next to routes.go's order.
var apiOps = []apiOp{
	{route: "GET /api/v1/openapi.json", tag: "Meta", summary: "Tài liệu OpenAPI 3.1 của API này", resp: "Object"},
	{route: "POST /api/v1/session", tag: "Session", summary: "Đăng nhập (tên đăng nhập, mật khẩu) → token", body: "LoginRequest", resp: "Session", extra: []int{401}},
	{route: "DELETE /api/v1/session", tag: "Session", summary: "Đăng xuất", status: 204},
	{route: "GET /api/v1/me", tag: "Session", summary: "Người dùng đang đăng nhập", auth: true, resp: "User"},

	{route: "GET /api/v1/agencies", tag: "Catalog", summary: "Danh sách cơ quan", resp: "list:Agency", query: []string{"q", "limit", "cursor"}},
	{route: "GET /api/v1/centers", tag: "Catalog", summary: "Trung tâm phục vụ hành chính công", resp: "list:Object"},
	{route: "POST /api/v1/centers", tag: "Catalog", summary: "Tạo hoặc sửa trung tâm (quản trị)", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/procedures", tag: "Catalog", summary: "Danh mục thủ tục hành chính", resp: "list:Procedure", query: []string{"agency", "five_on_spot", "q", "limit", "cursor"}},
	{route: "GET /api/v1/procedures/{code}", tag: "Catalog", summary: "Một thủ tục hành chính", resp: "Procedure"},
	{route: "POST /api/v1/imports/{kind}", tag: "Catalog", summary: "Nhập danh mục hoặc hồ sơ cũ (CSV/XLSX, tất cả hoặc không)", auth: true, body: "multipart", resp: "Object"},

	{route: "POST /api/v1/blobs", tag: "Files", summary: "Tải lên một tệp (PDF, JPEG, PNG)", auth: true, body: "multipart", resp: "Blob", status: 201},
	{route: "GET /api/v1/blobs/{id}", tag: "Files", summary: "Tải về một tệp", auth: true, resp: "binary"},

	{route: "POST /api/v1/guidance-slips", tag: "Dossiers", summary: "Lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", auth: true, body: "Object", resp: "Object", status: 201},
	{route: "GET /api/v1/guidance-slips/{id}", tag: "Dossiers", summary: "Một phiếu hướng dẫn", auth: true, resp: "Object"},
	{route: "GET /api/v1/guidance-slips/{id}/pdf", tag: "Dossiers", summary: "Phiếu hướng dẫn (PDF)", auth: true, resp: "pdf"},
	{route: "POST /api/v1/dossiers", tag: "Dossiers", summary: "Tiếp nhận hồ sơ đầy đủ", auth: true, body: "ReceiveRequest", resp: "Dossier", status: 201},
	{route: "GET /api/v1/dossiers", tag: "Dossiers", summary: "Danh sách hồ sơ theo phạm vi của người gọi", auth: true, resp: "list:Object", query: []string{"status", "agency", "procedure", "due_before", "limit", "cursor"}},
	{route: "GET /api/v1/dossiers/{code}", tag: "Dossiers", summary: "Một hồ sơ với lịch sử, văn bản và tiến trình xử lý (thời hạn, thời điểm thực tế từng bước)", auth: true, resp: "DossierRead"},
	{route: "POST /api/v1/dossiers/{code}/actions/{action}", tag: "Dossiers", summary: "Chuyển bước xử lý (kèm version)", auth: true, body: "ActionRequest", resp: "Dossier"},
	{route: "GET /api/v1/dossiers/{code}/receipt.pdf", tag: "Dossiers", summary: "Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)", auth: true, resp: "pdf"},
	{route: "GET /api/v1/dossiers/{code}/control-slip.pdf", tag: "Dossiers", summary: "Phiếu kiểm soát quá trình giải quyết", auth: true, resp: "pdf"},
	{route: "GET /api/v1/dossiers/{code}/apology.pdf", tag: "Dossiers", summary: "Phiếu xin lỗi và hẹn lại ngày trả", auth: true, resp: "pdf"},
	{route: "GET /api/v1/dossiers/{code}/result.pdf", tag: "Dossiers", summary: "Kết quả đã ký số", auth: true, resp: "pdf"},
	{route: "GET /api/v1/dossiers/{code}/documents/{file}", tag: "Dossiers", summary: "Một văn bản của hồ sơ (PDF)", auth: true, resp: "pdf"},
	{route: "POST /api/v1/dossiers/{code}/documents/{id}/sign", tag: "Signing", summary: "Ký một văn bản của hồ sơ", auth: true, body: "Object", resp: "Object"},
	{route: "POST /api/v1/dossiers/{code}/documents/{id}/signing", tag: "Signing", summary: "Bắt đầu ký một văn bản (xem trước)", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/dossiers/{code}/components/{component}/signature.p7s", tag: "Dossiers", summary: "Chữ ký số của một thành phần hồ sơ", auth: true, resp: "p7s"},
	{route: "GET /api/v1/warehouse/{id_number}", tag: "Dossiers", summary: "Kho kết quả của một người nộp", auth: true, resp: "list:Object"},
	{route: "GET /api/v1/dossiers/{code}/warehouse", tag: "Dossiers", summary: "Kho kết quả của người nộp hồ sơ này", auth: true, resp: "list:Object"},
	{route: "GET /api/v1/access-log", tag: "Dossiers", summary: "Nhật ký truy cập dữ liệu cá nhân", auth: true, resp: "list:Object"},

	{route: "POST /api/v1/dossiers/{code}/signing", tag: "Signing", summary: "Bắt đầu ký phê duyệt hoặc đóng dấu (xem trước, đồng ý)", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/signing/{id}/preview.pdf", tag: "Signing", summary: "Bản xem trước văn bản sẽ ký", auth: true, resp: "pdf"},
	{route: "POST /api/v1/signing/{id}", tag: "Signing", summary: "Hoàn tất phiên ký", auth: true, body: "Object", resp: "Object"},

	{route: "GET /api/v1/dossiers/{code}/exchange", tag: "Exchange", summary: "Liên thông: các cơ quan phối hợp, thời hạn từng bước, gói đã gửi và trả lời", auth: true, resp: "ExchangeView"},
	{route: "POST /api/v1/dossiers/{code}/exchange", tag: "Exchange", summary: "Gửi gói liên thông (một bước, hoặc đăng ký kết quả vào QLVB) qua LGSP", auth: true, body: "ExchangeSendRequest", resp: "ExchangePackage", status: 201, extra: []int{409, 422}},
	{route: "POST /api/v1/exchange/answers", tag: "Exchange", summary: "Trả lời của cơ quan liên thông (ký HMAC: X-Exchange-Peer, X-Exchange-Timestamp, X-Exchange-Signature)", body: "ExchangeAnswer", resp: "Object", extra: []int{401, 404, 409, 413}},
	{route: "POST /api/v1/dossiers/{code}/payments", tag: "Fees", summary: "Thu phí, lệ phí", auth: true, body: "Object", resp: "Object", status: 201},
	{route: "GET /api/v1/dossiers/{code}/payments", tag: "Fees", summary: "Các khoản đã thu của hồ sơ", auth: true, resp: "list:Object"},
	{route: "GET /api/v1/payments/{id}/receipt.pdf", tag: "Fees", summary: "Biên lai điện tử", auth: true, resp: "pdf"},
	{route: "POST /api/v1/dossiers/{code}/payment-orders", tag: "Fees", summary: "Nộp phí trực tuyến: tạo giao dịch, pay_url là địa chỉ cổng thanh toán (docs/payment.md)", auth: true, resp: "Object", status: 201, extra: []int{503}},
	{route: "GET /api/v1/dossiers/{code}/payment-orders", tag: "Fees", summary: "Các giao dịch thanh toán trực tuyến của hồ sơ", auth: true, resp: "list:Object"},
	{route: "POST /api/v1/public/payments/callback", tag: "Fees", summary: "Thông báo của cổng thanh toán (server tới server), ký HMAC-SHA256 (docs/payment.md)", body: "form", resp: "Object", extra: []int{403, 413}},

	{route: "GET /api/v1/users", tag: "Administration", summary: "Tài khoản", auth: true, resp: "list:User"},
	{route: "POST /api/v1/users", tag: "Administration", summary: "Tạo tài khoản", auth: true, body: "Object", resp: "User", status: 201},
	{route: "POST /api/v1/users/{id}/disable", tag: "Administration", summary: "Khóa tài khoản", auth: true, resp: "Object"},
	{route: "GET /api/v1/delegations", tag: "Administration", summary: "Ủy quyền phê duyệt", auth: true, resp: "list:Object"},
	{route: "POST /api/v1/delegations", tag: "Administration", summary: "Tạo ủy quyền", auth: true, body: "Object", resp: "Object", status: 201},
	{route: "POST /api/v1/delegations/{id}/revoke", tag: "Administration", summary: "Thu hồi ủy quyền", auth: true, resp: "Object"},
	{route: "GET /api/v1/leader-schedule", tag: "Administration", summary: "Lịch trực của lãnh đạo", auth: true, resp: "list:Object"},
	{route: "POST /api/v1/leader-schedule", tag: "Administration", summary: "Thêm ca trực", auth: true, body: "Object", resp: "Object", status: 201},
	{route: "GET /api/v1/registers", tag: "Administration", summary: "Sổ đăng ký văn bản", auth: true, resp: "list:Object"},
	{route: "GET /api/v1/seals", tag: "Administration", summary: "Con dấu", auth: true, resp: "list:Object"},
	{route: "POST /api/v1/seals", tag: "Administration", summary: "Đăng ký con dấu", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/calendar/overrides", tag: "Calendar", summary: "Ngày nghỉ, làm bù đã điều chỉnh", resp: "list:Object"},
	{route: "POST /api/v1/calendar/overrides", tag: "Calendar", summary: "Điều chỉnh một ngày", auth: true, body: "Object", resp: "Object"},
	{route: "DELETE /api/v1/calendar/overrides/{date}", tag: "Calendar", summary: "Bỏ điều chỉnh một ngày", auth: true, status: 204},
	{route: "GET /api/v1/calendar/holidays/{year}", tag: "Calendar", summary: "Ngày lễ, Tết của một năm", resp: "list:Object"},
	{route: "GET /api/v1/audit", tag: "Administration", summary: "Nhật ký kiểm toán", auth: true, resp: "list:Object"},
	{route: "GET /api/v1/rule-sets", tag: "Administration", summary: "Bộ quy định áp dụng theo ngày hiệu lực", auth: true, resp: "Object"},
	{route: "PUT /api/v1/rule-sets/schedule", tag: "Administration", summary: "Thay lịch áp dụng bộ quy định", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/outbox", tag: "Administration", summary: "Hộp thư đi: tin nhắn đang chờ, đang thử lại, đã dừng", auth: true, resp: "Outbox", query: []string{"status", "destination", "limit"}},
	{route: "POST /api/v1/outbox/{id}/retry", tag: "Administration", summary: "Gửi lại một tin nhắn ngay", auth: true, resp: "Object"},

	{route: "GET /api/v1/public/lookup", tag: "Public", summary: "Tra cứu tình trạng hồ sơ bằng mã tra cứu", resp: "Object", query: []string{"token"}},
	{route: "GET /api/v1/public/verify/{token}", tag: "Public", summary: "Xác minh kết quả đã cấp", resp: "Object"},
	{route: "GET /api/v1/public/verify-receipt/{token}", tag: "Public", summary: "Xác minh biên lai", resp: "Object"},
	{route: "GET /api/v1/public/statistics", tag: "Public", summary: "Thống kê công khai theo cơ quan và tháng", resp: "Object", query: []string{"agency", "from", "to"}},
	{route: "GET /api/v1/public/leader-schedule", tag: "Public", summary: "Lịch trực của lãnh đạo (công khai)", resp: "list:Object"},
	{route: "POST /api/v1/public/register", tag: "Public", summary: "Đăng ký tài khoản công dân", body: "Object", resp: "Object", status: 201},
	{route: "POST /api/v1/public/ratings", tag: "Public", summary: "Đánh giá mức độ hài lòng", body: "Object", resp: "Object", status: 201},
	{route: "GET /api/v1/ratings/summary", tag: "Ratings", summary: "Tổng hợp đánh giá", auth: true, resp: "Object"},
	{route: "POST /api/v1/ratings/{id}/answer", tag: "Ratings", summary: "Trả lời phản ánh", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/reports/feedback", tag: "Ratings", summary: "Phản ánh, kiến nghị", auth: true, resp: "Object"},

	{route: "GET /api/v1/queue/services", tag: "Queue", summary: "Dịch vụ cấp số của trung tâm", resp: "list:Object", query: []string{"center"}},
	{route: "PUT /api/v1/queue/services", tag: "Queue", summary: "Thay dịch vụ cấp số", auth: true, body: "Object", resp: "Object"},
	{route: "POST /api/v1/queue/tickets", tag: "Queue", summary: "Lấy số thứ tự", body: "Object", resp: "Object", status: 201},
	{route: "POST /api/v1/queue/call-next", tag: "Queue", summary: "Gọi số tiếp theo", auth: true, body: "Object", resp: "Object"},
	{route: "POST /api/v1/queue/recall", tag: "Queue", summary: "Gọi lại", auth: true, body: "Object", resp: "Object"},
	{route: "POST /api/v1/queue/skip", tag: "Queue", summary: "Bỏ qua số đang gọi", auth: true, body: "Object", resp: "Object"},
	{route: "POST /api/v1/queue/finish", tag: "Queue", summary: "Kết thúc phục vụ", auth: true, body: "Object", resp: "Object"},
	{route: "GET /api/v1/queue/events", tag: "Queue", summary: "Luồng sự kiện gọi số (Server-Sent Events)", resp: "sse", query: []string{"center"}},
	{route: "GET /api/v1/queue/board", tag: "Queue", summary: "Bảng gọi số", resp: "Object", query: []string{"center"}},
	{route: "GET /api/v1/queue/stats", tag: "Queue", summary: "Thống kê cấp số", auth: true, resp: "Object"},

	{route: "GET /api/v1/reports/overdue", tag: "Reports", summary: "Hồ sơ quá hạn", auth: true, resp: "Object"},
	{route: "GET /api/v1/reports/overdue.xlsx", tag: "Reports", summary: "Hồ sơ quá hạn (Excel)", auth: true, resp: "xlsx"},
	{route: "GET /api/v1/reports/ledger.xlsx", tag: "Reports", summary: "Sổ theo dõi hồ sơ (Excel)", auth: true, resp: "xlsx"},
	{route: "GET /api/v1/reports/ledger.pdf", tag: "Reports", summary: "Sổ theo dõi hồ sơ (PDF)", auth: true, resp: "pdf"},
	{route: "POST /api/v1/reports/recount", tag: "Reports", summary: "Tính lại số liệu báo cáo", auth: true, resp: "Object"},
}

// reportNames are the reports served as NAME, NAME.json and NAME.xlsx.
var reportNames = []string{"summary", "by-agency", "by-procedure", "by-center", "by-level", "by-month", "by-officer", "indicators", "evaluation"}

func init() {
	for _, n := range reportNames {
		q := []string{"from", "to", "agency", "center"}
		apiOps = append(apiOps,
			apiOp{route: "GET /api/v1/reports/" + n, tag: "Reports", summary: "Báo cáo " + n, auth: true, resp: "Object", query: q},
			apiOp{route: "GET /api/v1/reports/" + n + ".json", tag: "Reports", summary: "Báo cáo " + n + " (JSON)", auth: true, resp: "Object", query: q},
			apiOp{route: "GET /api/v1/reports/" + n + ".xlsx", tag: "Reports", summary: "Báo cáo " + n + " (Excel)", auth: true, resp: "xlsx", query: q})
	}
}

// OpenAPIRoutes returns the routes the document describes ("METHOD /path").
func OpenAPIRoutes() []string {
	out := make([]string, len(apiOps))
	for i, op := range apiOps {
		out[i] = op.route
	}
	return out
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// openAPISchemas are the schemas the operations name. They list what a
// client relies on; objects accept more properties than listed.
func openAPISchemas() map[string]any {
	str := map[string]any{"type": "string"}
	strs := map[string]any{"type": "array", "items": str}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	dt := map[string]any{"type": "string", "format": "date-time"}
	obj := func(required []string, props map[string]any) map[string]any {
		o := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			o["required"] = required
		}
		return o
	}
	dossierRequired := []string{"code", "procedure_code", "status", "version", "applicant", "history"}
	dossierProps := map[string]any{
		"code": str, "procedure_code": str, "procedure_name": str, "agency_code": str, "channel": str, "status": str,
		"version": integer, "applicant": ref("Applicant"), "received_at": dt, "due_at": dt, "step_due_at": dt, "finished_at": dt,
		"lookup_token": str, "history": map[string]any{"type": "array", "items": ref("HistoryEntry")},
		"documents": map[string]any{"type": "array", "items": obj([]string{"kind"}, map[string]any{"kind": str, "number": str, "url": str, "verify_url": str})},
		"result":    map[string]any{"type": []string{"object", "null"}}}
	return map[string]any{
		"Object": map[string]any{"type": "object"},
		"Problem": obj([]string{"title", "status"}, map[string]any{
			"type": str, "title": str, "status": integer, "detail": str,
			"errors": map[string]any{"type": "array", "items": obj([]string{"field", "message"}, map[string]any{"field": str, "message": str, "line": integer})},
		}),
		"LoginRequest": obj([]string{"username", "password"}, map[string]any{"username": str, "password": str}),
		"User": obj([]string{"id", "username", "name", "roles"}, map[string]any{
			"id": integer, "username": str, "name": str, "agency_code": str, "roles": strs, "centers": strs, "disabled": boolean}),
		"Session": obj([]string{"token", "user"}, map[string]any{"token": str, "user": ref("User")}),
		"Agency": obj([]string{"code", "name", "level", "parent_code"}, map[string]any{
			"code": str, "name": str, "parent_code": str,
			"level": map[string]any{"type": "string", "enum": []string{"province", "district", "commune"}}}),
		"Component": obj([]string{"code", "name", "required"}, map[string]any{"code": str, "name": str, "required": boolean}),
		"Procedure": obj([]string{"code", "name", "agency_code", "level", "five_on_spot", "fee", "components"}, map[string]any{
			"code": str, "name": str, "agency_code": str, "field": str, "level": str,
			"processing_days": integer, "processing_hours": integer, "five_on_spot": boolean, "online_level": map[string]any{"type": []string{"string", "integer"}},
			"fee": integer, "result_type_code": str, "components": map[string]any{"type": "array", "items": ref("Component")},
			"exchange":    obj(nil, map[string]any{"register_result": boolean, "steps": map[string]any{"type": "array", "items": ref("ExchangeStep")}}),
			"legal_basis": map[string]any{"type": "array", "items": str, "description": "Căn cứ pháp lý: một văn bản mỗi mục"},
			"forms": map[string]any{"type": "array", "description": "Mẫu đơn, tờ khai để tải về (url tuyệt đối hoặc đường dẫn trên trang)",
				"items": obj([]string{"name", "url"}, map[string]any{"name": str, "url": str})}}),
		"ExchangeStep": obj([]string{"agency", "kind", "days"}, map[string]any{"agency": str, "name": str, "task": str, "days": integer,
			"kind": map[string]any{"type": "string", "enum": []string{"consult", "chain"}}}),
		"ExchangePackage": obj([]string{"id", "dossier_code", "step", "kind", "agency", "status", "sent_at"}, map[string]any{
			"id": str, "dossier_code": str, "step": integer, "kind": map[string]any{"type": "string", "enum": []string{"consult", "chain", "register"}},
			"agency": str, "agency_name": str, "task": str, "document_kind": str, "document_sha256": str, "sent_by": str, "sent_at": dt, "due_at": dt,
			"status":      map[string]any{"type": "string", "enum": []string{"queued", "sent", "accepted", "returned", "done"}},
			"answered_at": dt, "answer_peer": str, "answer_note": str, "answer_reference": str, "answer_document_sha256": str}),
		"ExchangeView": obj([]string{"enabled", "register_result", "steps", "packages"}, map[string]any{
			"enabled": boolean, "register_result": boolean,
			"steps": map[string]any{"type": "array", "items": obj([]string{"step", "agency", "kind", "days", "due", "planned"}, map[string]any{
				"step": integer, "agency": str, "name": str, "kind": str, "kind_label": str, "task": str, "days": integer, "start": dt, "due": dt,
				"planned": boolean, "beyond_dossier_due": boolean, "late": boolean, "package": ref("ExchangePackage")})},
			"packages": map[string]any{"type": "array", "items": ref("ExchangePackage")}}),
		"ExchangeSendRequest": obj(nil, map[string]any{"step": integer, "kind": map[string]any{"type": "string", "enum": []string{"register"}}}),
		"ExchangeAnswer": obj([]string{"package_id", "status"}, map[string]any{"package_id": str, "note": str, "reference": str,
			"status":   map[string]any{"type": "string", "enum": []string{"accepted", "returned", "done"}},
			"document": obj([]string{"name", "sha256", "content"}, map[string]any{"name": str, "sha256": str, "content": map[string]any{"type": "string", "contentEncoding": "base64"}})}),
		"Blob": obj([]string{"id", "sha256", "size", "content_type"}, map[string]any{"id": str, "sha256": str, "size": integer, "content_type": str}),
		"Applicant": obj([]string{"kind", "name"}, map[string]any{
			"kind": map[string]any{"type": "string", "enum": []string{"citizen", "organization"}},
			"name": str, "id_number": str, "phone": str, "email": str, "address": str}),
		"ReceiveRequest": obj([]string{"procedure_code", "applicant", "components"}, map[string]any{
			"procedure_code": str, "channel": map[string]any{"type": "string", "enum": []string{"counter", "online", "postal"}},
			"applicant":  ref("Applicant"),
			"components": map[string]any{"type": "array", "items": obj([]string{"code", "blob_id"}, map[string]any{"code": str, "blob_id": str})}}),
		"ActionRequest": obj([]string{"version"}, map[string]any{"version": integer, "note": str}),
		"HistoryEntry":  obj([]string{"action", "at"}, map[string]any{"action": str, "from": str, "to": str, "actor": str, "on_behalf_of": str, "at": dt, "note": str}),
		"Dossier":       obj(dossierRequired, dossierProps),
		"DossierRead": obj(append(slices.Clone(dossierRequired), "timeline"), withProps(dossierProps, map[string]any{
			"timeline": map[string]any{"type": "array", "items": ref("TimelineStep"),
				"description": "Các bước xử lý với thời hạn và thời điểm hoàn thành thực tế; các bước chưa đến theo quy trình của thủ tục"}})),
		"TimelineStep": obj([]string{"step", "status", "state", "late"}, map[string]any{
			"step": str, "status": str, "role": str, "state": map[string]any{"type": "string", "enum": []string{"done", "current", "planned"}},
			"started_at": dt, "due_at": dt, "done_at": dt, "actor": str, "action": str, "late": boolean,
			"budget_hours": map[string]any{"type": "number", "description": "Thời gian tối đa theo quy trình (giờ làm việc) của một bước chưa đến"}}),
		"Delivery": obj([]string{"id", "destination", "idempotency_key", "topic", "status", "attempts"}, map[string]any{
			"id": integer, "event_id": integer, "destination": str, "order_key": str, "idempotency_key": str, "topic": str,
			"status":   map[string]any{"type": "string", "enum": []string{"pending", "sent", "dead"}},
			"attempts": integer, "next_attempt_at": dt, "last_error": str, "created_at": dt, "sent_at": dt}),
		"Outbox": obj([]string{"counts", "items", "destinations"}, map[string]any{
			"counts": map[string]any{"type": "array", "items": obj([]string{"destination", "pending", "failing", "dead", "sent"}, map[string]any{
				"destination": str, "pending": integer, "failing": integer, "dead": integer, "sent": integer})},
			"items":        map[string]any{"type": "array", "items": ref("Delivery")},
			"destinations": strs}),
	}
}

// withProps returns a copy of props with more added.
func withProps(props, more map[string]any) map[string]any {
	out := maps.Clone(props)
	maps.Copy(out, more)
	return out
}

// listOf is the schema of a list answer (contract §2).
func listOf(item string) map[string]any {
	return map[string]any{"type": "object", "required": []string{"items"}, "properties": map[string]any{
		"items": map[string]any{"type": "array", "items": ref(item)}, "next_cursor": map[string]any{"type": "string"}}}
}

// OpenAPIDocument builds the document.
func OpenAPIDocument() map[string]any {
	problem := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	}
	paths := map[string]any{}
	for _, op := range apiOps {
		method, path, _ := strings.Cut(op.route, " ")
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range op.query {
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": map[string]any{"type": "string"}})
		}
		status := op.status
		if status == 0 {
			status = 200
		}
		ok := map[string]any{"description": "Thành công"}
		switch {
		case op.resp == "":
		case op.resp == "pdf":
			ok["content"] = map[string]any{"application/pdf": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/pdf"}}}
		case op.resp == "xlsx":
			ok["content"] = map[string]any{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": map[string]any{}}
		case op.resp == "sse":
			ok["content"] = map[string]any{"text/event-stream": map[string]any{}}
		case op.resp == "p7s":
			ok["content"] = map[string]any{"application/pkcs7-signature": map[string]any{}}
		case op.resp == "binary":
			ok["content"] = map[string]any{"application/octet-stream": map[string]any{}}
		case strings.HasPrefix(op.resp, "list:"):
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": listOf(strings.TrimPrefix(op.resp, "list:"))}}
		default:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.resp)}}
		}
		responses := map[string]any{itoa(status): ok, "400": problem("Yêu cầu sai định dạng"), "404": problem("Không tìm thấy"),
			"429": problem("Quá nhiều yêu cầu")}
		if op.auth {
			responses["401"] = problem("Chưa đăng nhập")
			responses["403"] = problem("Không có quyền")
		}
		for _, st := range op.extra {
			responses[itoa(st)] = problem(http.StatusText(st))
		}
		o := map[string]any{"summary": op.summary, "tags": []string{op.tag}, "operationId": operationID(op.route), "responses": responses}
		if method != "GET" && method != "DELETE" {
			responses["409"] = problem("Xung đột phiên bản hoặc không chuyển được từ trạng thái hiện tại")
			responses["422"] = problem("Vi phạm quy tắc nghiệp vụ")
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false, "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			o["parameters"] = params
		}
		switch op.body {
		case "":
		case "form":
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/x-www-form-urlencoded": map[string]any{
				"schema": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}}}
		case "multipart":
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
				"schema": map[string]any{"type": "object", "properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}}}
			responses["413"] = problem("Tệp quá lớn")
			responses["415"] = problem("Loại tệp không được nhận")
		default:
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.body)}}}
		}
		if op.auth {
			o["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
		}
		item[strings.ToLower(method)] = o
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "motcua — API một cửa điện tử", "version": "1.1",
			"description": "API JSON của hệ thống một cửa điện tử (contract.md). Lỗi theo RFC 9457 (application/problem+json); thời gian RFC 3339 kèm múi giờ."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": openAPISchemas(),
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
		},
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// operationID turns "POST /api/v1/dossiers/{code}/actions/{action}" into
// "postDossiersByCodeActionsByAction".
func operationID(route string) string {
	method, path, _ := strings.Cut(route, " ")
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/") {
		if m := pathParam.FindStringSubmatch(seg); m != nil {
			seg = "by-" + m[1]
		}
		for _, w := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

var openAPIJSON = sync.OnceValue(func() []byte {
	b, err := json.MarshalIndent(OpenAPIDocument(), "", " ")
	if err != nil {
		panic(err)
	}
	return b
})

// apiOpenAPI serves the document.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPIJSON())
}
