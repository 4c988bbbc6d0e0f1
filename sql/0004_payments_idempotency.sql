-- Payments and API idempotency. A payment row records every charge attempt against a
-- provider (the offline test provider now, Stripe/PayPal later) so that a charge that lands
-- after its hold was lost can be found and refunded. idempotency_keys stores the first
-- response to a keyed POST so a retry with the same key and body gets the same answer.

CREATE TABLE payments (
  payment_id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id    BIGINT UNSIGNED NOT NULL,
  event_id      INT UNSIGNED NOT NULL,
  provider      VARCHAR(32) NOT NULL,
  provider_ref  VARCHAR(255) NULL,
  amount_cents  INT UNSIGNED NOT NULL,
  currency      CHAR(3) NOT NULL,
  status        ENUM('pending','succeeded','declined','failed','refunded') NOT NULL DEFAULT 'pending',
  failure       VARCHAR(255) NULL,
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (payment_id),
  KEY idx_payments_booking (booking_id),
  UNIQUE KEY uq_payments_provider_ref (provider, provider_ref),
  CONSTRAINT fk_payments_booking FOREIGN KEY (booking_id) REFERENCES bookings (booking_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status 0 while the first request is still being processed.
CREATE TABLE idempotency_keys (
  idempotency_key VARCHAR(255) NOT NULL,
  scope           VARCHAR(32) NOT NULL,
  request_hash    BINARY(32) NOT NULL,
  status          SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  response        MEDIUMTEXT NULL,
  created_at      DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (scope, idempotency_key),
  KEY idx_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
