// Package notification turns what Lambda delivers to the provenance function
// into the object events it must record: an SQS batch whose message bodies are
// S3 event notifications, or, for manual runs, an S3 event invoked directly.
//
// It never fails a whole batch for one bad message: each message carries its
// own parse error, so the handler can report exactly that message as a batch
// item failure and let SQS retry it, then dead-letter it.
package notification

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Object is one object-created event, with its key decoded.
type Object struct {
	Bucket    string
	Key       string // decoded: S3 sends keys URL-encoded, spaces as '+'
	VersionID string // empty for an unversioned bucket or a manual event
	Size      int64
	ETag      string
	Sequencer string

	EventName       string // without the "s3:" prefix some servers add
	EventTime       time.Time
	RequestID       string // x-amz-request-id of the write
	PrincipalID     string
	SourceIPAddress string
}

// Message is one SQS message, or the whole event of a direct invocation.
type Message struct {
	// ID is the SQS message id, to name in a batch item failure. Empty for
	// a direct invocation.
	ID string
	// TestEvent is set for the s3:TestEvent S3 sends when a notification
	// configuration is saved; it carries no object.
	TestEvent bool
	// Objects are the object-created events in the message.
	Objects []Object
	// Ignored counts records of other event types (a manual run may carry
	// them); they are not provenance events.
	Ignored []string
	// Err is set when the message could not be understood. Objects is then
	// empty and the message must fail, never be dropped.
	Err error
}

// Batch is everything one invocation delivered.
type Batch struct {
	// FromSQS is set when the invocation came from the SQS event source
	// mapping and failures are reported per message.
	FromSQS  bool
	Messages []Message
}

// Parse reads an invocation payload. It returns an error only when the
// payload as a whole is neither an SQS event nor an S3 event; a bad SQS
// message body is reported on that message.
func Parse(payload []byte) (Batch, error) {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
		Event string `json:"Event"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return Batch{}, fmt.Errorf("invocation payload is not JSON: %w", err)
	}
	if probe.Event == "s3:TestEvent" {
		return Batch{Messages: []Message{{TestEvent: true}}}, nil
	}
	if len(probe.Records) == 0 {
		return Batch{}, errors.New("invocation payload has no Records: expected an SQS event of S3 notifications or an S3 event")
	}
	switch probe.Records[0].EventSource {
	case "aws:sqs":
		var sqs events.SQSEvent
		if err := json.Unmarshal(payload, &sqs); err != nil {
			return Batch{}, fmt.Errorf("SQS event: %w", err)
		}
		b := Batch{FromSQS: true}
		for _, m := range sqs.Records {
			msg := parseBody([]byte(m.Body))
			msg.ID = m.MessageId
			if msg.ID == "" && msg.Err == nil {
				msg.Err = errors.New("SQS record has no messageId")
			}
			b.Messages = append(b.Messages, msg)
		}
		return b, nil
	case "aws:s3":
		return Batch{Messages: []Message{parseBody(payload)}}, nil
	default:
		return Batch{}, fmt.Errorf("invocation payload has records from %q: expected aws:sqs or aws:s3", probe.Records[0].EventSource)
	}
}

// parseBody reads one S3 notification document.
func parseBody(body []byte) Message {
	var doc struct {
		events.S3Event
		Event string `json:"Event"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Message{Err: fmt.Errorf("message body is not an S3 event notification: %w", err)}
	}
	if doc.Event == "s3:TestEvent" {
		return Message{TestEvent: true}
	}
	if len(doc.Records) == 0 {
		return Message{Err: errors.New("message body has no Records and is not an s3:TestEvent")}
	}
	var msg Message
	for i, rec := range doc.Records {
		name := strings.TrimPrefix(rec.EventName, "s3:")
		if !strings.HasPrefix(name, "ObjectCreated:") {
			msg.Ignored = append(msg.Ignored, rec.EventName)
			continue
		}
		key, err := DecodeKey(rec.S3.Object.Key)
		if err != nil {
			return Message{Err: fmt.Errorf("record %d: %w", i, err)}
		}
		if rec.S3.Bucket.Name == "" || key == "" {
			return Message{Err: fmt.Errorf("record %d names no bucket or no key", i)}
		}
		msg.Objects = append(msg.Objects, Object{
			Bucket:          rec.S3.Bucket.Name,
			Key:             key,
			VersionID:       rec.S3.Object.VersionID,
			Size:            rec.S3.Object.Size,
			ETag:            rec.S3.Object.ETag,
			Sequencer:       rec.S3.Object.Sequencer,
			EventName:       name,
			EventTime:       rec.EventTime,
			RequestID:       rec.ResponseElements["x-amz-request-id"],
			PrincipalID:     rec.PrincipalID.PrincipalID,
			SourceIPAddress: rec.RequestParameters.SourceIPAddress,
		})
	}
	return msg
}

// DecodeKey decodes an object key as S3 writes it into event notifications:
// URL-encoded, with spaces as '+'. aws-lambda-go leaves URLDecodedKey empty
// when it unmarshals JSON, so this is the one place keys are decoded.
func DecodeKey(raw string) (string, error) {
	key, err := url.QueryUnescape(raw)
	if err != nil {
		return "", fmt.Errorf("object key %q is not URL-encoded as S3 encodes keys: %w", raw, err)
	}
	return key, nil
}
