package imaging

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/bkgen/bkgen/runtime/db"
)

func pngOf(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{200, 10, 10, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bomb is a PNG whose header claims w×h pixels, with a tiny body: what a
// decompression bomb looks like before it is inflated.
func bomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.Write([]byte("\x89PNG\r\n\x1a\n"))
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func isInvalid(t *testing.T, err error) {
	t.Helper()
	var v *db.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want a validation error (400), got %v", err)
	}
}

var ctx = context.Background()

func TestProcess(t *testing.T) {
	src := pngOf(t, 400, 200)
	r, err := Process(ctx, src, Options{Width: 100}, DefaultLimits)
	if err != nil || r.Width != 100 || r.Height != 50 || r.ContentType != "image/png" {
		t.Fatalf("scaled by width: %+v %v", r, err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(r.Data)); err != nil || cfg.Width != 100 || cfg.Height != 50 {
		t.Fatalf("output %+v %v", cfg, err)
	}
	r, err = Process(ctx, src, Options{Width: 100, Height: 100, Ext: "jpg", Quality: 60}, DefaultLimits)
	if err != nil || r.Width != 100 || r.Height != 50 || r.ContentType != "image/jpeg" {
		t.Fatalf("into a box, as jpeg: %+v %v", r, err)
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(r.Data)); err != nil {
		t.Fatalf("jpeg output: %v", err)
	}
	r, err = Process(ctx, src, Options{Height: 20}, DefaultLimits)
	if err != nil || r.Width != 40 || r.Height != 20 {
		t.Fatalf("scaled by height: %+v %v", r, err)
	}
	if r, err := Process(ctx, src, Options{}, DefaultLimits); err != nil || r.Width != 400 || bytes.Equal(r.Data, nil) {
		t.Fatalf("as is: %+v %v", r, err)
	}
	// larger than the side limit with no box: scaled down to fit
	if r, err := Process(ctx, src, Options{}, Limits{MaxPixels: 1 << 20, MaxSide: 100}); err != nil || r.Width != 100 || r.Height != 50 {
		t.Fatalf("fit: %+v %v", r, err)
	}
	// serving never scales up: a box larger than the image gives it as is
	if r, err := Process(ctx, src, Options{Width: 800, NoUpscale: true}, DefaultLimits); err != nil || r.Width != 400 || r.Height != 200 {
		t.Fatalf("no upscale: %+v %v", r, err)
	}
}

// TestBusy: an image that cannot get its turn before its context ends is
// *Busy, not a hang.
func TestBusy(t *testing.T) {
	if err := inflight.Acquire(ctx, 2*DefaultLimits.MaxPixels); err != nil {
		t.Fatal(err)
	}
	defer inflight.Release(2 * DefaultLimits.MaxPixels)
	c, cancel := context.WithCancel(ctx)
	cancel()
	var busy *Busy
	if _, err := Process(c, pngOf(t, 10, 10), Options{}, DefaultLimits); !errors.As(err, &busy) {
		t.Fatalf("want *Busy, got %v", err)
	}
}

func TestRefused(t *testing.T) {
	// a 50-megapixel bomb, refused from its header
	if _, err := Process(ctx, bomb(10000, 5000), Options{}, DefaultLimits); err == nil {
		t.Fatal("a 50-megapixel image was accepted")
	} else {
		isInvalid(t, err)
	}
	// a file that lies about its type: text named .png, HTML, a truncated PNG
	for _, data := range [][]byte{[]byte("just text, not a png"), []byte("<html><script>alert(1)</script></html>"), pngOf(t, 50, 50)[:60]} {
		_, err := Process(ctx, data, Options{}, DefaultLimits)
		isInvalid(t, err)
	}
	src := pngOf(t, 10, 10)
	for _, o := range []Options{{Ext: "webp"}, {Ext: "bmp"}, {Width: -1}, {Width: 5000}, {Ext: "jpeg", Quality: 101}} {
		_, err := Process(ctx, src, o, DefaultLimits)
		isInvalid(t, err)
	}
	// upscaling past the side limit
	_, err := Process(ctx, pngOf(t, 10, 1), Options{Height: 1000}, DefaultLimits)
	isInvalid(t, err)
}

// FuzzProcess: whatever the bytes, an error or an image, never a panic or
// an output over the limits.
func FuzzProcess(f *testing.F) {
	f.Add(pngOf(f, 8, 4), 4, 0)
	f.Add(bomb(100, 100), 0, 0)
	f.Add([]byte("GIF89a"), 1, 1)
	f.Fuzz(func(t *testing.T, data []byte, w, h int) {
		l := Limits{MaxPixels: 1 << 20, MaxSide: 256}
		r, err := Process(ctx, data, Options{Width: w % 300, Height: h % 300}, l)
		if err == nil && (r.Width > l.MaxSide || r.Height > l.MaxSide || len(r.Data) == 0) {
			t.Fatalf("%+v", r)
		}
	})
}
