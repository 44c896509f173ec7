-- The provenance ledger: every file written under the incoming prefix of the
-- raw bucket and every receipt, joined on the write's request id (or, when
-- that is missing, on bucket, key and version), with a status:
--   MATCHED              receipt and CloudTrail write agree
--   NO_CLOUDTRAIL_EVENT  a receipt whose write CloudTrail did not record
--   NO_RECEIPT           a write with no receipt (yet, or ever)
--   MISSING_OBJECT       the version was gone before it could be hashed
--   CHECKSUM_MISMATCH    S3's own SHA-256 disagrees with the bytes read
-- The function's own writes under provenance/ are not ledger rows.
CREATE OR REPLACE VIEW {{.Database}}.provenance_ledger AS
WITH writes AS (
  SELECT *
  FROM {{.Database}}.cloudtrail_s3_events_flattened
  WHERE eventcategory = 'Data'
    AND eventname IN ('PutObject', 'CopyObject', 'CompleteMultipartUpload')
    AND error_code IS NULL
    AND bucket_name = '{{.RawBucket}}'
    AND object_key LIKE '{{.IncomingPrefix}}%'
),
receipts AS (
  SELECT *
  FROM {{.Database}}.{{.ReceiptsTable}}
  WHERE bucket = '{{.RawBucket}}'
),
receipted AS (
  SELECT
    CASE
      WHEN r.status = 'missing' THEN 'MISSING_OBJECT'
      WHEN r.checksumcomparison = 'mismatch' THEN 'CHECKSUM_MISMATCH'
      WHEN coalesce(w1.request_id, w2.request_id) IS NOT NULL THEN 'MATCHED'
      ELSE 'NO_CLOUDTRAIL_EVENT'
    END AS status,
    r.bucket AS bucket,
    r.key AS object_key,
    r.versionid AS version_id,
    r.sha256 AS sha256,
    r.size AS size,
    coalesce(w1.eventname, w2.eventname, r.eventname) AS event_name,
    coalesce(w1.eventtime, w2.eventtime, from_iso8601_timestamp(r.eventtime)) AS event_time,
    coalesce(w1.user_arn, w2.user_arn) AS user_arn,
    coalesce(w1.sso_user, w2.sso_user) AS sso_user,
    coalesce(w1.principal_id, w2.principal_id, r.principalid) AS principal_id,
    coalesce(w1.source_ip_address, w2.source_ip_address, r.sourceipaddress) AS source_ip_address,
    coalesce(w1.user_agent, w2.user_agent) AS user_agent,
    coalesce(w1.request_id, w2.request_id, r.requestid) AS request_id,
    from_iso8601_timestamp(r.recordedat) AS recorded_at,
    r.checksumcomparison AS checksum_comparison
  FROM receipts r
  LEFT JOIN writes w1
    ON w1.request_id = r.requestid
  LEFT JOIN writes w2
    ON w1.request_id IS NULL
    AND w2.bucket_name = r.bucket
    AND w2.object_key = r.key
    AND w2.version_id = r.versionid
),
unreceipted AS (
  SELECT w.*
  FROM writes w
  LEFT JOIN receipts r1
    ON r1.requestid = w.request_id
  LEFT JOIN receipts r2
    ON r2.bucket = w.bucket_name
    AND r2.key = w.object_key
    AND r2.versionid = w.version_id
  WHERE r1.key IS NULL
    AND r2.key IS NULL
)
SELECT * FROM receipted
UNION ALL
SELECT
  'NO_RECEIPT' AS status,
  bucket_name AS bucket,
  object_key,
  version_id,
  NULL AS sha256,
  bytes_in AS size,
  eventname AS event_name,
  eventtime AS event_time,
  user_arn,
  sso_user,
  principal_id,
  source_ip_address,
  user_agent,
  request_id,
  NULL AS recorded_at,
  NULL AS checksum_comparison
FROM unreceipted
