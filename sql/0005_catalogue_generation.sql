-- The catalogue's generation: one number that every change to what the public pages show
-- (events, their performers, price tiers, venues, performers) increments, by trigger, so that
-- a change made by any writer — the app, an admin page, a hand-written UPDATE — is part of
-- every page-cache key at once: the next request after an edit sees it. Bookings do not touch
-- these tables, so a sale never invalidates the catalogue (seat availability has its own
-- short freshness bound).
CREATE TABLE catalogue_state (
  id         TINYINT UNSIGNED NOT NULL,
  generation BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO catalogue_state (id, generation) VALUES (1, 1);

CREATE TRIGGER events_generation_ai AFTER INSERT ON events FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER events_generation_au AFTER UPDATE ON events FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER events_generation_ad AFTER DELETE ON events FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER event_performers_generation_ai AFTER INSERT ON event_performers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER event_performers_generation_ad AFTER DELETE ON event_performers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER price_tiers_generation_ai AFTER INSERT ON price_tiers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER price_tiers_generation_au AFTER UPDATE ON price_tiers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER venues_generation_au AFTER UPDATE ON venues FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER performers_generation_au AFTER UPDATE ON performers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
