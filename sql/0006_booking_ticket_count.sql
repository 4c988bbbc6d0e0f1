-- How many tickets a booking holds (or was issued). Confirm checks that the booking still
-- holds exactly this many at exactly its total: a hold that lost a seat after expiring must
-- not be sold, even when the lost seat was free (0 cents) so the total alone cannot tell.
-- Existing bookings are counted from their tickets, or from their issued items once ended.

ALTER TABLE bookings ADD COLUMN ticket_count SMALLINT UNSIGNED NOT NULL DEFAULT 0 AFTER total_price_cents;

UPDATE bookings b SET ticket_count = GREATEST(
  (SELECT COUNT(*) FROM tickets t WHERE t.booking_id = b.booking_id),
  (SELECT COUNT(*) FROM booking_items i WHERE i.booking_id = b.booking_id));
