package source

import (
	"encoding/json"
	"os"
	"testing"
)

// validJSON is the catalog package's valid test catalog.
func validJSON(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mutate decodes the valid catalog into plain maps, lets fn change it and
// encodes it again.
func mutate(t *testing.T, fn func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(validJSON(t), &m); err != nil {
		t.Fatal(err)
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func item(m map[string]any, i int) map[string]any {
	return m["items"].([]any)[i].(map[string]any)
}
