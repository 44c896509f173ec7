-- Every S3 call CloudTrail recorded, one row per call, with who, what, when
-- and where pulled out of the nested record. Filter on "timestamp"
-- (yyyy/MM/dd) and region to read only the days and regions you need.
CREATE OR REPLACE VIEW {{.Database}}.cloudtrail_s3_events_flattened AS
SELECT
  from_iso8601_timestamp(eventtime) AS eventtime,
  eventname,
  eventcategory,
  useridentity.arn AS user_arn,
  useridentity.principalid AS principal_id,
  useridentity.type AS principal_type,
  regexp_extract(useridentity.arn, '/AWSReservedSSO_[^/]+/(.+)$', 1) AS sso_user,
  useridentity.accountid AS account_id,
  awsregion AS aws_region,
  sourceipaddress AS source_ip_address,
  useragent AS user_agent,
  json_extract_scalar(requestparameters, '$.bucketName') AS bucket_name,
  json_extract_scalar(requestparameters, '$.key') AS object_key,
  coalesce(
    json_extract_scalar(responseelements, '$["x-amz-version-id"]'),
    json_extract_scalar(requestparameters, '$.versionId')
  ) AS version_id,
  requestid AS request_id,
  CAST(TRY_CAST(json_extract_scalar(additionaleventdata, '$.bytesTransferredIn') AS double) AS bigint) AS bytes_in,
  CAST(TRY_CAST(json_extract_scalar(additionaleventdata, '$.bytesTransferredOut') AS double) AS bigint) AS bytes_out,
  errorcode AS error_code,
  errormessage AS error_message,
  region,
  "timestamp"
FROM {{.Database}}.{{.CloudTrailTable}}
WHERE eventsource = 's3.amazonaws.com'
