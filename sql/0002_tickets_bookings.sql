-- Inventory and sales. One tickets row per sellable seat or standing place of an event;
-- bookings hold tickets (reserved, with hold_expires_at) until paid (sold) or expired.
-- Everything carries event_id so the data can later be sharded by event.

CREATE TABLE bookings (
  booking_id        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id          INT UNSIGNED NOT NULL,
  user_id           BIGINT UNSIGNED NULL,
  booking_code      CHAR(10) NOT NULL,
  access_token_hash BINARY(32) NOT NULL,
  buyer_name        VARCHAR(200) NULL,
  buyer_email       VARCHAR(254) NULL,
  total_price_cents INT UNSIGNED NOT NULL,
  currency          CHAR(3) NOT NULL,
  payment_status    ENUM('pending','confirmed','failed','expired','cancelled','refunded')
                    NOT NULL DEFAULT 'pending',
  expires_at        DATETIME NULL,
  idempotency_key   VARCHAR(255) NULL,
  request_hash      BINARY(32) NULL,
  created_at        DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at        DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (booking_id),
  UNIQUE KEY uq_bookings_code (booking_code),
  UNIQUE KEY uq_bookings_idempotency (idempotency_key),
  KEY idx_bookings_event_status (event_id, payment_status),
  KEY idx_bookings_expiry (payment_status, expires_at),
  KEY idx_bookings_user (user_id),
  CONSTRAINT fk_bookings_event FOREIGN KEY (event_id) REFERENCES events (event_id),
  CONSTRAINT fk_bookings_user FOREIGN KEY (user_id) REFERENCES users (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- seat_label is the ticket's seat designation ("Stalls B-12", "Standing"); seat_id is NULL
-- for standing places. A seat is sellable once per event (uq_tickets_event_seat).
CREATE TABLE tickets (
  ticket_id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id        INT UNSIGNED NOT NULL,
  section_id      INT UNSIGNED NOT NULL,
  seat_id         INT UNSIGNED NULL,
  tier_id         INT UNSIGNED NOT NULL,
  seat_label      VARCHAR(64) NOT NULL,
  price_cents     INT UNSIGNED NOT NULL,
  status          ENUM('available','reserved','sold') NOT NULL DEFAULT 'available',
  booking_id      BIGINT UNSIGNED NULL,
  hold_expires_at DATETIME NULL,
  PRIMARY KEY (ticket_id),
  UNIQUE KEY uq_tickets_event_seat (event_id, seat_id),
  KEY idx_tickets_event_section_status (event_id, section_id, status),
  KEY idx_tickets_booking (booking_id),
  KEY idx_tickets_hold (status, hold_expires_at),
  CONSTRAINT fk_tickets_event FOREIGN KEY (event_id) REFERENCES events (event_id),
  CONSTRAINT fk_tickets_section FOREIGN KEY (section_id) REFERENCES venue_sections (section_id),
  CONSTRAINT fk_tickets_seat FOREIGN KEY (seat_id) REFERENCES venue_seats (seat_id),
  CONSTRAINT fk_tickets_tier FOREIGN KEY (tier_id) REFERENCES price_tiers (tier_id),
  CONSTRAINT fk_tickets_booking FOREIGN KEY (booking_id) REFERENCES bookings (booking_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The issued e-tickets of a confirmed booking.
CREATE TABLE booking_items (
  item_id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id    BIGINT UNSIGNED NOT NULL,
  event_id      INT UNSIGNED NOT NULL,
  ticket_id     BIGINT UNSIGNED NOT NULL,
  price_cents   INT UNSIGNED NOT NULL,
  ticket_code   VARCHAR(64) NOT NULL,
  checked_in_at DATETIME NULL,
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (item_id),
  UNIQUE KEY uq_items_code (ticket_code),
  UNIQUE KEY uq_items_booking_ticket (booking_id, ticket_id),
  KEY idx_items_ticket (ticket_id),
  KEY idx_items_event (event_id),
  CONSTRAINT fk_items_booking FOREIGN KEY (booking_id) REFERENCES bookings (booking_id),
  CONSTRAINT fk_items_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
