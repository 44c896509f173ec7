package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/caa304/secure-data-pipeline/functions/provenance/notification"
	"github.com/caa304/secure-data-pipeline/functions/provenance/recorder"
)

// handler is the Lambda entry point. It records every object of every
// message and reports each message that could not be fully recorded as a
// batch item failure, so SQS retries exactly that message and, after the
// queue's maximum receives, moves it to the dead-letter queue. Nothing is
// dropped: a message either ends with every object receipted (or skipped by
// rule), or fails.
type handler struct {
	recorder *recorder.Recorder
	log      *slog.Logger
}

// Handle processes one invocation. For an SQS batch the error is nil and
// failures are in the response; for a direct S3 event any failure is
// returned as an error, so Lambda's own retries apply.
func (h *handler) Handle(ctx context.Context, payload json.RawMessage) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	batch, err := notification.Parse(payload)
	if err != nil {
		h.log.ErrorContext(ctx, "invocation", "outcome", "failed", "error", err.Error())
		return resp, err
	}
	var failed []error
	for _, msg := range batch.Messages {
		if err := h.message(ctx, msg); err != nil {
			failed = append(failed, err)
			if batch.FromSQS {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.ID})
			}
		}
	}
	if !batch.FromSQS && len(failed) > 0 {
		return resp, errors.Join(failed...)
	}
	return resp, nil
}

// message records every object of one message and returns the first failure,
// after trying them all: the retry re-records the successes as duplicates.
func (h *handler) message(ctx context.Context, msg notification.Message) error {
	log := h.log.With("messageId", msg.ID)
	switch {
	case msg.Err != nil:
		log.ErrorContext(ctx, "message", "outcome", "failed", "error", msg.Err.Error())
		return msg.Err
	case msg.TestEvent:
		log.InfoContext(ctx, "message", "outcome", "ignored", "reason", "s3:TestEvent")
		return nil
	}
	for _, name := range msg.Ignored {
		log.InfoContext(ctx, "record", "outcome", "ignored", "reason", "not an object-created event", "eventName", name)
	}
	var first error
	for _, o := range msg.Objects {
		attrs := []any{"bucket", o.Bucket, "key", o.Key, "versionId", o.VersionID, "eventName", o.EventName, "sequencer", o.Sequencer}
		res, err := h.recorder.Record(ctx, o)
		if err != nil {
			if errors.Is(err, recorder.ErrIntegrity) {
				attrs = append(attrs, "alarm", "integrity")
			}
			log.ErrorContext(ctx, "record", append(attrs, "outcome", "failed", "error", err.Error())...)
			if first == nil {
				first = fmt.Errorf("%s (%s): %w", o.Key, o.VersionID, err)
			}
			continue
		}
		attrs = append(attrs, "outcome", string(res.Outcome))
		if res.Reason != "" {
			attrs = append(attrs, "reason", res.Reason)
		}
		if res.Receipt != nil {
			attrs = append(attrs, "receiptKey", res.ReceiptKey, "sha256", res.Receipt.SHA256, "size", res.Receipt.Size)
		}
		log.InfoContext(ctx, "record", attrs...)
	}
	return first
}
