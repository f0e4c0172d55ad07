-- The order in which outbox rows were published, for subscribers of /api/v1/events.
-- Outbox ids are taken at insert and can commit out of order; a subscriber that followed ids
-- could skip a late commit. The relay is the only writer of seq and marks one batch at a time,
-- so every seq below the highest visible one is already visible: following seq misses nothing.
create sequence outbox_seq;
alter table outbox add column seq bigint;
update outbox set seq = s.n
  from (select id, nextval('outbox_seq') as n
          from (select id from outbox where published_at is not null order by id) ordered) s
 where outbox.id = s.id;
create unique index outbox_by_seq on outbox (seq) where seq is not null;
