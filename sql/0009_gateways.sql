-- Real gateways. A payment attempt is either a charge made at once (the API: a PaymentIntent
-- confirmed with a token) or a hosted checkout (a Stripe Checkout Session, a PayPal order)
-- that the shopper completes on the gateway's page: session_id names it at the gateway,
-- checkout_url is where the shopper was sent (so "Pay" again returns there while it is open),
-- and checkout_expires_at is when the gateway stops taking the payment; the hold is extended
-- to it. refunded_cents is what has been given back of a succeeded charge.
ALTER TABLE payments
  ADD COLUMN session_id VARCHAR(255) NULL AFTER provider_ref,
  ADD COLUMN checkout_url VARCHAR(2048) NULL AFTER session_id,
  ADD COLUMN checkout_expires_at DATETIME NULL AFTER checkout_url,
  ADD COLUMN refunded_cents INT UNSIGNED NOT NULL DEFAULT 0 AFTER amount_cents,
  ADD UNIQUE KEY uq_payments_session (provider, session_id),
  ADD KEY idx_payments_status_updated (status, updated_at);

-- Every webhook event a gateway delivered, recorded in the same transaction as its effect:
-- deliveries repeat and arrive out of order, and a replay finds its row and changes nothing.
CREATE TABLE payment_events (
  provider    VARCHAR(32) NOT NULL,
  event_id    VARCHAR(255) NOT NULL,
  event_type  VARCHAR(64) NOT NULL,
  payment_id  BIGINT UNSIGNED NULL,
  outcome     VARCHAR(64) NOT NULL,
  received_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (provider, event_id),
  KEY idx_payment_events_payment (payment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refunds, full or partial, each under its own idempotency key so that asking twice gives
-- back the money once.
CREATE TABLE refunds (
  refund_id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  payment_id      BIGINT UNSIGNED NOT NULL,
  booking_id      BIGINT UNSIGNED NOT NULL,
  amount_cents    INT UNSIGNED NOT NULL,
  idempotency_key VARCHAR(255) NOT NULL,
  provider_ref    VARCHAR(255) NULL,
  status          ENUM('pending','succeeded','failed') NOT NULL DEFAULT 'pending',
  reason          VARCHAR(255) NULL,
  created_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (refund_id),
  UNIQUE KEY uq_refunds_key (idempotency_key),
  KEY idx_refunds_payment (payment_id),
  CONSTRAINT fk_refunds_payment FOREIGN KEY (payment_id) REFERENCES payments (payment_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A booking confirmed by a payment that landed after its hold had run out (its very seats
-- were still free and were taken again): the booking's page and its mail say so.
ALTER TABLE bookings ADD COLUMN late_payment TINYINT(1) NOT NULL DEFAULT 0 AFTER ticket_count;

-- The tickets an expired hold gave back, written by the sweep as it releases them, so that a
-- payment landing after the hold ran out can take the very same seats again if they are
-- still free (and is refunded if not). Costs nothing on the booking path.
CREATE TABLE booking_released_tickets (
  booking_id  BIGINT UNSIGNED NOT NULL,
  ticket_id   BIGINT UNSIGNED NOT NULL,
  released_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (booking_id, ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
