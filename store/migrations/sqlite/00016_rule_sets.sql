-- +goose Up
-- Rule sets by effective date (issue 15 item 9; regulation.md Part B §0).
-- A dossier keeps the rule set in force when it was received (dossiers.
-- rule_set; '' for dossiers recorded before, filled in from the schedule
-- at the next start, see workflow.EnsureAggregates). Which set is in force
-- from which day is the province's data, kept by its admins: the rows
-- below are defaults, not confirmed (confirmed = FALSE) until an admin
-- checks them against the province's own texts.
CREATE TABLE rule_set_schedule (
    effective_from TEXT PRIMARY KEY,
    rule_set       TEXT NOT NULL,
    basis          TEXT NOT NULL DEFAULT '',
    confirmed      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by     TEXT NOT NULL DEFAULT '',
    updated_at     BIGINT NOT NULL DEFAULT 0
);
INSERT INTO rule_set_schedule (effective_from, rule_set, basis) VALUES
    ('2018-06-21', 'ND61/2018', 'NĐ 61/2018/NĐ-CP có hiệu lực từ 21/6/2018; biểu mẫu TT 01/2018/TT-VPCP (mặc định)'),
    ('2025-07-01', 'ND118/2025+TT01/2018', 'NĐ 118/2025/NĐ-CP có hiệu lực từ 01/7/2025 (regulation.md Phần B §0, nguồn thứ cấp); biểu mẫu TT 01/2018 đến khi áp dụng TT 03/2025 (mặc định)'),
    ('2025-10-30', 'ND118/2025', 'Ngày áp dụng biểu mẫu TT 03/2025/TT-VPCP (ký 15/9/2025) giả định 45 ngày sau ngày ký, như phiên bản trước; tỉnh cần xác nhận');

ALTER TABLE dossiers ADD COLUMN rule_set TEXT NOT NULL DEFAULT '';
-- The date lateness is measured against (original appointment + working
-- time waiting for the applicant; regulation.md §4.5): filled in for
-- existing dossiers at the next start (workflow.EnsureAggregates).
ALTER TABLE dossiers ADD COLUMN measure_due_at BIGINT;
-- A supplement requested during appraisal later than the rule set allows
-- after receipt (NĐ 61/2018 Điều 19.4), until now only a history note.
ALTER TABLE dossiers ADD COLUMN late_supplement BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE dossiers SET late_supplement = TRUE WHERE id IN (SELECT dossier_id FROM dossier_history
    WHERE action = 'request-supplement' AND note LIKE '%[Yêu cầu bổ sung quá %');
-- For a returned "5 tại chỗ" dossier: every step at the center (QĐ 299
-- phần III) and returned the working day it was received; NULL otherwise.
ALTER TABLE dossiers ADD COLUMN five_on_spot_achieved BOOLEAN;
ALTER TABLE dossiers ADD COLUMN returned_same_day BOOLEAN;

-- The supervision report counts them per agency and center.
ALTER TABLE report_facts ADD COLUMN fos BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE report_facts ADD COLUMN fos_achieved BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE report_facts ADD COLUMN fos_same_day BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE report_daily ADD COLUMN fos_returned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN fos_achieved BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_daily ADD COLUMN fos_same_day BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_monthly ADD COLUMN fos_returned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_monthly ADD COLUMN fos_achieved BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_monthly ADD COLUMN fos_same_day BIGINT NOT NULL DEFAULT 0;
-- Lateness of open dossiers is now measured against the measure date: the
-- aggregates are recounted at the next start (they are derived data).
DELETE FROM report_facts;
DELETE FROM report_daily;
DELETE FROM report_monthly;

-- +goose Down
ALTER TABLE report_monthly DROP COLUMN fos_same_day;
ALTER TABLE report_monthly DROP COLUMN fos_achieved;
ALTER TABLE report_monthly DROP COLUMN fos_returned;
ALTER TABLE report_daily DROP COLUMN fos_same_day;
ALTER TABLE report_daily DROP COLUMN fos_achieved;
ALTER TABLE report_daily DROP COLUMN fos_returned;
ALTER TABLE report_facts DROP COLUMN fos_same_day;
ALTER TABLE report_facts DROP COLUMN fos_achieved;
ALTER TABLE report_facts DROP COLUMN fos;
ALTER TABLE dossiers DROP COLUMN returned_same_day;
ALTER TABLE dossiers DROP COLUMN five_on_spot_achieved;
ALTER TABLE dossiers DROP COLUMN late_supplement;
ALTER TABLE dossiers DROP COLUMN measure_due_at;
ALTER TABLE dossiers DROP COLUMN rule_set;
DROP TABLE rule_set_schedule;
-- The aggregates are recounted at the next start.
DELETE FROM report_facts;
DELETE FROM report_daily;
DELETE FROM report_monthly;
