package server

import "testing"

// TestAddPhrasesRefusesTwoWordings: a feature that adds a key another one
// already says differently stops the sidecar at start-up (as "home" once
// said "To the shop" on some pages and "Back to the shop" on others).
func TestAddPhrasesRefusesTwoWordings(t *testing.T) {
	const key = "test.add_phrases"
	t.Cleanup(func() { delete(phrases["nl"], key) })
	addPhrases(map[string]map[string]string{"nl": {key: "een"}})
	addPhrases(map[string]map[string]string{"nl": {key: "een"}}) // the same words again are fine
	if got := tr("nl", key); got != "een" {
		t.Fatalf("tr = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a second wording of one key was accepted")
		}
		if got := tr("nl", key); got != "een" {
			t.Errorf("after the refusal tr = %q, want the first wording", got)
		}
	}()
	addPhrases(map[string]map[string]string{"nl": {key: "twee"}})
}
