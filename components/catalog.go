package components

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/athena"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/glue"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/caa304/secure-data-pipeline/components/glueschema"
	"github.com/caa304/secure-data-pipeline/components/policydoc"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
	"github.com/caa304/secure-data-pipeline/queries"
)

// AuditCatalogType is the type token of AuditCatalog. It is part of every
// child's URN: changing it replaces the catalog and the results bucket.
const AuditCatalogType = "secure-data-pipeline:catalog:AuditCatalog"

// Names of the tables the catalog creates.
const (
	CloudTrailTableName = "cloudtrail_logs"
	ReceiptsTableName   = "provenance_receipts"
	ReportsTableName    = "verification_reports"
)

var (
	glueNamePattern     = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,254}$`)
	workgroupPattern    = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,128}$`)
	regionPattern       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	projectionDateShape = "2006/01/02"
)

// AuditCatalogArgs configures an AuditCatalog.
type AuditCatalogArgs struct {
	DataProtection
	// DatabaseName is the Glue database: lower-case letters, digits, '_'.
	DatabaseName string
	// WorkgroupName is the Athena workgroup.
	WorkgroupName string
	// Account is where the catalog lives.
	Account Account
	// LogBucketName holds the CloudTrail logs (AWSLogs/<account>/CloudTrail/).
	LogBucketName string
	// RawBucketName holds the receipts (provenance/) and the uploads.
	RawBucketName string
	// IncomingPrefix is where uploads arrive.
	IncomingPrefix string
	// Regions are the CloudTrail region folders the table projects.
	Regions []string
	// ProjectionStartDate is the first day, yyyy/MM/dd, the CloudTrail table
	// projects partitions for.
	ProjectionStartDate string
	// KMSKeyARN encrypts the query results (and the Glue catalog, when
	// ManageCatalogEncryption is set).
	KMSKeyARN pulumi.StringInput
	// ResultsBucketName is the bucket for query results.
	ResultsBucketName string
	// ResultsExpirationDays deletes query results after this many days.
	ResultsExpirationDays int
	// BytesScannedCutoff cancels a query that scans more bytes (at least 10 MB).
	BytesScannedCutoff int
	// AccessLogBucket receives the results bucket's server access logs.
	AccessLogBucket pulumi.StringInput
	// ManageCatalogEncryption makes this stack own the account's Glue Data
	// Catalog encryption settings. They are one per account and region, so
	// two stacks in one account must not both set it. Optional.
	ManageCatalogEncryption bool
}

// Validate reports the first missing or out-of-range field and how to fix it.
func (a *AuditCatalogArgs) Validate() error {
	if a == nil {
		return fmt.Errorf("audit catalog: args are required")
	}
	if err := a.Account.Validate(); err != nil {
		return fmt.Errorf("audit catalog: %w", err)
	}
	for field, name := range map[string]string{"LogBucketName": a.LogBucketName, "RawBucketName": a.RawBucketName, "ResultsBucketName": a.ResultsBucketName} {
		if err := validateBucketName(field, name); err != nil {
			return fmt.Errorf("audit catalog: %w", err)
		}
	}
	if _, err := time.Parse(projectionDateShape, a.ProjectionStartDate); err != nil {
		return fmt.Errorf("audit catalog: ProjectionStartDate %q is not a date written yyyy/MM/dd", a.ProjectionStartDate)
	}
	if len(a.Regions) == 0 {
		return fmt.Errorf("audit catalog: Regions is empty; name the regions whose CloudTrail folders the table reads")
	}
	for _, r := range a.Regions {
		if !regionPattern.MatchString(r) {
			return fmt.Errorf("audit catalog: region %q is not an AWS region name such as eu-west-1", r)
		}
	}
	switch {
	case !glueNamePattern.MatchString(a.DatabaseName):
		return fmt.Errorf("audit catalog: DatabaseName %q must be lower-case letters, digits and '_'", a.DatabaseName)
	case !workgroupPattern.MatchString(a.WorkgroupName):
		return fmt.Errorf("audit catalog: WorkgroupName %q must be 1-128 letters, digits, '.', '_' or '-'", a.WorkgroupName)
	case a.KMSKeyARN == nil:
		return fmt.Errorf("audit catalog: KMSKeyARN is required; pass the ARN of the pipeline key")
	case a.AccessLogBucket == nil:
		return fmt.Errorf("audit catalog: AccessLogBucket is required; pass the name of the server-access-log bucket")
	case a.ResultsExpirationDays < 1:
		return fmt.Errorf("audit catalog: ResultsExpirationDays is %d; set it to 1 or more", a.ResultsExpirationDays)
	case a.BytesScannedCutoff < 10_000_000:
		return fmt.Errorf("audit catalog: BytesScannedCutoff is %d; Athena accepts 10 MB (10000000 bytes) or more", a.BytesScannedCutoff)
	}
	return a.validate("audit catalog")
}

// AuditCatalog makes the audit trail and the receipts queryable in Athena:
// a Glue database with a table over each, a hardened bucket for results, a
// workgroup that enforces where and how results are written, and the shipped
// queries saved in that workgroup.
type AuditCatalog struct {
	pulumi.ResourceState

	// DatabaseName is the Glue database.
	DatabaseName pulumi.StringOutput `pulumi:"databaseName"`
	// CloudTrailTableName is the table over the CloudTrail logs.
	CloudTrailTableName pulumi.StringOutput `pulumi:"cloudtrailTableName"`
	// ReceiptsTableName is the table over the receipts.
	ReceiptsTableName pulumi.StringOutput `pulumi:"receiptsTableName"`
	// ReportsTableName is the table over the verification reports.
	ReportsTableName pulumi.StringOutput `pulumi:"reportsTableName"`
	// WorkgroupName is the Athena workgroup.
	WorkgroupName pulumi.StringOutput `pulumi:"workgroupName"`
	// ResultsBucketName is the query results bucket.
	ResultsBucketName pulumi.StringOutput `pulumi:"resultsBucketName"`
	// NamedQueryIDs are the saved queries' ids, by query name (the .sql
	// file name in package queries).
	NamedQueryIDs map[string]pulumi.StringOutput
}

// NewAuditCatalog creates the catalog.
func NewAuditCatalog(ctx *pulumi.Context, name string, args *AuditCatalogArgs, opts ...pulumi.ResourceOption) (*AuditCatalog, error) {
	if err := args.Validate(); err != nil {
		return nil, err
	}
	rendered, err := queries.Render(queries.Names{
		Database: args.DatabaseName, CloudTrailTable: CloudTrailTableName, ReceiptsTable: ReceiptsTableName,
		RawBucket: args.RawBucketName, IncomingPrefix: args.IncomingPrefix,
	})
	if err != nil {
		return nil, err
	}
	c := &AuditCatalog{NamedQueryIDs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(AuditCatalogType, name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)

	if args.ManageCatalogEncryption {
		if _, err := glue.NewDataCatalogEncryptionSettings(ctx, name+"-catalog-encryption", &glue.DataCatalogEncryptionSettingsArgs{
			DataCatalogEncryptionSettings: &glue.DataCatalogEncryptionSettingsDataCatalogEncryptionSettingsArgs{
				EncryptionAtRest: &glue.DataCatalogEncryptionSettingsDataCatalogEncryptionSettingsEncryptionAtRestArgs{
					CatalogEncryptionMode: pulumi.String("SSE-KMS"),
					SseAwsKmsKeyId:        args.KMSKeyARN,
				},
				ConnectionPasswordEncryption: &glue.DataCatalogEncryptionSettingsDataCatalogEncryptionSettingsConnectionPasswordEncryptionArgs{
					ReturnConnectionPasswordEncrypted: pulumi.Bool(true),
					AwsKmsKeyId:                       args.KMSKeyARN,
				},
			},
		}, parent); err != nil {
			return nil, err
		}
	}

	db, err := glue.NewCatalogDatabase(ctx, name+"-database", &glue.CatalogDatabaseArgs{
		Name:        pulumi.String(args.DatabaseName),
		Description: pulumi.String("Audit catalog of secure-data-pipeline: CloudTrail S3 events and provenance receipts"),
		Tags:        pulumi.ToStringMap(args.Tags),
	}, parent)
	if err != nil {
		return nil, err
	}

	cloudtrail, err := glue.NewCatalogTable(ctx, name+"-cloudtrail-table", &glue.CatalogTableArgs{
		DatabaseName:  db.Name,
		Name:          pulumi.String(CloudTrailTableName),
		Description:   pulumi.String("CloudTrail log records of this account, partitions projected by region and day"),
		TableType:     pulumi.String("EXTERNAL_TABLE"),
		Parameters:    pulumi.ToStringMap(glueschema.CloudTrailParameters(args.LogBucketName, args.Account.ID, args.Regions, args.ProjectionStartDate)),
		PartitionKeys: partitionKeys(glueschema.CloudTrailPartitions),
		StorageDescriptor: &glue.CatalogTableStorageDescriptorArgs{
			Location:     pulumi.String(glueschema.CloudTrailLocation(args.LogBucketName, args.Account.ID)),
			InputFormat:  pulumi.String(glueschema.CloudTrailInputFormat),
			OutputFormat: pulumi.String(glueschema.HiveOutputFormat),
			SerDeInfo:    &glue.CatalogTableStorageDescriptorSerDeInfoArgs{SerializationLibrary: pulumi.String(glueschema.HCatalogJSONSerDe)},
			Columns:      columns(glueschema.CloudTrail),
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	receipts, err := glue.NewCatalogTable(ctx, name+"-receipts-table", &glue.CatalogTableArgs{
		DatabaseName: db.Name,
		Name:         pulumi.String(ReceiptsTableName),
		Description:  pulumi.String("Provenance receipts, one JSON object per line"),
		TableType:    pulumi.String("EXTERNAL_TABLE"),
		Parameters:   pulumi.StringMap{"EXTERNAL": pulumi.String("TRUE"), "classification": pulumi.String("json")},
		StorageDescriptor: &glue.CatalogTableStorageDescriptorArgs{
			Location:     pulumi.String(glueschema.ReceiptsLocation(args.RawBucketName, ProvenancePrefix)),
			InputFormat:  pulumi.String(glueschema.TextInputFormat),
			OutputFormat: pulumi.String(glueschema.HiveOutputFormat),
			SerDeInfo: &glue.CatalogTableStorageDescriptorSerDeInfoArgs{
				SerializationLibrary: pulumi.String(glueschema.OpenXJSONSerDe),
				// A malformed line must fail the query, not vanish from the ledger.
				Parameters: pulumi.StringMap{"ignore.malformed.json": pulumi.String("false")},
			},
			Columns: columns(glueschema.Receipts()),
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	reports, err := glue.NewCatalogTable(ctx, name+"-reports-table", &glue.CatalogTableArgs{
		DatabaseName:  db.Name,
		Name:          pulumi.String(ReportsTableName),
		Description:   pulumi.String("Scheduled verification reports, one verdict per line, partitions projected by day"),
		TableType:     pulumi.String("EXTERNAL_TABLE"),
		Parameters:    pulumi.ToStringMap(glueschema.ReportsParameters(args.RawBucketName, verification.ReportPrefix, args.ProjectionStartDate)),
		PartitionKeys: partitionKeys(glueschema.ReportPartitions),
		StorageDescriptor: &glue.CatalogTableStorageDescriptorArgs{
			Location:     pulumi.String(glueschema.ReceiptsLocation(args.RawBucketName, verification.ReportPrefix)),
			InputFormat:  pulumi.String(glueschema.TextInputFormat),
			OutputFormat: pulumi.String(glueschema.HiveOutputFormat),
			SerDeInfo: &glue.CatalogTableStorageDescriptorSerDeInfoArgs{
				SerializationLibrary: pulumi.String(glueschema.OpenXJSONSerDe),
				Parameters:           pulumi.StringMap{"ignore.malformed.json": pulumi.String("false")},
			},
			Columns: columns(glueschema.Reports()),
		},
	}, parent)
	if err != nil {
		return nil, err
	}

	results, ready, err := newHardenedBucket(ctx, name+"-results", bucketSpec{
		BucketName:      args.ResultsBucketName,
		KMSKeyARN:       args.KMSKeyARN,
		AccessLogBucket: args.AccessLogBucket,
		DataProtection:  args.DataProtection,
	}, c)
	if err != nil {
		return nil, err
	}
	resultsPolicy, err := policydoc.New(denyInsecureTransport(args.Account.BucketARN(args.ResultsBucketName))...).JSON()
	if err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketPolicy(ctx, name+"-results-policy", &s3.BucketPolicyArgs{
		Bucket: results.ID(),
		Policy: pulumi.String(resultsPolicy),
	}, parent, pulumi.DependsOn(ready)); err != nil {
		return nil, err
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, name+"-results-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: results.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{
			abortIncompleteUploads(args.AbortIncompleteMultipartUploadDays),
			&s3.BucketLifecycleConfigurationV2RuleArgs{
				Id:         pulumi.String("expire-query-results"),
				Status:     pulumi.String("Enabled"),
				Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
				Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(args.ResultsExpirationDays)},
				NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
					NoncurrentDays: pulumi.Int(args.NoncurrentVersionExpirationDays),
				},
			},
		},
	}, parent, pulumi.DependsOn(ready)); err != nil {
		return nil, err
	}

	workgroup, err := athena.NewWorkgroup(ctx, name+"-workgroup", &athena.WorkgroupArgs{
		Name:         pulumi.String(args.WorkgroupName),
		Description:  pulumi.String("Audit queries of secure-data-pipeline; results encrypted with the pipeline key"),
		ForceDestroy: pulumi.Bool(args.ForceDestroy),
		Configuration: &athena.WorkgroupConfigurationArgs{
			EnforceWorkgroupConfiguration:   pulumi.Bool(true),
			PublishCloudwatchMetricsEnabled: pulumi.Bool(true),
			BytesScannedCutoffPerQuery:      pulumi.Int(args.BytesScannedCutoff),
			// The shipped SQL is Trino's dialect.
			EngineVersion: &athena.WorkgroupConfigurationEngineVersionArgs{SelectedEngineVersion: pulumi.String("Athena engine version 3")},
			ResultConfiguration: &athena.WorkgroupConfigurationResultConfigurationArgs{
				OutputLocation:      pulumi.Sprintf("s3://%s/", args.ResultsBucketName),
				ExpectedBucketOwner: pulumi.String(args.Account.ID),
				EncryptionConfiguration: &athena.WorkgroupConfigurationResultConfigurationEncryptionConfigurationArgs{
					EncryptionOption: pulumi.String("SSE_KMS"),
					KmsKeyArn:        args.KMSKeyARN,
				},
				AclConfiguration: &athena.WorkgroupConfigurationResultConfigurationAclConfigurationArgs{
					S3AclOption: pulumi.String("BUCKET_OWNER_FULL_CONTROL"),
				},
			},
		},
		Tags: pulumi.ToStringMap(args.Tags),
	}, parent, pulumi.DependsOn([]pulumi.Resource{results}))
	if err != nil {
		return nil, err
	}

	for _, q := range rendered {
		description := q.Description
		if len(description) > 1024 {
			description = description[:1021] + "..."
		}
		nq, err := athena.NewNamedQuery(ctx, name+"-query-"+strings.ReplaceAll(q.Name, "_", "-"), &athena.NamedQueryArgs{
			Name:        pulumi.String(q.Name),
			Description: pulumi.String(description),
			Database:    db.Name,
			Workgroup:   workgroup.Name,
			Query:       pulumi.String(q.SQL),
		}, parent, pulumi.DependsOn([]pulumi.Resource{cloudtrail, receipts}))
		if err != nil {
			return nil, err
		}
		c.NamedQueryIDs[q.Name] = nq.ID().ToStringOutput()
	}

	c.DatabaseName = db.Name
	c.CloudTrailTableName = cloudtrail.Name
	c.ReceiptsTableName = receipts.Name
	c.ReportsTableName = reports.Name
	c.WorkgroupName = workgroup.Name
	c.ResultsBucketName = results.Bucket
	outputs := pulumi.Map{
		"databaseName":        c.DatabaseName,
		"cloudtrailTableName": c.CloudTrailTableName,
		"receiptsTableName":   c.ReceiptsTableName,
		"reportsTableName":    c.ReportsTableName,
		"workgroupName":       c.WorkgroupName,
		"resultsBucketName":   c.ResultsBucketName,
	}
	for k, v := range c.NamedQueryIDs {
		outputs["namedQuery:"+k] = v
	}
	return c, ctx.RegisterResourceOutputs(c, outputs)
}

func columns(cols []glueschema.Column) glue.CatalogTableStorageDescriptorColumnArray {
	out := make(glue.CatalogTableStorageDescriptorColumnArray, len(cols))
	for i, col := range cols {
		out[i] = &glue.CatalogTableStorageDescriptorColumnArgs{Name: pulumi.String(col.Name), Type: pulumi.String(col.Type), Comment: pulumi.String(col.Comment)}
	}
	return out
}

func partitionKeys(cols []glueschema.Column) glue.CatalogTablePartitionKeyArray {
	out := make(glue.CatalogTablePartitionKeyArray, len(cols))
	for i, col := range cols {
		out[i] = &glue.CatalogTablePartitionKeyArgs{Name: pulumi.String(col.Name), Type: pulumi.String(col.Type), Comment: pulumi.String(col.Comment)}
	}
	return out
}
