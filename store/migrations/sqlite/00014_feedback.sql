-- +goose Up
-- A rating "chưa hài lòng" with its comment is a feedback (phản ánh, kiến
-- nghị) the center answers (issue 15 item 8: QĐ 766 indicators 5.1, 5.2;
-- Circular 01/2018 index 8): the answer, who gave it and when, and the
-- category the answerer gives it (regulation, behaviour, other).
ALTER TABLE ratings ADD COLUMN answer TEXT NOT NULL DEFAULT '';
ALTER TABLE ratings ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE ratings ADD COLUMN answered_at BIGINT;
ALTER TABLE ratings ADD COLUMN answered_by BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE ratings DROP COLUMN answered_by;
ALTER TABLE ratings DROP COLUMN answered_at;
ALTER TABLE ratings DROP COLUMN category;
ALTER TABLE ratings DROP COLUMN answer;
