// Package imaging reads an uploaded image, refusing what is not one (the
// bytes decide, never the client's content type) and what would take too
// much memory to decode (the pixel count is read from the header first, so
// a decompression bomb is refused before any pixel is), then scales it and
// encodes it again: the output is always a fresh encoding, so metadata
// (EXIF, comments) never passes through. Pure Go (golang.org/x/image).
package imaging

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // decoding only: x/image has no WebP encoder
	"golang.org/x/sync/semaphore"

	"github.com/bkgen/bkgen/runtime/db"
)

// Options are what a request asks of the output.
type Options struct {
	Width, Height int    // bounding box; 0: that side follows the other (aspect kept); both 0: the size as is
	Ext           string // png, jpeg (jpg), gif; "": the input's format
	Quality       int    // jpeg 1..100; 0: 85
	// NoUpscale keeps the output within the input's size (a box larger
	// than the image gives it as is): what serving a stored image asks, so
	// that a request cannot turn a small image into a large amount of work.
	NoUpscale bool
}

// Limits bound the work of one image.
type Limits struct {
	MaxPixels int64 // of the input, from its header
	MaxSide   int   // of the output
}

// DefaultLimits: 40 megapixels in (a 50-megapixel image is refused), 4096 out.
var DefaultLimits = Limits{MaxPixels: 40_000_000, MaxSide: 4096}

// inflight bounds the pixels being decoded, scaled and encoded at once in
// the process (each costs 4 bytes or more of memory): two images of the
// default limit, or many small ones. A request past it waits its turn (or
// its context's end), so that concurrent uploads cannot exhaust memory.
var inflight = semaphore.NewWeighted(2 * DefaultLimits.MaxPixels)

// Busy is the error of an image that waited for its turn until its
// context ended.
type Busy struct{ Err error }

func (b *Busy) Error() string { return "imaging: too many images at once: " + b.Err.Error() }
func (b *Busy) Unwrap() error { return b.Err }

// Result is an encoded image.
type Result struct {
	Data          []byte
	ContentType   string
	Ext           string
	Width, Height int
}

var formats = map[string]string{"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}

func invalid(format string, args ...any) error { return db.Invalid("image", "", format, args...) }

// Process reads data as an image and returns it scaled and encoded again.
// It waits while too many pixels are in flight in the process, until ctx
// ends (*Busy).
func Process(ctx context.Context, data []byte, o Options, l Limits) (*Result, error) {
	sniffed, ok := formats[http.DetectContentType(data)]
	if !ok {
		return nil, invalid("not an image (PNG, JPEG, GIF or WebP)")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != sniffed {
		return nil, invalid("not a readable %s image", sniffed)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > l.MaxPixels {
		return nil, invalid("%d×%d is more than %d pixels", cfg.Width, cfg.Height, l.MaxPixels)
	}
	w, h, err := size(cfg.Width, cfg.Height, o, l)
	if err != nil {
		return nil, err
	}
	weight := min(max(int64(cfg.Width)*int64(cfg.Height), int64(w)*int64(h)), 2*DefaultLimits.MaxPixels)
	if err := inflight.Acquire(ctx, weight); err != nil {
		return nil, &Busy{err}
	}
	defer inflight.Release(weight)
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, invalid("not a readable %s image", sniffed)
	}
	img := src
	if w != cfg.Width || h != cfg.Height {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
		img = dst
	}
	ext := o.Ext
	switch ext {
	case "":
		ext = sniffed
	case "jpg":
		ext = "jpeg"
	}
	var out bytes.Buffer
	switch ext {
	case "png":
		err = png.Encode(&out, img)
	case "jpeg":
		q := o.Quality
		if q == 0 {
			q = 85
		}
		if q < 1 || q > 100 {
			return nil, db.Invalid("image", "_quality", "must be between 1 and 100")
		}
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: q})
	case "gif":
		err = gif.Encode(&out, img, nil)
	case "webp":
		return nil, db.Invalid("image", "_ext", "webp output is not supported (no pure-Go encoder): png, jpeg or gif")
	default:
		return nil, db.Invalid("image", "_ext", "%q is not png, jpeg or gif", ext)
	}
	if err != nil {
		return nil, fmt.Errorf("imaging: encoding %s: %w", ext, err)
	}
	return &Result{Data: out.Bytes(), ContentType: "image/" + ext, Ext: ext, Width: w, Height: h}, nil
}

// size is the output size for a w×h input: within the box of o, aspect
// kept, at least 1 pixel, at most l.MaxSide a side. An image larger than
// that with no box asked is scaled down to fit.
func size(w, h int, o Options, l Limits) (int, int, error) {
	if o.Width < 0 || o.Height < 0 || o.Width > l.MaxSide || o.Height > l.MaxSide {
		return 0, 0, db.Invalid("image", "_width", "_width and _height are between 0 and %d", l.MaxSide)
	}
	fw, fh := float64(o.Width)/float64(w), float64(o.Height)/float64(h)
	var f float64
	switch {
	case o.Width == 0 && o.Height == 0:
		f = min(1, float64(l.MaxSide)/float64(w), float64(l.MaxSide)/float64(h))
	case o.Width == 0:
		f = fh
	case o.Height == 0:
		f = fw
	default:
		f = min(fw, fh)
	}
	if o.NoUpscale {
		f = min(f, 1)
	}
	nw, nh := max(1, int(float64(w)*f+0.5)), max(1, int(float64(h)*f+0.5))
	if nw > l.MaxSide || nh > l.MaxSide {
		return 0, 0, invalid("%d×%d is more than %d pixels a side; give _width or _height", nw, nh, l.MaxSide)
	}
	return nw, nh, nil
}
