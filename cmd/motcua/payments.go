package main

import (
	"context"
	"fmt"
	"io"

	"motcua/workflow"
)

// cmdPayments runs "motcua payments reconcile": it asks the payment
// gateway (MOTCUA_PAYMENT_URL) about every online payment still pending
// --older-than (default a minute) after it was started, records those it says are paid (payment
// and e-receipt, as the callback would have), and closes the failed and
// the expired ones. serve does the same every MOTCUA_PAYMENT_RECONCILE_EVERY.
// Exit status 1 when the gateway could not be asked about some order.
func cmdPayments(ctx context.Context, args []string, c config, stdout io.Writer) error {
	fs, asJSON, err := c.reportFlags(args, "payments", "reconcile", "cách dùng: motcua payments reconcile [--older-than 1m] [--json]")
	if err != nil {
		return err
	}
	olderThan := fs.Duration("older-than", workflow.ReconcileAfter, "chỉ hỏi các giao dịch chờ tạo trước ít nhất chừng này")
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return err
	}
	if c.Payment.URL == "" {
		return usagef("chưa cấu hình MOTCUA_PAYMENT_URL (cổng thanh toán trực tuyến)")
	}
	db, svc, err := openService(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := workflow.NewFees(svc, nil, "").ReconcilePayments(ctx, *olderThan)
	if err != nil {
		return err
	}
	if err := printReport(stdout, *asJSON, false, rep, func() {
		fmt.Fprintf(stdout, "Đã đối soát %d giao dịch chờ: %d đã thanh toán, %d không thành công, %d hết hạn, %d còn chờ, %d lỗi.\n",
			rep.Checked, rep.Paid, rep.Failed, rep.Expired, rep.Pending, rep.Errors)
	}); err != nil {
		return err
	}
	if rep.Errors > 0 {
		return exitCode(1)
	}
	return nil
}
