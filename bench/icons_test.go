package bench

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"

	"github.com/bkgen/bkgen/runtime/files"
	"github.com/bkgen/bkgen/runtime/imaging"
	"github.com/bkgen/bkgen/runtime/module"
	"github.com/bkgen/bkgen/tests/testenv"
)

// The icons' put and scaled get (runtime/module.Images over
// runtime/files and runtime/imaging), on the local directory and on S3,
// against a baseline that does the same image work by hand (the standard
// library's decoder and encoder, x/image's CatmullRom scaling: what any Go
// server would write) and writes one key in place: os.WriteFile locally,
// the same PutObject on S3. The ratio is what bkgen adds: the sniffing and
// header check before decoding, the pixel budget, the versioned write
// (temp file and rename locally) and the list and delete of the versions
// a put replaces.

// photo is a 640×480 PNG with some detail.
func photo(b *testing.B) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// scaleByHand is the baseline's image work: decode, scale to w wide, PNG.
func scaleByHand(b *testing.B, data []byte, w int) []byte {
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	sb := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, w, sb.Dy()*w/sb.Dx()))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, sb, draw.Over, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// eachIconStore calls fn with each storage of the benchmark and a
// directory of the baseline: local always, S3 when its server answers
// (scripts/services.sh starts one).
func eachIconStore(b *testing.B, fn func(name string, st files.Store, dir string)) {
	local, err := files.NewLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	fn("local", local, b.TempDir())
	s3, err := files.NewS3(context.Background(), files.S3Options{Bucket: "bkgen-bench", Endpoint: testenv.S3URL(), PathStyle: true,
		Region: "us-east-1", AccessKey: "k", SecretKey: "s", Prefix: "bench"})
	if err != nil || s3.Put(context.Background(), "probe", bytes.NewReader([]byte("x")), 1, "text/plain") != nil {
		b.Logf("s3: no S3 server at %s (scripts/services.sh)", testenv.S3URL())
		return
	}
	fn("s3", s3, b.TempDir())
}

// iconBaselinePut writes key in place.
func iconBaselinePut(b *testing.B, name string, st files.Store, dir, key string, data []byte) {
	if name == "local" {
		if err := os.WriteFile(filepath.Join(dir, key), data, 0o644); err != nil {
			b.Fatal(err)
		}
		return
	}
	if err := st.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), "image/png"); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkIconPut(b *testing.B) {
	ctx := context.Background()
	data := photo(b)
	eachIconStore(b, func(name string, st files.Store, dir string) {
		b.Run(name+"/generated", func(b *testing.B) {
			im := &module.Images{Files: st, Limits: imaging.DefaultLimits}
			ver := int64(1)
			for b.Loop() {
				ver++
				if _, _, err := im.Store(ctx, "bench", "id", "t", ver, data, imaging.Options{Width: 128}); err != nil {
					b.Fatal(err)
				}
				if err := im.Tidy(ctx, "bench", "id", "t", ver, ver); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/baseline", func(b *testing.B) {
			for b.Loop() {
				iconBaselinePut(b, name, st, dir, "base.png", scaleByHand(b, data, 128))
			}
		})
	})
}

func BenchmarkIconGetScaled(b *testing.B) {
	ctx := context.Background()
	data := photo(b)
	eachIconStore(b, func(name string, st files.Store, dir string) {
		im := &module.Images{Files: st, Limits: imaging.DefaultLimits}
		if _, _, err := im.Store(ctx, "bench", "id", "g", 7, data, imaging.Options{}); err != nil {
			b.Fatal(err)
		}
		rc, _, err := st.Get(ctx, module.IconFile("bench", "id", "g", 7, "png"))
		if err != nil {
			b.Fatal(err)
		}
		orig, _ := io.ReadAll(rc)
		rc.Close()
		iconBaselinePut(b, name, st, dir, "base.png", orig)
		b.Run(name+"/generated", func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/icon/get", nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				im.Serve(w, r, "bench", "id", "g", 7, "png", imaging.Options{Width: 64}, "private, no-cache")
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
		b.Run(name+"/baseline", func(b *testing.B) {
			for b.Loop() {
				var in []byte
				if name == "local" {
					if in, err = os.ReadFile(filepath.Join(dir, "base.png")); err != nil {
						b.Fatal(err)
					}
				} else {
					rc, _, err := st.Get(ctx, "base.png")
					if err != nil {
						b.Fatal(err)
					}
					in, _ = io.ReadAll(rc)
					rc.Close()
				}
				w := httptest.NewRecorder()
				w.Header().Set("Content-Type", "image/png")
				w.Write(scaleByHand(b, in, 64))
			}
		})
	})
}
