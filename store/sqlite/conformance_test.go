package sqlite

import (
	"testing"

	"motcua/store"
	"motcua/store/storetest"
)

// TestConformance runs the suite every store passes.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t) })
}
