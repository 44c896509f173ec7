-- The runbook's validation: recent uploads to the raw bucket, newest first.
-- The parameter is the first day to read, as yyyy/MM/dd (for example
-- 2026/11/01), so Athena reads only those days' logs.
SELECT eventtime, eventname, user_arn, sso_user, bucket_name, object_key, version_id
FROM {{.Database}}.cloudtrail_s3_events_flattened
WHERE bucket_name = '{{.RawBucket}}'
  AND eventname = 'PutObject'
  AND "timestamp" >= ?
ORDER BY eventtime DESC
LIMIT 100
