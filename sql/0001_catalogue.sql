-- The catalogue: who plays where and when. Venues own sections and seats (with x/y for the
-- seat map); events belong to a venue and a category and carry a version bumped on every edit.
-- All times are UTC DATETIMEs; each venue names its IANA time zone for display.

CREATE TABLE users (
  user_id       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email         VARCHAR(254) NOT NULL,
  name          VARCHAR(200) NOT NULL,
  password_hash VARCHAR(255) NULL,
  role          ENUM('customer','organizer','admin') NOT NULL DEFAULT 'customer',
  created_at    DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (user_id),
  UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE venues (
  venue_id   INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name       VARCHAR(200) NOT NULL,
  address    VARCHAR(300) NOT NULL,
  city       VARCHAR(100) NOT NULL,
  country    CHAR(2) NOT NULL,
  timezone   VARCHAR(64) NOT NULL,
  capacity   INT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (venue_id),
  KEY idx_venues_city (city)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A seated section has venue_seats; a standing section only a capacity.
-- map_x/map_y/map_w/map_h place the section's box on the venue's seat map.
CREATE TABLE venue_sections (
  section_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  venue_id   INT UNSIGNED NOT NULL,
  name       VARCHAR(100) NOT NULL,
  kind       ENUM('seated','standing') NOT NULL,
  capacity   INT UNSIGNED NOT NULL,
  sort_order SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  map_x      INT NOT NULL DEFAULT 0,
  map_y      INT NOT NULL DEFAULT 0,
  map_w      INT UNSIGNED NOT NULL DEFAULT 0,
  map_h      INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (section_id),
  UNIQUE KEY uq_sections_venue_name (venue_id, name),
  CONSTRAINT fk_sections_venue FOREIGN KEY (venue_id) REFERENCES venues (venue_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE venue_seats (
  seat_id     INT UNSIGNED NOT NULL AUTO_INCREMENT,
  section_id  INT UNSIGNED NOT NULL,
  row_label   VARCHAR(8) NOT NULL,
  seat_number SMALLINT UNSIGNED NOT NULL,
  x           INT NOT NULL,
  y           INT NOT NULL,
  PRIMARY KEY (seat_id),
  UNIQUE KEY uq_seats_position (section_id, row_label, seat_number),
  CONSTRAINT fk_seats_section FOREIGN KEY (section_id) REFERENCES venue_sections (section_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE categories (
  category_id SMALLINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug        VARCHAR(40) NOT NULL,
  name        VARCHAR(80) NOT NULL,
  PRIMARY KEY (category_id),
  UNIQUE KEY uq_categories_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE performers (
  performer_id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name         VARCHAR(200) NOT NULL,
  PRIMARY KEY (performer_id),
  KEY idx_performers_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- search_extra denormalises performer names, venue name and city so one FULLTEXT index
-- answers keyword search; whoever edits those keeps it current and bumps version.
CREATE TABLE events (
  event_id     INT UNSIGNED NOT NULL AUTO_INCREMENT,
  venue_id     INT UNSIGNED NOT NULL,
  category_id  SMALLINT UNSIGNED NOT NULL,
  name         VARCHAR(200) NOT NULL,
  description  TEXT NOT NULL,
  search_extra TEXT NOT NULL,
  starts_at    DATETIME NOT NULL,
  ends_at      DATETIME NULL,
  status       ENUM('draft','published','cancelled') NOT NULL DEFAULT 'draft',
  currency     CHAR(3) NOT NULL DEFAULT 'EUR',
  popularity   INT UNSIGNED NOT NULL DEFAULT 0,
  version      INT UNSIGNED NOT NULL DEFAULT 1,
  created_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  updated_at   DATETIME NOT NULL DEFAULT UTC_TIMESTAMP(),
  PRIMARY KEY (event_id),
  KEY idx_events_status_start (status, starts_at),
  KEY idx_events_category_start (category_id, status, starts_at),
  KEY idx_events_venue_start (venue_id, status, starts_at),
  KEY idx_events_popularity (status, popularity),
  FULLTEXT KEY ft_events_name (name),
  FULLTEXT KEY ft_events_text (name, description, search_extra),
  CONSTRAINT fk_events_venue FOREIGN KEY (venue_id) REFERENCES venues (venue_id),
  CONSTRAINT fk_events_category FOREIGN KEY (category_id) REFERENCES categories (category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE event_performers (
  event_id      INT UNSIGNED NOT NULL,
  performer_id  INT UNSIGNED NOT NULL,
  billing_order TINYINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, performer_id),
  KEY idx_event_performers_performer (performer_id),
  CONSTRAINT fk_ep_event FOREIGN KEY (event_id) REFERENCES events (event_id),
  CONSTRAINT fk_ep_performer FOREIGN KEY (performer_id) REFERENCES performers (performer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One price per section per event (e.g. "Stalls" €45, "Standing" €30).
CREATE TABLE price_tiers (
  tier_id     INT UNSIGNED NOT NULL AUTO_INCREMENT,
  event_id    INT UNSIGNED NOT NULL,
  section_id  INT UNSIGNED NOT NULL,
  name        VARCHAR(100) NOT NULL,
  price_cents INT UNSIGNED NOT NULL,
  currency    CHAR(3) NOT NULL,
  PRIMARY KEY (tier_id),
  UNIQUE KEY uq_tiers_event_section (event_id, section_id),
  CONSTRAINT fk_tiers_event FOREIGN KEY (event_id) REFERENCES events (event_id),
  CONSTRAINT fk_tiers_section FOREIGN KEY (section_id) REFERENCES venue_sections (section_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
