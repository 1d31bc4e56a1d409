package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"motcua/dossier"
	"motcua/store"
)

// ArchiveResults makes or renews the archive copy (PAdES B-LTA) of issued
// results never archived or last archived more than every ago, up to
// limit of them, and reports how many it archived. A result that cannot be
// archived does not stop the others: the errors are returned together. The issued file stays
// what it was (its SHA-256 is the one the verification page shows); the
// archive copy is that file plus revocation data and document timestamps.
// It runs without a user: it is the operator's job (motcua archive).
func (s *Service) ArchiveResults(ctx context.Context, every time.Duration, limit int) (int, error) {
	ar := s.ports.Archiver
	if ar == nil {
		return 0, dossier.Errorf(dossier.EUNPROCESSABLE, "Chưa cấu hình ký số: không lưu trữ được kết quả")
	}
	now := s.now()
	items, err := s.db.ResultsToArchive(ctx, now.Add(-every), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		file, err := s.ReadBlob(ctx, it.BlobID)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", it.DossierCode, err))
			continue
		}
		archived, err := ar.ArchiveResult(ctx, file, now)
		if dossier.ErrorCode(err) == dossier.EUNPROCESSABLE {
			return n, err // not configured for archiving: the same for every result
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", it.DossierCode, err))
			continue
		}
		doc := newDoc(archived)
		err = s.db.InTx(ctx, now, func(tx *store.Tx) error {
			if _, err := storeDocument(tx, doc, 0); err != nil {
				return err
			}
			if err := tx.SetResultArchive(it.ResultID, doc.id); err != nil {
				return err
			}
			return tx.Audit("system", "archive-result", "dossier", it.DossierCode, `{"blob":"`+doc.id+`"}`)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", it.DossierCode, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// RunArchive archives due results (ArchiveResults, renewing copies older
// than every) at start and then each interval, in batches, until ctx ends.
// Errors are logged and retried at the next interval. Every instance may
// run it: a round runs on the one instance that takes the cluster-wide
// archive lock, the others skip it.
func (s *Service) RunArchive(ctx context.Context, interval, every time.Duration) {
	tick(ctx, interval, true, func() { s.archiveRound(ctx, every) })
}

// archiveRound archives every due result, in batches, when no other
// instance is doing it; it reports whether it ran.
func (s *Service) archiveRound(ctx context.Context, every time.Duration) bool {
	release, ok, err := s.db.TryLock(ctx, "archive")
	if err != nil || !ok {
		if err != nil && ctx.Err() == nil {
			s.log.Warn("archive", "err", err)
		}
		return false
	}
	defer release()
	for {
		n, err := s.ArchiveResults(ctx, every, 100)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("archive", "err", err)
			}
			break
		}
		if n > 0 {
			s.log.Info("archived results", "count", n)
		}
		if n < 100 {
			break
		}
	}
	return true
}
