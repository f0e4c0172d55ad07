-- Messages a consumer gave up (docs/messaging.md, "Failures"): a permanent failure, a transient one
-- past MESSAGE_RETRY_LIMIT attempts, or a record that is not a CloudEvent. Listed newest first by
-- GET /api/v1/dead-letters; on Kafka each is also produced to the topic lanes.dead-letters.
create table dead_letters (
  id bigserial primary key,
  consumer text not null,
  channel text not null,
  message_id text,
  message_type text,
  partition_key text,
  record jsonb not null,
  error_class text not null,
  error text not null,
  attempts integer not null,
  failed_at timestamptz not null default now(),
  -- a redelivery (after a rebalance) dead-lettered again is recorded once
  unique (consumer, channel, message_id)
);
