package sockplay

import "testing"

func TestEmbeddedMetadata(t *testing.T) {
	if App.Name != "sockplay" || App.Version == "" || App.ID == "" {
		t.Fatalf("embedded metadata incomplete: %+v", App)
	}
}

func TestParseMetadataRejectsIncomplete(t *testing.T) {
	for _, in := range []string{"", "[Details]\nName = \"x\"\n", "not toml ["} {
		if _, err := ParseMetadata([]byte(in)); err == nil {
			t.Errorf("ParseMetadata(%q) = nil error", in)
		}
	}
}
