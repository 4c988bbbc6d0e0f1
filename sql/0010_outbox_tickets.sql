-- Confirmations and e-tickets: the transactional outbox that `boxoffice notify` delivers,
-- the buyer's phone for SMS, and the door's check-in record on each e-ticket.
--
-- A message is written in the very transaction that makes it true (the confirm that sells the
-- tickets, the sweep's expiry, a refund's success, an edit of the event), so it is never lost
-- and never sent for something that did not commit. The notifier claims due rows with
-- FOR UPDATE SKIP LOCKED, sends them with no transaction open, and records the outcome.

CREATE TABLE outbox (
  outbox_id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- booking_confirmed, payment_failed, hold_expired, refund_issued, late_payment_refunded,
  -- event_changed, event_cancelled (and the accounts' mails to come)
  kind         VARCHAR(40) NOT NULL,
  channel      ENUM('email','sms') NOT NULL,
  recipient    VARCHAR(254) NOT NULL,
  booking_id   BIGINT UNSIGNED NULL,
  event_id     INT UNSIGNED NULL,
  ticket_id    BIGINT UNSIGNED NULL,   -- one attendee's own ticket, when mailed on its own
  ref_id       BIGINT UNSIGNED NULL,   -- what else it is about: the refund, ...
  payload      TEXT NULL,              -- JSON: what the message must say that the rows will not
                                       -- (an event's old time and venue)
  -- One message per fact: a second insert of the same fact (a retried transaction, a replayed
  -- webhook) finds this key and adds nothing.
  dedupe_key   VARCHAR(190) NOT NULL,
  -- queued: waiting for its due_at, or out with a sender until due_at (its lease) passes;
  -- sent; failed: given up (it stays, for `boxoffice notify --failed` and the organizer).
  state        ENUM('queued','sent','failed') NOT NULL DEFAULT 'queued',
  due_at       DATETIME(3) NOT NULL DEFAULT UTC_TIMESTAMP(3),
  attempts     SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  claimed_by   VARCHAR(100) NULL,
  last_error   VARCHAR(500) NULL,
  provider_ref VARCHAR(255) NULL,      -- the SMTP server's queue answer, the SMS provider's id
  created_at   DATETIME(3) NOT NULL DEFAULT UTC_TIMESTAMP(3),
  sent_at      DATETIME(3) NULL,
  PRIMARY KEY (outbox_id),
  UNIQUE KEY uq_outbox_dedupe (dedupe_key),
  KEY idx_outbox_due (state, due_at),
  KEY idx_outbox_booking (booking_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE bookings ADD COLUMN buyer_phone VARCHAR(16) NULL AFTER buyer_email;

-- holder_*: the attendee a ticket was issued to, when the buyer named one; the door's record.
ALTER TABLE booking_items
  ADD COLUMN holder_name VARCHAR(200) NULL AFTER ticket_code,
  ADD COLUMN holder_email VARCHAR(254) NULL AFTER holder_name,
  ADD COLUMN checked_in_door VARCHAR(64) NULL AFTER checked_in_at,
  ADD KEY idx_items_event_checkin (event_id, checked_in_at);

-- The attendees named at checkout, per ticket of the hold, copied onto the e-tickets when the
-- booking is confirmed.
CREATE TABLE booking_holders (
  booking_id   BIGINT UNSIGNED NOT NULL,
  ticket_id    BIGINT UNSIGNED NOT NULL,
  holder_name  VARCHAR(200) NULL,
  holder_email VARCHAR(254) NULL,
  PRIMARY KEY (booking_id, ticket_id),
  CONSTRAINT fk_holders_booking FOREIGN KEY (booking_id) REFERENCES bookings (booking_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every scan at the door, whatever its verdict, for the organizer's record (a forged code
-- tried ten times shows here). Codes are kept as typed, cut to 80 characters.
CREATE TABLE checkin_scans (
  scan_id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id   INT UNSIGNED NOT NULL,
  code       VARCHAR(80) NOT NULL,
  verdict    ENUM('admitted','already_used','void','wrong_event','forged','malformed') NOT NULL,
  door       VARCHAR(64) NOT NULL,
  booking_id BIGINT UNSIGNED NULL,
  ticket_id  BIGINT UNSIGNED NULL,
  scanned_at DATETIME(3) NOT NULL DEFAULT UTC_TIMESTAMP(3),
  PRIMARY KEY (scan_id),
  KEY idx_scans_event (event_id, scanned_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change of an event counts, so each change's messages have a key of their own.
CREATE TRIGGER events_version_bu BEFORE UPDATE ON events FOR EACH ROW
  SET NEW.version = OLD.version + 1;

-- A published event moved (time or venue) or cancelled: every holder of a confirmed booking is
-- told, by mail and by SMS when they gave a number, in the transaction of the change, whoever
-- makes it (the back office, a hand-written UPDATE). The payload keeps what it was before.
CREATE TRIGGER events_outbox_au AFTER UPDATE ON events FOR EACH ROW
  INSERT INTO outbox (kind, channel, recipient, booking_id, event_id, payload, dedupe_key)
  SELECT m.kind, c.channel, IF(c.channel = 'email', b.buyer_email, b.buyer_phone), b.booking_id,
         NEW.event_id,
         JSON_OBJECT('oldStartsLocal',
                     DATE_FORMAT(COALESCE(CONVERT_TZ(OLD.starts_at, '+00:00', ov.timezone), OLD.starts_at),
                                 '%Y-%m-%d %H:%i:%s'),
                     'oldUtcOffset',
                     COALESCE(TIMESTAMPDIFF(MINUTE, OLD.starts_at,
                                            CONVERT_TZ(OLD.starts_at, '+00:00', ov.timezone)), 0),
                     'oldTimezone', ov.timezone, 'oldVenue', ov.name, 'oldCity', ov.city),
         CONCAT(m.kind, ':', b.booking_id, ':', c.channel, ':v', NEW.version)
  FROM (SELECT IF(NEW.status = 'cancelled', 'event_cancelled', 'event_changed') AS kind) m
  JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms') c
  JOIN venues ov ON ov.venue_id = OLD.venue_id
  JOIN bookings b ON b.event_id = NEW.event_id AND b.payment_status = 'confirmed'
  WHERE OLD.status = 'published'
    AND ((NEW.status = 'cancelled')
         OR (NEW.status = 'published' AND (NEW.starts_at <> OLD.starts_at OR NEW.venue_id <> OLD.venue_id)))
    AND COALESCE(IF(c.channel = 'email', b.buyer_email, b.buyer_phone), '') <> ''
  ON DUPLICATE KEY UPDATE outbox_id = outbox_id;
