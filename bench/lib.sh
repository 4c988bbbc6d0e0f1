# shellcheck shell=bash
# bench/lib.sh: what bench/flash_sale and bench/notify share; sourced, never run. The script
# that sources it defines sql() (the mariadb client on its stack's socket, database boxoffice,
# -N -B), say() and die() first.

# bench_snapshot BUILT BIN: BIN becomes a copy of BUILT, replaced by rename and never
# overwritten, so a pool or notifier running from BIN keeps its own copy and others
# rebuilding build/ mid-run change nothing. A new snapshot is newer than the pid files, so
# `dev stack start` restarts what runs from the old one.
bench_snapshot() {
	local built=$1 bin=$2
	[[ -x $built ]] || die "no $built (drop --no-build, or run ./dev up once)"
	if grep -q '^SAN_CFLAGS = .*sanitize' "$(dirname "$built")/Makefile" 2>/dev/null; then
		die "$(dirname "$built") is configured with sanitizers; the benchmark needs the optimised build"
	fi
	mkdir -p "$(dirname "$bin")"
	if ! cmp -s "$built" "$bin"; then
		cp "$built" "$bin.new"
		mv -f "$bin.new" "$bin"
	fi
}

# bench_catalogue BIN CONFIG: the demo catalogue (its categories are what events need), once
# per datadir.
bench_catalogue() {
	if [[ $(sql "SELECT COUNT(*) FROM categories") == 0 ]]; then
		say "seeding the demo catalogue (categories)"
		"$1" --config "$2" seed --demo >&2
	fi
}

# bench_seated_event VENUE EVENT SECTIONS ROWS SEATS_PER_ROW: sets EVENT_ID to the first event
# called EVENT with at least SECTIONS x ROWS x SEATS_PER_ROW tickets, made when there is none
# (once per datadir) with a synthetic venue VENUE: SECTIONS blocks of ROWS rows of
# SEATS_PER_ROW seats, a price tier per block, one ticket per seat in hall order. The event
# is put back on sale 30 days ahead whenever it has drifted off.
bench_seated_event() {
	local venue=$1 event=$2 sections=$3 rows=$4 seats=$5 capacity
	capacity=$((sections * rows * seats))
	EVENT_ID=$(sql "SELECT MIN(e.event_id) FROM events e WHERE e.name = '$event'
		AND (SELECT COUNT(*) FROM tickets t WHERE t.event_id = e.event_id) >= $capacity")
	if [[ $EVENT_ID == NULL ]]; then
		say "creating $venue and its event '$event' ($capacity seats)"
		sql "
			INSERT INTO venues (name, address, city, country, timezone, capacity)
			VALUES ('$venue', '1 Benchmark Way', 'Berlin', 'DE', 'Europe/Berlin', $capacity);
			SET @venue = LAST_INSERT_ID();
			INSERT INTO venue_sections (venue_id, name, kind, capacity, sort_order,
			                            map_x, map_y, map_w, map_h)
			SELECT @venue, CONCAT('Block ', CHAR(64 + seq)), 'seated', $((rows * seats)), seq,
			       ((seq - 1) % 5) * $((seats * 22)), ((seq - 1) DIV 5) * $((rows * 22)),
			       $((seats * 20)), $((rows * 20))
			  FROM seq_1_to_$sections;
			INSERT INTO venue_seats (section_id, row_label, seat_number, x, y)
			SELECT s.section_id, CONCAT('R', r.seq), n.seq, s.map_x + n.seq * 20, s.map_y + r.seq * 20
			  FROM venue_sections s JOIN seq_1_to_$rows r JOIN seq_1_to_$seats n
			 WHERE s.venue_id = @venue
			 ORDER BY s.sort_order, r.seq, n.seq;
			INSERT INTO events (venue_id, category_id, name, description, search_extra, starts_at,
			                    ends_at, status, currency)
			SELECT @venue, MIN(category_id), '$event', 'A benchmark''s own event.',
			       '', UTC_TIMESTAMP() + INTERVAL 30 DAY,
			       UTC_TIMESTAMP() + INTERVAL 30 DAY + INTERVAL 3 HOUR, 'published', 'EUR'
			  FROM categories;
			SET @event = LAST_INSERT_ID();
			INSERT INTO price_tiers (event_id, section_id, name, price_cents, currency)
			SELECT @event, section_id, name, 3000 + 500 * (sort_order % 4), 'EUR'
			  FROM venue_sections WHERE venue_id = @venue;
			INSERT INTO tickets (event_id, section_id, seat_id, tier_id, seat_label, price_cents)
			SELECT pt.event_id, s.section_id, vs.seat_id, pt.tier_id,
			       CONCAT(s.name, ' ', vs.row_label, '-', vs.seat_number), pt.price_cents
			  FROM price_tiers pt
			  JOIN venue_sections s ON s.section_id = pt.section_id
			  JOIN venue_seats vs ON vs.section_id = s.section_id
			 WHERE pt.event_id = @event
			 ORDER BY s.sort_order, vs.seat_id"
		EVENT_ID=$(sql "SELECT MAX(event_id) FROM events WHERE name = '$event'")
	fi
	# Always on sale, however old the datadir.
	sql "UPDATE events SET status = 'published', starts_at = UTC_TIMESTAMP() + INTERVAL 30 DAY
	     WHERE event_id = $EVENT_ID AND (status <> 'published' OR starts_at < UTC_TIMESTAMP() + INTERVAL 1 DAY)"
}

# bench_reset_event EVENT_ID: back on sale. Every booking of the event goes, with what hangs
# off it (its messages in the outbox too), and every ticket is available again. Only that
# event is touched.
bench_reset_event() {
	local id=$1
	sql "
		UPDATE tickets SET status = 'available', booking_id = NULL, hold_expires_at = NULL
		 WHERE event_id = $id;
		DELETE FROM booking_items WHERE event_id = $id;
		DELETE FROM payment_events WHERE payment_id IN (SELECT payment_id FROM payments WHERE event_id = $id);
		DELETE FROM refunds WHERE payment_id IN (SELECT payment_id FROM payments WHERE event_id = $id);
		DELETE FROM booking_released_tickets WHERE booking_id IN (SELECT booking_id FROM bookings WHERE event_id = $id);
		DELETE FROM booking_holders WHERE booking_id IN (SELECT booking_id FROM bookings WHERE event_id = $id);
		DELETE FROM outbox WHERE booking_id IN (SELECT booking_id FROM bookings WHERE event_id = $id);
		DELETE FROM payments WHERE event_id = $id;
		DELETE FROM bookings WHERE event_id = $id"
}

# bench_tree_ticks PID: the CPU clock ticks a process has used, with its live children and
# those it has reaped (utime stime cutime cstime are fields 14-17 of /proc/PID/stat; the name,
# field 2, may hold spaces).
bench_tree_ticks() {
	local p files=()
	for p in "$1" $(pgrep -P "$1" || true); do
		[[ -r /proc/$p/stat ]] && files+=("/proc/$p/stat")
	done
	awk '{ sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15 } END { print t + 0 }' "${files[@]}" 2>/dev/null ||
		echo 0
}

# bench_field KEY LINE: the value of KEY=value in a line of key=value pairs (wrk's and the
# helpers' result lines).
bench_field() { sed -nE "s/(^|.*[ :])$1=([^ ]+).*/\2/p" <<<"$2"; }
