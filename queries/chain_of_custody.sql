-- Chain of custody of one object key: every call CloudTrail recorded on it
-- and every receipt written for it, in time order. Pass the key twice (for
-- example incoming/report.csv).
SELECT *
FROM (
  SELECT
    eventtime AS occurred_at,
    'cloudtrail' AS source,
    eventname AS what,
    user_arn AS who,
    source_ip_address AS from_where,
    version_id,
    request_id,
    error_code AS detail,
    NULL AS sha256
  FROM {{.Database}}.cloudtrail_s3_events_flattened
  WHERE bucket_name = '{{.RawBucket}}'
    AND object_key = ?
  UNION ALL
  SELECT
    from_iso8601_timestamp(recordedat) AS occurred_at,
    'receipt' AS source,
    status AS what,
    functionname AS who,
    NULL AS from_where,
    versionid AS version_id,
    requestid AS request_id,
    checksumcomparison AS detail,
    sha256
  FROM {{.Database}}.{{.ReceiptsTable}}
  WHERE bucket = '{{.RawBucket}}'
    AND key = ?
) AS custody
ORDER BY occurred_at, source
