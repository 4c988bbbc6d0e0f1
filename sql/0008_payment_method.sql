-- The tokenised payment method an attempt charged (e.g. Stripe's "pm_card_visa"; never card
-- data), so that an attempt left pending by a worker that died mid-charge can be replayed
-- with its idempotency key to learn what happened (booking_reconcile_pending in the sweep).
ALTER TABLE payments
  ADD COLUMN payment_method VARCHAR(255) NULL AFTER provider_ref,
  ADD KEY idx_payments_status_created (status, created_at);
