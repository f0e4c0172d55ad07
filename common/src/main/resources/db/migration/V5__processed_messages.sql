-- processed_messages itself came with V1; ProcessedMessages now prunes it by age, so the ids are
-- found by when they were recorded without reading the whole table.
create index processed_messages_by_age on processed_messages (processed_at);
