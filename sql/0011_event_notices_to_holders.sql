-- An event moved or cancelled tells every ticket holder, not only the buyer: each ticket whose
-- holder was given an address other than the buyer's gets a mail of its own about that ticket
-- (ticket_id set, as for ticket_issued; the notifier leaves it unsent when Notify.AttendeeMails
-- is 0). The buyer's mail and text, the payload and the keys of 0010 stay as they were.
DROP TRIGGER events_outbox_au;

-- Three kinds of recipient per confirmed booking: the buyer's address, the buyer's number, and
-- (holder = 1) each of its tickets' holders with an address of their own.
CREATE TRIGGER events_outbox_au AFTER UPDATE ON events FOR EACH ROW
  INSERT INTO outbox (kind, channel, recipient, booking_id, event_id, ticket_id, payload, dedupe_key)
  SELECT m.kind, c.channel,
         IF(c.holder, i.holder_email, IF(c.channel = 'email', b.buyer_email, b.buyer_phone)),
         b.booking_id, NEW.event_id, IF(c.holder, i.ticket_id, NULL),
         JSON_OBJECT('oldStartsLocal',
                     DATE_FORMAT(COALESCE(CONVERT_TZ(OLD.starts_at, '+00:00', ov.timezone), OLD.starts_at),
                                 '%Y-%m-%d %H:%i:%s'),
                     'oldUtcOffset',
                     COALESCE(TIMESTAMPDIFF(MINUTE, OLD.starts_at,
                                            CONVERT_TZ(OLD.starts_at, '+00:00', ov.timezone)), 0),
                     'oldTimezone', ov.timezone, 'oldVenue', ov.name, 'oldCity', ov.city),
         CONCAT(m.kind, ':', b.booking_id, ':', IF(c.holder, CONCAT('t', i.ticket_id), c.channel),
                ':v', NEW.version)
  FROM (SELECT IF(NEW.status = 'cancelled', 'event_cancelled', 'event_changed') AS kind) m
  JOIN (SELECT 'email' AS channel, 0 AS holder UNION ALL SELECT 'sms', 0 UNION ALL SELECT 'email', 1) c
  JOIN venues ov ON ov.venue_id = OLD.venue_id
  JOIN bookings b ON b.event_id = NEW.event_id AND b.payment_status = 'confirmed'
  LEFT JOIN booking_items i ON c.holder = 1 AND i.booking_id = b.booking_id
                           AND COALESCE(i.holder_email, '') <> ''
                           AND i.holder_email <> COALESCE(b.buyer_email, '')
  WHERE OLD.status = 'published'
    AND ((NEW.status = 'cancelled')
         OR (NEW.status = 'published' AND (NEW.starts_at <> OLD.starts_at OR NEW.venue_id <> OLD.venue_id)))
    AND IF(c.holder, i.ticket_id IS NOT NULL,
           COALESCE(IF(c.channel = 'email', b.buyer_email, b.buyer_phone), '') <> '')
  ON DUPLICATE KEY UPDATE outbox_id = outbox_id;
