package gen

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// TestGzippedAssets: an embedded asset is compared by what it holds, not by
// its compressed bytes (another Go release may compress differently), and
// carries the generated mark that lets Write replace or remove it.
func TestGzippedAssets(t *testing.T) {
	doc := bytes.Repeat([]byte("<section id=\"todo\">/todo/select</section>\n"), 50)
	ours := gzipped(doc)
	var other bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&other, gzip.BestSpeed)
	zw.Write(doc)
	zw.Close()
	if bytes.Equal(ours, other.Bytes()) {
		t.Fatal("the test needs two different compressions of the same page")
	}
	if !same("server/doc.html.gz", ours, other.Bytes()) {
		t.Fatal("the same page compressed differently counts as a change")
	}
	if same("server/doc.html.gz", ours, gzipped(append(doc, '!'))) {
		t.Fatal("a changed page counts as the same")
	}
	if same("server/app.go", []byte("a"), []byte("b")) || !same("server/app.go", []byte("a"), []byte("a")) {
		t.Fatal("other files are compared byte for byte")
	}
	if !generated(ours) {
		t.Fatal("a gzipped asset lacks the generated mark")
	}
	if !bytes.Equal(gzipped(doc), ours) {
		t.Fatal("gzipped is not deterministic")
	}
}
