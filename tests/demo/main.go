//go:build cgo

// Command demo shows the pipeline end to end on a laptop with no AWS
// account: it starts an S3 server in the process, uploads files to
// incoming/, runs the real provenance function binary on their S3 events,
// writes the CloudTrail records those uploads would have produced, and
// prints the provenance ledger computed by the shipped Athena SQL on DuckDB.
//
// Run it with `make demo`.
package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/caa304/secure-data-pipeline/components"
	"github.com/caa304/secure-data-pipeline/components/glueschema"
	"github.com/caa304/secure-data-pipeline/components/lambdazip"
	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/queries"
	"github.com/caa304/secure-data-pipeline/tests/athenasql"
)

const (
	account   = "111122223333"
	region    = "eu-west-1"
	rawBucket = "sdp-demo-raw-data"
	logBucket = "sdp-demo-cloudtrail-log"
	database  = "sdp_demo_audit"
)

// upload is one file a person puts into the raw bucket.
type upload struct {
	user, key, body string
	// deleteBeforeProcessing removes the version before the function runs.
	deleteBeforeProcessing bool
	// notDelivered keeps the event from the function (say, still queued).
	notDelivered bool

	versionID, requestID string
	at                   time.Time
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	work, err := os.MkdirTemp("", "sdp-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	fmt.Fprintln(out, "1. Starting an S3 server in this process (gofakes3)")
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	defer srv.Close()
	client, err := newClient(ctx, srv.URL)
	if err != nil {
		return err
	}
	for _, b := range []string{rawBucket, logBucket} {
		if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			return err
		}
	}
	if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(rawBucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		return err
	}

	uploads := []*upload{
		{user: "alice@example.com", key: "incoming/report.csv", body: "id,name\n1,alice\n"},
		{user: "bob@example.com", key: "incoming/sensor readings.json", body: `{"t":21.5}` + "\n"},
		{user: "alice@example.com", key: "incoming/draft.txt", body: "deleted a moment later", deleteBeforeProcessing: true},
		{user: "bob@example.com", key: "incoming/late.csv", body: "its event is still queued", notDelivered: true},
	}
	fmt.Fprintf(out, "2. Uploading %d files to s3://%s/incoming/\n", len(uploads), rawBucket)
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for i, u := range uploads {
		res, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(rawBucket), Key: aws.String(u.key), Body: strings.NewReader(u.body)})
		if err != nil {
			return err
		}
		u.versionID = aws.ToString(res.VersionId)
		u.requestID, _ = awsmiddleware.GetRequestIDMetadata(res.ResultMetadata)
		u.at = start.Add(time.Duration(i) * time.Minute)
		if u.deleteBeforeProcessing {
			if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(rawBucket), Key: aws.String(u.key), VersionId: res.VersionId}); err != nil {
				return err
			}
		}
	}

	fmt.Fprintln(out, "3. Building the provenance function and running its bootstrap on the S3 events")
	bootstrap, err := buildBootstrap(ctx, work)
	if err != nil {
		return err
	}
	response, logs, err := invokeBinary(ctx, bootstrap, []string{
		"AWS_ENDPOINT_URL_S3=" + srv.URL, "S3_FORCE_PATH_STYLE=true", "AWS_REGION=" + region,
		"AWS_ACCESS_KEY_ID=demo", "AWS_SECRET_ACCESS_KEY=demodemo", "AWS_LAMBDA_FUNCTION_NAME=sdp-demo-provenance",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "INCOMING_PREFIX=" + components.IncomingPrefix,
	}, sqsEvent(uploads))
	if err != nil {
		return fmt.Errorf("%w\n%s", err, logs)
	}
	fmt.Fprintf(out, "   function response: %s\n", bytes.TrimSpace(response))
	for _, line := range strings.Split(strings.TrimSpace(string(logs)), "\n") {
		var rec struct{ Msg, Outcome, Key, Sha256 string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "record" {
			fmt.Fprintf(out, "   log: %-18s %s\n", rec.Outcome, rec.Key)
		}
	}

	fmt.Fprintln(out, "4. Writing the CloudTrail log file those uploads produced")
	if err := writeCloudTrail(ctx, client, uploads); err != nil {
		return err
	}

	fmt.Fprintln(out, "5. Querying provenance_ledger with the shipped SQL (DuckDB standing in for Athena)")
	return printLedger(ctx, client, work, out)
}

func newClient(ctx context.Context, endpoint string) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region), config.WithBaseEndpoint(endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("demo", "demodemo", "")))
	if err != nil {
		return nil, err
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), nil
}

// buildBootstrap packages the function exactly as the Pulumi program does,
// for this machine's architecture, and unpacks its bootstrap.
func buildBootstrap(ctx context.Context, dir string) (string, error) {
	arch := map[string]string{"amd64": "x86_64", "arm64": "arm64"}[runtime.GOARCH]
	a, err := lambdazip.Build{Package: components.ProvenancePackage, Dir: ".", Arch: arch}.Zip(ctx, dir)
	if err != nil {
		return "", err
	}
	zr, err := zip.OpenReader(a.Path)
	if err != nil {
		return "", err
	}
	defer func() { _ = zr.Close() }()
	rc, err := zr.File[0].Open()
	if err != nil {
		return "", err
	}
	defer func() { _ = rc.Close() }()
	path := filepath.Join(dir, lambdazip.Handler)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, zr.File[0].Mode().Perm()) //nolint:gosec // our temp dir
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, rc); err != nil { //nolint:gosec // our own small archive
		_ = f.Close()
		return "", err
	}
	return path, f.Close()
}

func principal(user string) string { return "AWS:AROAEXAMPLEDEMO:" + user }

func userARN(user string) string {
	return "arn:aws:sts::" + account + ":assumed-role/AWSReservedSSO_DataEngineer_0123456789abcdef/" + user
}

// sqsEvent is the batch the event queue would deliver: one message per
// upload, each an S3 notification.
func sqsEvent(uploads []*upload) []byte {
	type m = map[string]any
	var records []m
	for i, u := range uploads {
		if u.notDelivered {
			continue
		}
		notification := m{"Records": []m{{
			"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": region,
			"eventTime": u.at.Format(time.RFC3339Nano), "eventName": "ObjectCreated:Put",
			"userIdentity":      m{"principalId": principal(u.user)},
			"requestParameters": m{"sourceIPAddress": "203.0.113.7"},
			"responseElements":  m{"x-amz-request-id": u.requestID},
			"s3": m{"bucket": m{"name": rawBucket, "arn": "arn:aws:s3:::" + rawBucket},
				"object": m{"key": url.QueryEscape(u.key), "size": len(u.body), "versionId": u.versionID, "sequencer": fmt.Sprintf("%016X", i+1)}},
		}}}
		body, _ := json.Marshal(notification)
		records = append(records, m{"messageId": fmt.Sprintf("demo-message-%d", i+1), "eventSource": "aws:sqs", "body": string(body)})
	}
	b, _ := json.Marshal(m{"Records": records})
	return b
}

// writeCloudTrail writes the log file CloudTrail would deliver for the
// uploads, gzipped, under its real key.
func writeCloudTrail(ctx context.Context, client *s3.Client, uploads []*upload) error {
	type m = map[string]any
	var records []m
	for _, u := range uploads {
		records = append(records, m{
			"eventVersion": "1.11", "eventTime": u.at.Format(time.RFC3339), "eventSource": "s3.amazonaws.com",
			"eventName": "PutObject", "awsRegion": region, "sourceIPAddress": "203.0.113.7",
			"userAgent": "aws-cli/2.27.0", "eventCategory": "Data", "eventType": "AwsApiCall", "readOnly": false,
			"requestID": u.requestID, "eventID": "demo-" + u.requestID, "recipientAccountId": account,
			"userIdentity":        m{"type": "AssumedRole", "principalId": principal(u.user), "arn": userARN(u.user), "accountId": account},
			"requestParameters":   m{"bucketName": rawBucket, "key": u.key},
			"responseElements":    m{"x-amz-version-id": u.versionID},
			"additionalEventData": m{"bytesTransferredIn": float64(len(u.body)), "bytesTransferredOut": 0.0},
			"resources":           []m{{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::" + rawBucket + "/" + u.key}},
		})
	}
	data, err := json.Marshal(m{"Records": records})
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/2026/11/28/%s_CloudTrail_%s_20261128T0905Z_demo0000000000.json.gz", account, region, account, region)
	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(logBucket), Key: aws.String(key), Body: bytes.NewReader(gz.Bytes())})
	return err
}

// download copies a bucket into dir/<bucket>/<key>, as Athena reads it.
func download(ctx context.Context, client *s3.Client, bucket, dir string) error {
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, o := range page.Contents {
			res, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				return err
			}
			data, err := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if err != nil {
				return err
			}
			path := filepath.Join(dir, bucket, filepath.FromSlash(aws.ToString(o.Key)))
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				return err
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

func printLedger(ctx context.Context, client *s3.Client, work string, out io.Writer) error {
	tree := filepath.Join(work, "s3")
	for _, b := range []string{rawBucket, logBucket} {
		if err := download(ctx, client, b, tree); err != nil {
			return err
		}
	}
	e, err := athenasql.Open(work)
	if err != nil {
		return err
	}
	defer func() { _ = e.Close() }()
	ct, err := e.CreateTable(database, components.CloudTrailTableName, glueschema.CloudTrail, glueschema.CloudTrailPartitions)
	if err != nil {
		return err
	}
	if _, err := e.LoadCloudTrail(database, ct, tree, glueschema.CloudTrailParameters(logBucket, account, []string{region}, "2026/01/01")); err != nil {
		return err
	}
	rt, err := e.CreateTable(database, components.ReceiptsTableName, glueschema.Receipts(), nil)
	if err != nil {
		return err
	}
	if _, err := e.LoadJSONLines(database, rt, tree, glueschema.ReceiptsLocation(rawBucket, receipt.Prefix)); err != nil {
		return err
	}
	qs, err := queries.Render(queries.Names{Database: database, CloudTrailTable: components.CloudTrailTableName,
		ReceiptsTable: components.ReceiptsTableName, RawBucket: rawBucket, IncomingPrefix: components.IncomingPrefix})
	if err != nil {
		return err
	}
	for _, q := range qs {
		if strings.HasPrefix(q.Name, "create_") {
			if _, err := e.DB.ExecContext(ctx, q.SQL); err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
		}
	}
	query := "SELECT status, object_key, coalesce(sso_user, '-'), coalesce(substr(sha256, 1, 16), '-'), event_time, request_id\nFROM " +
		database + ".provenance_ledger\nORDER BY event_time"
	fmt.Fprintf(out, "\n   %s\n\n", strings.ReplaceAll(query, "\n", "\n   "))
	rows, err := e.DB.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "   status\tobject_key\tsso_user\tsha256 (first 16)\tevent_time\trequest_id")
	for rows.Next() {
		var f [6]string
		var at time.Time
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &at, &f[5]); err != nil {
			return err
		}
		f[4] = at.UTC().Format(time.RFC3339)
		fmt.Fprintf(tw, "   %s\n", strings.Join(f[:], "\t"))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tw.Flush()
}
