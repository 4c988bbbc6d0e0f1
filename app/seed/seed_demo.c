/* seed_demo: the demo catalogue behind `./dev up` — real cities, invented venues and acts,
 * seat maps that draw well, 46 upcoming published events plus 2 drafts and 1 cancelled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "db/db.h"
#include "seed/seed_builder.h"
#include "seed/seed_catalogues.h"

/* --- venues: section boxes are laid out by hand so the seat maps draw without overlaps;
 * y 0-60 above the first section is left for the stage. --------------------------------- */

static const struct seed_section BERLIN_SECTIONS[] = {
	{ .name = "Standing", .standing = true, .capacity = 280, .stand_w = 400, .stand_h = 200,
	  .map_x = 40, .map_y = 80, .price_pct = 100 },
	{ .name = "Balcony", .rows = 3, .seats = 18, .aisle_every = 9,
	  .map_x = 40, .map_y = 310, .price_pct = 125 },
};
static const struct seed_section LONDON_SECTIONS[] = {
	{ .name = "Stalls", .rows = 10, .seats = 14, .widen = 2, .aisle_every = 8,
	  .map_x = 40, .map_y = 80, .price_pct = 100 },
	{ .name = "Dress Circle", .rows = 4, .seats = 26, .widen = 2, .aisle_every = 8,
	  .map_x = 40, .map_y = 330, .price_pct = 85 },
};
static const struct seed_section NEW_YORK_SECTIONS[] = {
	{ .name = "Main Room", .rows = 9, .seats = 12, .aisle_every = 6,
	  .map_x = 40, .map_y = 80, .price_pct = 100 },
	{ .name = "Bar Rail", .rows = 1, .seats = 14,
	  .map_x = 30, .map_y = 310, .price_pct = 70 },
};
static const struct seed_section PARIS_SECTIONS[] = {
	{ .name = "Orchestre", .rows = 12, .seats = 20, .aisle_every = 10,
	  .map_x = 40, .map_y = 80, .price_pct = 100 },
	{ .name = "Balcon", .rows = 5, .seats = 22, .aisle_every = 11,
	  .map_x = 20, .map_y = 370, .price_pct = 75 },
};
/* Barcelona: a floor with boxes along both sides, facing inwards. */
static const struct seed_section BARCELONA_SECTIONS[] = {
	{ .name = "Standing", .standing = true, .capacity = 250, .stand_w = 300, .stand_h = 280,
	  .map_x = 160, .map_y = 80, .price_pct = 100 },
	{ .name = "Llotja Esquerra", .rows = 5, .seats = 12, .aisle_every = 6,
	  .facing = SEED_FACING_RIGHT, .map_x = 20, .map_y = 80, .price_pct = 140 },
	{ .name = "Llotja Dreta", .rows = 5, .seats = 12, .aisle_every = 6,
	  .facing = SEED_FACING_LEFT, .map_x = 480, .map_y = 80, .price_pct = 140 },
};
/* Chicago: four stands round a court (x 160-560, y 160-400). */
static const struct seed_section CHICAGO_SECTIONS[] = {
	{ .name = "North Stand", .rows = 6, .seats = 20, .aisle_every = 10,
	  .facing = SEED_FACING_DOWN, .map_x = 140, .map_y = 10, .price_pct = 100 },
	{ .name = "South Stand", .rows = 6, .seats = 20, .aisle_every = 10,
	  .facing = SEED_FACING_UP, .map_x = 140, .map_y = 410, .price_pct = 100 },
	{ .name = "West Stand", .rows = 5, .seats = 12,
	  .facing = SEED_FACING_RIGHT, .map_x = 30, .map_y = 150, .price_pct = 75 },
	{ .name = "East Stand", .rows = 5, .seats = 12,
	  .facing = SEED_FACING_LEFT, .map_x = 570, .map_y = 150, .price_pct = 75 },
};
/* Manchester: a main stand and a family stand either side of the pitch (y 200-420), and a
 * standing terrace behind the goal. */
static const struct seed_section MANCHESTER_SECTIONS[] = {
	{ .name = "Main Stand", .rows = 8, .seats = 30, .aisle_every = 10,
	  .facing = SEED_FACING_DOWN, .map_x = 40, .map_y = 10, .price_pct = 100 },
	{ .name = "Family Stand", .rows = 5, .seats = 24, .aisle_every = 12,
	  .facing = SEED_FACING_UP, .map_x = 110, .map_y = 430, .price_pct = 70 },
	{ .name = "Standing", .standing = true, .capacity = 200, .stand_w = 160, .stand_h = 220,
	  .map_x = 720, .map_y = 200, .price_pct = 60 },
};
static const struct seed_section VIENNA_SECTIONS[] = {
	{ .name = "Parkett", .rows = 10, .seats = 16, .widen = 2, .aisle_every = 17,
	  .map_x = 40, .map_y = 80, .price_pct = 100 },
	{ .name = "Galerie", .rows = 3, .seats = 34, .aisle_every = 17,
	  .map_x = 40, .map_y = 330, .price_pct = 65 },
};

#define SECTIONS(a) a, (int)(sizeof a / sizeof a[0])

enum { BERLIN, LONDON, NEW_YORK, PARIS, BARCELONA, CHICAGO, MANCHESTER, VIENNA, NVENUES };

static const struct seed_venue DEMO_VENUES[NVENUES] = {
	[BERLIN] = { "Kesselhaus am Kanal", "Paul-Lincke-Ufer 21, 10999 Berlin", "Berlin", "DE",
		     "Europe/Berlin", SECTIONS(BERLIN_SECTIONS) },
	[LONDON] = { "The Lantern Theatre", "14 Maiden Lane, London WC2E 7NA", "London", "GB",
		     "Europe/London", SECTIONS(LONDON_SECTIONS) },
	[NEW_YORK] = { "Bleecker Lane Comedy Club", "148 Bleecker Street, New York, NY 10012",
		       "New York", "US", "America/New_York", SECTIONS(NEW_YORK_SECTIONS) },
	[PARIS] = { "Salle Belleville", "36 Rue de Belleville, 75020 Paris", "Paris", "FR",
		    "Europe/Paris", SECTIONS(PARIS_SECTIONS) },
	[BARCELONA] = { "Palau Verdaguer", "Carrer de Verdaguer i Callís 4, 08003 Barcelona",
			"Barcelona", "ES", "Europe/Madrid", SECTIONS(BARCELONA_SECTIONS) },
	[CHICAGO] = { "Lakeshore Fieldhouse", "2150 S Lake Shore Drive, Chicago, IL 60616",
		      "Chicago", "US", "America/Chicago", SECTIONS(CHICAGO_SECTIONS) },
	[MANCHESTER] = { "Irwell Park", "Trinity Way, Salford M3 7BB", "Manchester", "GB",
			 "Europe/London", SECTIONS(MANCHESTER_SECTIONS) },
	[VIENNA] = { "Konzerthaus Mariahilf", "Mariahilfer Straße 85, 1060 Wien", "Vienna", "AT",
		     "Europe/Vienna", SECTIONS(VIENNA_SECTIONS) },
};

/* --- events ------------------------------------------------------------------------------ */

struct demo_event {
	const char *name;
	enum seed_category category;
	int venue;
	int days, hour, minute;       /* local time at the venue, `days` from today */
	int base_cents;               /* the price of a 100% section */
	const char *status;
	const char *performers[3];
	const char *description;
};

#define PUBLISHED "published"

static const struct demo_event DEMO_EVENTS[] = {
	/* concerts */
	{ "Café Müller Sessions", SEED_CONCERTS, BERLIN, 3, 20, 0, 2800, PUBLISHED,
	  { "Café Müller Quartet" },
	  "Four Berlin jazz musicians who met over late-night espresso in a Schöneberg café play "
	  "their warm, swinging arrangements of Weimar-era songs. Expect brushed drums, a muted "
	  "trumpet and a good story before every tune." },
	{ "Glacier Pop: A Björk-style Night", SEED_CONCERTS, BERLIN, 24, 20, 30, 3200, PUBLISHED,
	  { "Hrafnhildur Jónsdóttir", "The Ice Choir" },
	  "Reykjavík singer Hrafnhildur Jónsdóttir brings her Björk-style glacier pop to Kreuzberg: "
	  "glitching beats, a twelve-voice choir and songs about weather. Standing on the floor, "
	  "seats on the balcony." },
	{ "The Velvet Hours: Midnight Tour", SEED_CONCERTS, BERLIN, 61, 21, 0, 3500, PUBLISHED,
	  { "The Velvet Hours", "Lotte Brandt" },
	  "The Velvet Hours return with the dark, shimmering guitar pop of their third album, "
	  "played loud and late. Lotte Brandt opens with a solo set of piano ballads." },
	{ "Zoë Brontë: Paper Lanterns", SEED_CONCERTS, LONDON, 12, 19, 30, 3500, PUBLISHED,
	  { "Zoë Brontë" },
	  "Singer-songwriter Zoë Brontë plays her new album Paper Lanterns in full, with a string "
	  "quartet, in the intimate surroundings of the Lantern Theatre. Quiet songs, big feelings." },
	{ "Sól & Salt: Nordic Folk Evening", SEED_CONCERTS, LONDON, 110, 19, 30, 2800, PUBLISHED,
	  { "Sól & Salt", "Ingrid Haldórsdóttir" },
	  "Fiddles, nyckelharpa and close harmonies from the Faroese-Norwegian folk band Sól & Salt. "
	  "Ingrid Haldórsdóttir joins them for a set of old Icelandic rímur." },
	{ "Amélie Durand chante Barbara", SEED_CONCERTS, PARIS, 9, 20, 0, 3900, PUBLISHED,
	  { "Amélie Durand", "Léon Moreau" },
	  "Amélie Durand sings the songs of Barbara, accompanied by Léon Moreau at the grand piano. "
	  "An evening of chanson, from « Göttingen » to « L'Aigle noir »." },
	{ "Orchestre Lumière: Debussy & Ravel", SEED_CONCERTS, PARIS, 45, 20, 0, 4500, PUBLISHED,
	  { "Orchestre Lumière", "Hélène Faure" },
	  "The chamber orchestra Orchestre Lumière plays Debussy's Prélude à l'après-midi d'un faune "
	  "and Ravel's Le Tombeau de Couperin. Hélène Faure is the soloist in Ravel's Piano Concerto "
	  "in G." },
	{ "Mañana Orquesta en concierto", SEED_CONCERTS, BARCELONA, 17, 21, 30, 2600, PUBLISHED,
	  { "Mañana Orquesta" },
	  "Twelve musicians, three generations and one enormous brass section: Mañana Orquesta play "
	  "cumbia, rumba catalana and salsa until nobody can stand still. The floor is standing; the "
	  "side boxes are seated." },
	{ "Electric Harbour Night", SEED_CONCERTS, BARCELONA, 88, 22, 0, 3000, PUBLISHED,
	  { "Núria Vidal", "Port Electric", "DJ Sorolla" },
	  "A night of Mediterranean electronica: Núria Vidal's live set of synths and voice, the "
	  "analogue duo Port Electric, and DJ Sorolla until closing." },
	{ "Dakota Reyes & The Long Road", SEED_CONCERTS, CHICAGO, 33, 19, 30, 4200, PUBLISHED,
	  { "Dakota Reyes & The Long Road", "June Whitaker" },
	  "Dakota Reyes and her five-piece band bring their dusty Americana home to the Midwest, "
	  "with songs from the Grammy-nominated Highway Hymns. June Whitaker opens." },
	{ "Wiener Kammerphilharmonie: Schubert Nights", SEED_CONCERTS, VIENNA, 20, 19, 30, 5200,
	  PUBLISHED, { "Wiener Kammerphilharmonie", "Clara Öhlinger" },
	  "The Wiener Kammerphilharmonie plays Schubert's Unfinished Symphony and, with Clara "
	  "Öhlinger at the piano, the Wanderer Fantasy. A programme of Viennese music in the city "
	  "where it was written." },
	{ "Jürgen Schäfer Trio: Late Jazz", SEED_CONCERTS, VIENNA, 75, 21, 0, 2900, PUBLISHED,
	  { "Jürgen Schäfer Trio" },
	  "Piano, double bass and drums: the Jürgen Schäfer Trio plays standards and originals in "
	  "an unhurried late-evening set. The bar stays open throughout." },
	{ "Irwell Silver Band: Brass on the Pitch", SEED_CONCERTS, MANCHESTER, 150, 15, 0, 1800,
	  PUBLISHED, { "Irwell Silver Band" },
	  "Manchester's oldest brass band plays marches, film themes and northern soul classics in "
	  "the open air. Bring a flask; the Family Stand is half price for children." },
	/* sports */
	{ "Lakeshore Lynx vs. Motor City Hawks", SEED_SPORTS, CHICAGO, 5, 19, 0, 2500, PUBLISHED,
	  { "Lakeshore Lynx", "Motor City Hawks" },
	  "Regular-season basketball at the Fieldhouse: the Lynx open their home schedule against "
	  "their oldest rivals from Detroit. Doors open one hour before tip-off." },
	{ "Lakeshore Lynx vs. Twin Cities Frost", SEED_SPORTS, CHICAGO, 19, 19, 0, 2500, PUBLISHED,
	  { "Lakeshore Lynx", "Twin Cities Frost" },
	  "The Lynx host the league leaders from Minneapolis in a game that could decide the top "
	  "seed. Courtside seats in the North and South Stands." },
	{ "Lakeshore Lynx vs. Cleveland Ironmen", SEED_SPORTS, CHICAGO, 54, 18, 30, 2800, PUBLISHED,
	  { "Lakeshore Lynx", "Cleveland Ironmen" },
	  "The last home game of the regular season, and fan appreciation night: every ticket "
	  "holder gets a commemorative scarf. Tip-off at 6:30 pm." },
	{ "Irwell Rovers vs. Pennine Wolves", SEED_SPORTS, MANCHESTER, 8, 15, 0, 2200, PUBLISHED,
	  { "Irwell Rovers", "Pennine Wolves" },
	  "Rugby league on a Saturday afternoon: the Rovers face the Wolves in the first derby of "
	  "the season. Terrace tickets are standing only." },
	{ "Irwell Rovers vs. Humber Knights", SEED_SPORTS, MANCHESTER, 36, 19, 45, 2200, PUBLISHED,
	  { "Irwell Rovers", "Humber Knights" },
	  "Friday night under the floodlights as the Rovers host the Knights from Hull. Kick-off "
	  "at 7:45 pm." },
	{ "Irwell Rovers vs. Calder Valley Bulls: Cup Quarter-Final", SEED_SPORTS, MANCHESTER, 92,
	  15, 0, 2600, PUBLISHED, { "Irwell Rovers", "Calder Valley Bulls" },
	  "Knockout rugby league: a place in the semi-finals is at stake. Extra time and golden "
	  "point if needed." },
	{ "Futsal: FC Gràcia vs. Sants Esportiu", SEED_SPORTS, BARCELONA, 27, 19, 0, 1500,
	  PUBLISHED, { "FC Gràcia", "Sants Esportiu" },
	  "Fast, skilful five-a-side football in the heart of the city: the neighbourhood derby "
	  "between Gràcia and Sants. Standing around the court, seats in the side boxes." },
	{ "Kreuzberg Roller Derby: Spree Sirens vs. Leipzig Lightning", SEED_SPORTS, BERLIN, 41, 18,
	  0, 1600, PUBLISHED, { "Spree Sirens", "Leipzig Lightning" },
	  "Full-contact roller derby on the Kesselhaus floor: Berlin's Spree Sirens take on Leipzig "
	  "Lightning. Track-side standing; the balcony has the best view of the jams." },
	/* theatre */
	{ "Twelfth Night", SEED_THEATRE, LONDON, 1, 19, 30, 4500, PUBLISHED,
	  { "The Lantern Company", "Olivia Hartley" },
	  "Shakespeare's comedy of shipwrecks, disguises and unrequited love, set in a 1920s "
	  "seaside hotel. Olivia Hartley plays Viola in the Lantern Company's new production." },
	{ "The Seagull", SEED_THEATRE, LONDON, 56, 19, 30, 4200, PUBLISHED,
	  { "The Lantern Company", "Tomasz Kowalczyk" },
	  "Chekhov's bittersweet play about art, fame and a lake that everyone loves, in a new "
	  "translation. Directed by Tomasz Kowalczyk." },
	{ "A Doll's House", SEED_THEATRE, LONDON, 130, 19, 30, 4200, PUBLISHED,
	  { "The Lantern Company", "Priyanka Desai" },
	  "Ibsen's drama of a marriage built on a secret, with Priyanka Desai as Nora. Two hours "
	  "and ten minutes including one interval." },
	{ "Much Ado About Nothing", SEED_THEATRE, LONDON, 165, 19, 30, 4500, PUBLISHED,
	  { "The Lantern Company" },
	  "Beatrice and Benedick spar their way to love in Shakespeare's sharpest comedy, played "
	  "in the round with live music. A summer production for the whole season." },
	{ "Cyrano de Bergerac", SEED_THEATRE, PARIS, 14, 20, 30, 3800, PUBLISHED,
	  { "Compagnie du Faubourg", "Mathis Lefèvre" },
	  "Rostand's swashbuckling romance, in French with English surtitles. Mathis Lefèvre is "
	  "Cyrano, the poet with the famous nose and the hopeless love for Roxane." },
	{ "Le Misanthrope", SEED_THEATRE, PARIS, 67, 20, 30, 3600, PUBLISHED,
	  { "Compagnie du Faubourg" },
	  "Molière's comedy about a man who refuses to flatter anyone, staged in a modern Paris "
	  "office. In French with English surtitles." },
	{ "Der Zerrissene", SEED_THEATRE, VIENNA, 30, 19, 30, 3900, PUBLISHED,
	  { "Ensemble Mariahilf", "Florian Großmann" },
	  "Nestroy's Viennese farce about a rich man bored with everything, with songs. Florian "
	  "Großmann plays Herr von Lips; in German." },
	{ "Woyzeck", SEED_THEATRE, VIENNA, 99, 19, 30, 3500, PUBLISHED,
	  { "Ensemble Mariahilf" },
	  "Büchner's unfinished fragment about a soldier driven to despair, played by an ensemble "
	  "of six with an electronic score. In German; not suitable for under-14s." },
	{ "Yerma", SEED_THEATRE, BARCELONA, 78, 20, 0, 3200, PUBLISHED,
	  { "Companyia del Raval", "Mercè Puig" },
	  "Lorca's tragic poem of longing, performed in Catalan with Spanish and English surtitles. "
	  "Mercè Puig in the title role." },
	/* comedy */
	{ "Priya Nair: Overthinking It", SEED_COMEDY, NEW_YORK, 4, 20, 0, 2500, PUBLISHED,
	  { "Priya Nair" },
	  "Priya Nair has thought about this show a lot. Probably too much. An hour of stand-up "
	  "about anxiety, group chats and her mother's opinions on everything." },
	{ "Late Night Stand-Up Showcase", SEED_COMEDY, NEW_YORK, 11, 22, 30, 1800, PUBLISHED,
	  { "Sam O'Connell", "Marisol Vega", "Ray Okafor" },
	  "Three comics, one late show: the club's resident hosts Sam O'Connell and Marisol Vega "
	  "introduce headliner Ray Okafor. Two-drink minimum." },
	{ "Dmitri Volkov: Nobody Asked", SEED_COMEDY, NEW_YORK, 38, 20, 0, 2400, PUBLISHED,
	  { "Dmitri Volkov" },
	  "Deadpan observations from a man who moved from Novosibirsk to Queens and still has "
	  "questions. Dmitri Volkov's first New York hour." },
	{ "Sam O'Connell: Irish Goodbye", SEED_COMEDY, NEW_YORK, 85, 20, 0, 2200, PUBLISHED,
	  { "Sam O'Connell" },
	  "Sam O'Connell tries to leave a party without anyone noticing and ends up telling you "
	  "his life story instead. Recorded for a comedy special." },
	{ "Marisol Vega: Abuela Knows Best", SEED_COMEDY, NEW_YORK, 145, 20, 0, 2300, PUBLISHED,
	  { "Marisol Vega" },
	  "Marisol Vega on growing up in the Bronx with a grandmother who was always right, "
	  "especially when she was wrong." },
	{ "Fenella Hart: Very Nearly Famous", SEED_COMEDY, LONDON, 22, 20, 0, 2000, PUBLISHED,
	  { "Fenella Hart" },
	  "Fenella Hart was once mistaken for a celebrity on a train to Crewe. This is what "
	  "happened next. Stand-up fresh from a sold-out Edinburgh run." },
	{ "English Comedy Night Berlin", SEED_COMEDY, BERLIN, 15, 20, 0, 1500, PUBLISHED,
	  { "Ben Achterberg", "Kerstin Wolff", "Ayo Adeyemi" },
	  "Stand-up in English for Berlin's expats and curious locals: three comedians, one "
	  "evening of jokes about bureaucracy, bread and the U8." },
	{ "Chloé Marchand: Pas de panique", SEED_COMEDY, PARIS, 50, 21, 0, 2600, PUBLISHED,
	  { "Chloé Marchand" },
	  "Chloé Marchand's one-woman show about a very bad week in a very small flat. In French, "
	  "at a pace that will test your subjonctif." },
	{ "The Improv Collective: Made Up on the Spot", SEED_COMEDY, CHICAGO, 120, 20, 0, 2000,
	  PUBLISHED, { "The Improv Collective" },
	  "Chicago's long-form improvisers build a whole show from one audience suggestion. No "
	  "script, no safety net, and never the same night twice." },
	/* family */
	{ "Peter und der Wolf", SEED_FAMILY, VIENNA, 6, 11, 0, 1400, PUBLISHED,
	  { "Wiener Kammerphilharmonie", "Lena Hofbauer" },
	  "Prokofiev's musical fairy tale for children from five, narrated by Lena Hofbauer. Every "
	  "animal has its own instrument; meet the orchestra afterwards." },
	{ "Pip and the Paper Moon", SEED_FAMILY, LONDON, 26, 14, 0, 1500, PUBLISHED,
	  { "Moonbeam Puppet Theatre" },
	  "A little paper girl sets off to find the moon in this gentle puppet show for ages 3 to 7. "
	  "Fifty minutes, no interval, lots of music." },
	{ "Captain Cosmo's Science Spectacular", SEED_FAMILY, CHICAGO, 47, 14, 0, 1800, PUBLISHED,
	  { "Captain Cosmo" },
	  "Explosions (safe ones), liquid nitrogen and a hovercraft: Captain Cosmo's science show "
	  "is loud, messy and secretly educational. For ages 6 and up." },
	{ "Le Petit Cirque Mouchette", SEED_FAMILY, PARIS, 64, 15, 0, 1600, PUBLISHED,
	  { "Cirque Mouchette" },
	  "A tiny circus with big tricks: jugglers, a tightrope walker and a very clever dog. "
	  "No words, so everyone understands." },
	{ "Circ Mañana: Acrobats for All Ages", SEED_FAMILY, BARCELONA, 105, 12, 0, 1400, PUBLISHED,
	  { "Circ Mañana" },
	  "Human towers, trapeze and live rumba from a Catalan circus company that started on the "
	  "beach. A Sunday-lunchtime show for families." },
	{ "Dinosaur Discovery Live", SEED_FAMILY, MANCHESTER, 140, 13, 0, 1700, PUBLISHED,
	  { "Dino Explorers Company" },
	  "Life-size walking dinosaurs roam the pitch while a palaeontologist explains who ate whom. "
	  "Brave volunteers from the audience may help feed a baby triceratops." },
	{ "Märchenzeit: Grimm Tales with Music", SEED_FAMILY, BERLIN, 176, 11, 0, 1200, PUBLISHED,
	  { "Theater Frau Holle", "Annika Brömmel" },
	  "Hansel and Gretel, Rumpelstiltskin and the Bremen Town Musicians told with puppets and "
	  "an accordion. In German and English, for ages 4 and up." },
	/* never shown to shoppers: tests check these stay invisible */
	{ "[draft] Winter Gala: programme to be announced", SEED_CONCERTS, VIENNA, 170, 19, 30,
	  6000, "draft", { "Wiener Kammerphilharmonie" },
	  "A draft event that is not yet on sale. It must never appear in listings or search." },
	{ "[draft] Secret headliner (unannounced)", SEED_CONCERTS, BERLIN, 150, 21, 0, 4000,
	  "draft", { "The Velvet Hours" },
	  "A draft event that is not yet on sale. It must never appear in listings or search." },
	{ "[cancelled] The Midnight Express Tour", SEED_CONCERTS, CHICAGO, 29, 20, 0, 3800,
	  "cancelled", { "The Midnight Express" },
	  "This concert has been cancelled. It must never appear in listings or search." },
};
#define NEVENTS (sizeof DEMO_EVENTS / sizeof DEMO_EVENTS[0])

/* Running time, for ends_at. */
static const int DURATION_MINUTES[SEED_NCATEGORIES] = {
	[SEED_CONCERTS] = 150, [SEED_SPORTS] = 120, [SEED_THEATRE] = 165,
	[SEED_COMEDY] = 90, [SEED_FAMILY] = 75,
};

static int demo_price(int base_cents, int pct)
{
	/* Round to 50 cents: nobody prices a seat at €37.13. */
	return (base_cents * pct / 100 + 25) / 50 * 50;
}

static NEOERR *demo_tiers(struct db *db, struct arena *a, unsigned long event_id,
			  const struct demo_event *ev, unsigned int venue_id, const char *currency)
{
	const struct seed_venue *v = &DEMO_VENUES[ev->venue];
	for (int i = 0; i < v->nsections; i++) {
		const struct seed_section *s = &v->sections[i];
		NEOERR *err = db_exec(db, a, NULL,
			"INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency) "
			"SELECT ?, section_id, name, ?, ? FROM venue_sections "
			"WHERE venue_id = ? AND name = ?",
			"uisus", (unsigned long long)event_id,
			(long long)demo_price(ev->base_cents, s->price_pct), currency,
			(unsigned long long)venue_id, s->name);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	return STATUS_OK;
}

/* Create one event with its performers, tiers and tickets; *created is false when an event
 * of that name is already at that venue (a second run with --force). */
static NEOERR *demo_event(struct db *db, struct arena *a, const struct demo_event *ev, int index,
			  const unsigned int *venue_ids, const unsigned int *category_ids,
			  long long organizer_id, bool *created, unsigned long long *tickets)
{
	const struct seed_venue *v = &DEMO_VENUES[ev->venue];
	unsigned int venue_id = venue_ids[ev->venue];
	struct db_result r;
	*created = false;
	*tickets = 0;
	NEOERR *err = db_exec(db, a, &r,
			      "SELECT event_id FROM events WHERE venue_id = ? AND name = ? LIMIT 1",
			      "us", (unsigned long long)venue_id, ev->name);
	if (err != STATUS_OK || r.nrows > 0)
		return nerr_pass(err);

	unsigned int performer_ids[3];
	int nperformers = 0;
	char search_extra[1024] = "";
	for (; nperformers < 3 && ev->performers[nperformers]; nperformers++) {
		err = seed_performer(db, ev->performers[nperformers], &performer_ids[nperformers]);
		if (err != STATUS_OK)
			return nerr_pass(err);
		strncat(search_extra, ev->performers[nperformers],
			sizeof search_extra - strlen(search_extra) - 1);
		strncat(search_extra, " ", sizeof search_extra - strlen(search_extra) - 1);
	}
	snprintf(search_extra + strlen(search_extra), sizeof search_extra - strlen(search_extra),
		 "%s %s", v->name, v->city);

	time_t starts = seed_local_time(v->timezone, ev->days, ev->hour, ev->minute);
	char starts_at[20], ends_at[20];
	seed_format_utc(starts, starts_at);
	seed_format_utc(starts + DURATION_MINUTES[ev->category] * 60, ends_at);
	const char *currency = seed_currency_for(v->country);
	err = db_exec(db, a, &r,
		      "INSERT INTO events (venue_id, category_id, name, description, search_extra, "
		      "starts_at, ends_at, status, currency, popularity, organizer_id) "
		      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0))",
		      "uusssssssii", (unsigned long long)venue_id,
		      (unsigned long long)category_ids[ev->category], ev->name, ev->description,
		      search_extra, starts_at, ends_at, ev->status, currency,
		      (long long)(100 + index * 379 % 900), organizer_id);
	if (err != STATUS_OK)
		return nerr_pass(err);
	unsigned long event_id = (unsigned long)r.insert_id;
	for (int i = 0; i < nperformers; i++) {
		err = db_exec(db, a, NULL,
			      "INSERT INTO event_performers (event_id, performer_id, billing_order) "
			      "VALUES (?, ?, ?)",
			      "uui", (unsigned long long)event_id,
			      (unsigned long long)performer_ids[i], (long long)i);
		if (err != STATUS_OK)
			return nerr_pass(err);
	}
	err = demo_tiers(db, a, event_id, ev, venue_id, currency);
	if (err == STATUS_OK)
		err = seed_tickets(db, event_id, event_id, tickets);
	if (err == STATUS_OK)
		*created = true;
	return nerr_pass(err);
}

static NEOERR *demo_has_events(struct db *db, bool *has)
{
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT 1 FROM events LIMIT 1", "");
	*has = err == STATUS_OK && r.nrows > 0;
	arena_destroy(a);
	return nerr_pass(err);
}

/* The organizer's id, when one is named: it must exist. */
static NEOERR *demo_organizer_id(struct db *db, const char *email, long long *id)
{
	*id = 0;
	if (email == NULL)
		return STATUS_OK;
	struct arena *a = arena_new();
	struct db_result r;
	NEOERR *err = db_exec(db, a, &r, "SELECT user_id FROM users WHERE email = ? AND role = 'organizer'"
			      " AND deleted_at IS NULL", "s", email);
	if (err == STATUS_OK && r.nrows == 0)
		err = nerr_raise(NERR_NOT_FOUND, "there is no organizer %s (boxoffice user add --role "
				 "organizer %s)", email, email);
	if (err == STATUS_OK)
		*id = strtoll(db_cell(&r, 0, 0), NULL, 10);
	arena_destroy(a);
	return nerr_pass(err);
}

NEOERR *seed_demo(struct db *db, bool force, const char *organizer)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	bool has_events;
	long long organizer_id;
	NEOERR *err = demo_organizer_id(db, organizer, &organizer_id);
	if (err == STATUS_OK)
		err = demo_has_events(db, &has_events);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (has_events && !force) {
		printf("seed --demo: the database already has events; nothing to do "
		       "(--force adds the demo catalogue anyway, without duplicating it)\n");
		return STATUS_OK;
	}

	/* All or nothing: a half-seeded demo would be skipped by the next run. */
	err = db_begin(db);
	unsigned int category_ids[SEED_NCATEGORIES], venue_ids[NVENUES];
	if (err == STATUS_OK)
		err = seed_categories(db, category_ids);
	int new_venues = 0, new_events = 0;
	unsigned long long tickets = 0;
	for (int i = 0; i < NVENUES && err == STATUS_OK; i++) {
		bool created;
		err = seed_venue(db, &DEMO_VENUES[i], &venue_ids[i], &created);
		new_venues += created;
	}
	struct arena *a = arena_new();
	for (size_t i = 0; i < NEVENTS && err == STATUS_OK; i++) {
		bool created;
		unsigned long long n;
		err = demo_event(db, a, &DEMO_EVENTS[i], (int)i, venue_ids, category_ids, organizer_id,
				 &created, &n);
		new_events += created;
		tickets += n;
	}
	arena_destroy(a);
	err = db_end(db, err);
	if (err != STATUS_OK)
		return nerr_pass(err);
	printf("seed --demo: %d categories, %d venues (%d new), %d events (%d new), "
	       "%llu tickets created in %.1f s\n",
	       SEED_NCATEGORIES, NVENUES, new_venues, (int)NEVENTS, new_events, tickets,
	       seed_elapsed(&start));
	return STATUS_OK;
}

/* Only rows nobody owns: a fresh demo catalogue's events were inserted owned already, so
 * they are written once (no second round of catalogue triggers). */
NEOERR *seed_give_unowned(struct db *db, const char *email, long long *n)
{
	struct arena *a = arena_new();
	struct db_result r;
	long long id;
	*n = 0;
	NEOERR *err = demo_organizer_id(db, email, &id);
	if (err == STATUS_OK)
		err = db_begin(db);
	if (err == STATUS_OK)
		err = db_exec(db, a, NULL, "UPDATE venues SET organizer_id = ? WHERE organizer_id IS NULL", "i", id);
	if (err == STATUS_OK)
		err = db_exec(db, a, &r, "UPDATE events SET organizer_id = ? WHERE organizer_id IS NULL", "i", id);
	if (err == STATUS_OK)
		*n = (long long)r.affected_rows;
	err = db_end(db, err);
	arena_destroy(a);
	return nerr_pass(err);
}
