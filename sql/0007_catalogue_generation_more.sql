-- More writers that change what the public pages show, for the catalogue generation of 0005:
-- an event's performers reordered, a price tier dropped, a category added, renamed or removed
-- (names and chips on listings and event pages), and a venue's sections and seats edited
-- (section names, prices and the seat map's labels and coordinates). Inserting seats does not
-- bump it: new seats show only with new tickets, and a bulk load of a hall would otherwise
-- bump it once per seat.
CREATE TRIGGER event_performers_generation_au AFTER UPDATE ON event_performers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER price_tiers_generation_ad AFTER DELETE ON price_tiers FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER categories_generation_ai AFTER INSERT ON categories FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER categories_generation_au AFTER UPDATE ON categories FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER categories_generation_ad AFTER DELETE ON categories FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER venue_sections_generation_au AFTER UPDATE ON venue_sections FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER venue_seats_generation_au AFTER UPDATE ON venue_seats FOR EACH ROW
  UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1;
