package main

import (
	"time"

	"motcua/workflow"
)

// newDocuments returns the PDF renderer and signer, or nil when none is
// configured.
func newDocuments(dataDir string, now time.Time, isDemo bool) (workflow.Documents, error) {
	return nil, nil
}
