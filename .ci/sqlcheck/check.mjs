// Checks every statement in queries/*.sql against Trino's grammar (the
// dialect of Athena engine version 3) with dt-sql-parser. DuckDB runs the
// same SQL in the tests but accepts syntax Trino rejects; this catches that.
// Usage: node check.bundle.mjs <queries dir>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TrinoSQL } from 'dt-sql-parser';

const trino = new TrinoSQL();

// The checker must be able to fail: a DuckDB-only cast is not Trino.
if (trino.validate('SELECT x::int FROM t').length === 0) {
  console.error('sqlcheck: the Trino parser accepted DuckDB syntax; the check is broken');
  process.exit(2);
}

// Template placeholders take sample names; only the grammar is checked.
const names = {
  Database: 'sdp_dev_audit',
  CloudTrailTable: 'cloudtrail_logs',
  ReceiptsTable: 'provenance_receipts',
  RawBucket: 'sdp-dev-raw-data',
  IncomingPrefix: 'incoming/',
};

const dir = process.argv[2];
let failed = 0;
const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
for (const file of files) {
  const sql = readFileSync(join(dir, file), 'utf8').replace(/\{\{\s*\.(\w+)\s*\}\}/g, (m, k) => {
    if (!(k in names)) throw new Error(`${file}: unknown placeholder ${m}`);
    return names[k];
  });
  const errors = trino.validate(sql);
  if (errors.length > 0) {
    failed++;
    for (const e of errors) {
      console.error(`${file}:${e.startLine}:${e.startColumn}: ${e.message}`);
    }
  } else {
    console.log(`ok   ${file}`);
  }
}
if (files.length === 0) {
  console.error(`sqlcheck: no .sql files in ${dir}`);
  process.exit(2);
}
process.exit(failed ? 1 : 0);
