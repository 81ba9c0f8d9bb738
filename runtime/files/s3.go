//go:build !bk_nos3

// The S3 driver brings the AWS SDK (about 12 MB of a stripped binary with
// DynamoDB's, which shares most of it): an application that keeps its files
// on local disk builds with -tags bk_nos3 (s3_off.go).

package files

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/bkgen/bkgen/runtime/db"
)

// S3 keeps the files in a bucket, under Prefix. A PUT of S3 is atomic, so
// a reader sees the old object or the new one.
type S3 struct {
	c      *s3.Client
	bucket string
	prefix string
}

// openS3 is Open's S3 case.
func openS3(ctx context.Context, o S3Options) (Store, error) {
	s, err := NewS3(ctx, o)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// NewS3 returns the store on the bucket of o.
func NewS3(ctx context.Context, o S3Options) (*S3, error) {
	if o.Bucket == "" {
		return nil, errors.New("files: -files-s3-bucket is required")
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(o.Region)}
	if o.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	c := s3.NewFromConfig(cfg, func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = o.PathStyle
		// checksums only where S3 requires them: S3-compatible servers do
		// not all take the trailing checksums the SDK sends by default
		so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		so.RetryMaxAttempts = 2
	})
	prefix := strings.Trim(o.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{c: c, bucket: o.Bucket, prefix: prefix}, nil
}

// s3Error maps an S3 error: a missing object is db.ErrNotFound, a server
// that does not answer or answers 5xx is db.ErrUnavailable.
func s3Error(op, key string, err error) error {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var re *smithyhttp.ResponseError
	switch {
	case errors.As(err, &nsk) || errors.As(err, &nf):
		return notFound(key)
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound:
		return notFound(key)
	case errors.As(err, &re) && re.HTTPStatusCode() >= 400 && re.HTTPStatusCode() < 500:
		var api smithy.APIError
		if errors.As(err, &api) {
			return errors.New("files: " + op + " " + key + ": " + api.ErrorCode())
		}
		return err
	}
	return unavailable(op, err)
}

func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, ctype string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	body, ok := r.(io.ReadSeeker)
	if !ok || size < 0 {
		// the request is signed over a body it can read again
		b, err := io.ReadAll(readerCtx{ctx, r})
		if err != nil {
			return err
		}
		body, size = bytes.NewReader(b), int64(len(b))
	}
	in := &s3.PutObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key), Body: body, ContentLength: aws.Int64(size)}
	if ctype != "" {
		in.ContentType = &ctype
	}
	if _, err := s.c.PutObject(ctx, in); err != nil {
		return s3Error("put", key, err)
	}
	return nil
}

func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := CheckKey(key); err != nil {
		return nil, Info{}, err
	}
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key)})
	if err != nil {
		return nil, Info{}, s3Error("get", key, err)
	}
	info := Info{Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType), Mtime: aws.ToTime(out.LastModified)}
	return out.Body, info, nil
}

func (s *S3) Del(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if _, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key)}); err != nil {
		if err := s3Error("del", key, err); !errors.Is(err, db.ErrNotFound) {
			return err
		}
	}
	return nil
}

func (s *S3) List(ctx context.Context, prefix string, fn func(Info) bool) error {
	if err := checkPrefix(prefix); err != nil {
		return err
	}
	p := s3.NewListObjectsV2Paginator(s.c, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: aws.String(s.prefix + prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s3Error("list", prefix, err)
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			if !fn(Info{Key: key, Size: aws.ToInt64(o.Size), Mtime: aws.ToTime(o.LastModified)}) {
				return nil
			}
		}
	}
	return nil
}
