-- Accounts: shoppers, organizers and admins signing in; their sessions; the single-use links
-- mailed to verify an address or reset a password; the throttle on failed sign-ins; and who
-- owns each venue and event.
--
-- Nothing here stores a secret a reader of the database could use: a session row keeps only
-- the hash of the cookie's id, a password only its Argon2id string, and a mailed link's key is
-- an HMAC of its token row made from Secrets.Key, so the row (and the outbox row that mails it)
-- holds no key at all.

-- email_verified_at: NULL until the owner opened the link mailed to the address (guest
-- bookings under that address attach to the account then). deleted_at: the account was
-- deleted by its owner; its row stays, anonymised, so the bookings that point at it keep
-- their books.
ALTER TABLE users
  ADD COLUMN email_verified_at DATETIME NULL AFTER email,
  ADD COLUMN password_changed_at DATETIME NULL AFTER password_hash,
  ADD COLUMN deleted_at DATETIME NULL AFTER created_at;

-- session_hash: BLAKE2b-256 of the 256-bit id in the cookie. expires_at is the absolute end;
-- the idle end is last_seen_at plus Accounts.SessionIdleMinutes, checked on every request
-- (last_seen_at is written at most once a minute, not on every page).
CREATE TABLE sessions (
  session_hash BINARY(32) NOT NULL,
  user_id      BIGINT UNSIGNED NOT NULL,
  created_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  last_seen_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  expires_at   DATETIME NOT NULL,
  PRIMARY KEY (session_hash),
  KEY idx_sessions_user (user_id),
  KEY idx_sessions_expiry (expires_at),
  CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A mailed link: verify (the address of a new account), email_change (a new address, kept in
-- `email` until it is verified), reset (a new password). Used once (used_at), until expires_at.
CREATE TABLE account_tokens (
  token_id   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id    BIGINT UNSIGNED NOT NULL,
  purpose    ENUM('verify','email_change','reset') NOT NULL,
  email      VARCHAR(254) NOT NULL,
  created_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  expires_at DATETIME NOT NULL,
  used_at    DATETIME NULL,
  PRIMARY KEY (token_id),
  KEY idx_tokens_user (user_id, purpose),
  CONSTRAINT fk_tokens_user FOREIGN KEY (user_id) REFERENCES users (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed sign-ins counted per account (the hash of the lower-cased address typed, whether or
-- not an account has it, so the counter says nothing about who has one) and per client
-- address. Past a few failures in a window, that key must wait (locked_until), longer with
-- each further failure.
CREATE TABLE signin_failures (
  scope        ENUM('account','address') NOT NULL,
  key_hash     BINARY(32) NOT NULL,
  failures     INT UNSIGNED NOT NULL,
  window_start DATETIME NOT NULL,
  locked_until DATETIME NULL,
  PRIMARY KEY (scope, key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who owns what: the organizer (a users row with role organizer) who runs a venue or an
-- event. NULL: the site's own (only an admin may touch it). Adding a column with a foreign key
-- rebuilds events, so the session must not drop stopwords, as sql/0003 explains.
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE venues
  ADD COLUMN organizer_id BIGINT UNSIGNED NULL AFTER venue_id,
  ADD KEY idx_venues_organizer (organizer_id),
  ADD CONSTRAINT fk_venues_organizer FOREIGN KEY (organizer_id) REFERENCES users (user_id);
ALTER TABLE events
  ADD COLUMN organizer_id BIGINT UNSIGNED NULL AFTER venue_id,
  ADD KEY idx_events_organizer (organizer_id),
  ADD CONSTRAINT fk_events_organizer FOREIGN KEY (organizer_id) REFERENCES users (user_id);
SET SESSION innodb_ft_enable_stopword = DEFAULT;

-- My bookings: a shopper's bookings by account, newest first.
ALTER TABLE bookings ADD KEY idx_bookings_user_created (user_id, created_at), DROP KEY idx_bookings_user;
