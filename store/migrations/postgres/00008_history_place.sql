-- +goose Up
-- Where each step of a dossier was done (QĐ 299/QĐ-UBND phần III: a
-- "5 tại chỗ" dossier stays at the center): center, on_site_leader,
-- electronic, department, online; '' for steps recorded before.
ALTER TABLE dossier_history ADD COLUMN place TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE dossier_history DROP COLUMN place;
