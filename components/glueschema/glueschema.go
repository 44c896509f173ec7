// Package glueschema holds the column definitions of the audit tables, as
// Hive types, in one place: the Glue tables are created from them, and the
// SQL tests build their tables from the same definitions, so the two cannot
// describe different data.
package glueschema

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/caa304/secure-data-pipeline/functions/provenance/receipt"
	"github.com/caa304/secure-data-pipeline/functions/provenance/verification"
)

// Column is one column of a table.
type Column struct {
	Name    string
	Type    string // Hive type, as Glue stores it
	Comment string
}

// CloudTrail are the columns of CloudTrail log records, as the Athena User
// Guide documents them for the partition-projection table. The three
// free-form fields are JSON text, read with json_extract_scalar.
var CloudTrail = []Column{
	{"eventversion", "string", ""},
	{"useridentity", "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string," +
		"onbehalfof:struct<userid:string,identitystorearn:string>," +
		"sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>," +
		"sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>," +
		"ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>", "Who made the call."},
	{"eventtime", "string", "ISO 8601, UTC."},
	{"eventsource", "string", ""},
	{"eventname", "string", ""},
	{"awsregion", "string", ""},
	{"sourceipaddress", "string", ""},
	{"useragent", "string", ""},
	{"errorcode", "string", ""},
	{"errormessage", "string", ""},
	{"requestparameters", "string", "JSON text."},
	{"responseelements", "string", "JSON text."},
	{"additionaleventdata", "string", "JSON text."},
	{"requestid", "string", "x-amz-request-id of the call."},
	{"eventid", "string", ""},
	{"resources", "array<struct<arn:string,accountid:string,type:string>>", ""},
	{"eventtype", "string", ""},
	{"apiversion", "string", ""},
	{"readonly", "string", ""},
	{"recipientaccountid", "string", ""},
	{"serviceeventdetails", "string", ""},
	{"sharedeventid", "string", ""},
	{"vpcendpointid", "string", ""},
	{"vpcendpointaccountid", "string", ""},
	{"eventcategory", "string", "Management or Data."},
	{"addendum", "struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>", ""},
	{"sessioncredentialfromconsole", "string", ""},
	{"edgedevicedetails", "string", ""},
	{"tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>", ""},
}

// CloudTrailPartitions are the projected partition columns of the CloudTrail
// table, in the order of its storage location template.
var CloudTrailPartitions = []Column{
	{"region", "string", "Region folder of the log file."},
	{"timestamp", "string", "Date folder of the log file, yyyy/MM/dd."},
}

// Receipts are the columns of the receipts table: one per field of
// receipt.Receipt, named by its JSON name in lower case (the JSON SerDe
// matches keys case-insensitively).
func Receipts() []Column { return jsonColumns(reflect.TypeFor[receipt.Receipt](), "receipt field ") }

// Reports are the columns of the verification reports table: one per field
// of verification.ReportLine.
func Reports() []Column {
	return jsonColumns(reflect.TypeFor[verification.ReportLine](), "report field ")
}

// ReportPartitions is the projected partition of the reports table.
var ReportPartitions = []Column{{"day", "string", "Date folder of the report, yyyy/MM/dd."}}

// jsonColumns lists the JSON fields of a struct, embedded structs flattened,
// as Hive columns.
func jsonColumns(t reflect.Type, comment string) []Column {
	var cols []Column
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case f.Anonymous:
			cols = append(cols, jsonColumns(f.Type, comment)...)
			continue
		case !f.IsExported():
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		cols = append(cols, Column{Name: strings.ToLower(name), Type: hiveType(f.Type), Comment: comment + name})
	}
	return cols
}

// hiveType maps the Go kinds a receipt uses to Hive types. A kind it does
// not know is a programming error caught by the tests, not a deploy-time
// surprise.
func hiveType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64:
		return "bigint"
	case reflect.Bool:
		return "boolean"
	}
	panic(fmt.Sprintf("glueschema: no Hive type for receipt field of kind %s", t.Kind()))
}
