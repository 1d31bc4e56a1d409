-- +goose Up
-- Reading a file checks whether a dossier in the reader's scope holds it,
-- starting from the file: the components' blob ids are indexed since
-- 00001, the results' signed PDFs from here (issue 16, item 8).
CREATE INDEX results_pdf_blob ON results (pdf_blob_id);

-- +goose Down
DROP INDEX results_pdf_blob;
